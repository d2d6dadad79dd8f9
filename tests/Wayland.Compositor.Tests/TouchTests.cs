namespace Wayland.Compositor.Tests;

/// <summary>
/// The seat's touchscreen with Debian's weston-simple-touch, a libwayland client that binds wl_touch when the seat
/// offers it and paints a small mark wherever a touch point goes down or moves, in surface-local coordinates.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class TouchTests
{
    [Fact]
    public void Weston_simple_touch_paints_where_touched_and_where_the_point_moves()
    {
        CompositorSession.Run("touch", session =>
        {
            using ClientProcess client = session.Launch("/usr/bin/weston-simple-touch");
            WindowInfo window = session.WaitForWindow(client);
            Rect bounds = window.Bounds;
            (int downX, int downY) = (bounds.X + 40, bounds.Y + 50);
            (int moveX, int moveY) = (bounds.X + 120, bounds.Y + 90);
            Rect around = new(downX - 3, downY - 3, 7, 7);
            Rect aroundMove = new(moveX - 3, moveY - 3, 7, 7);
            Image before = session.Compositor.CaptureOutput();

            session.Compositor.TouchDown(5, downX, downY);
            session.WaitUntil(() => Pixels.CountDifferent(before, session.Compositor.CaptureOutput(), around) > 0,
                "weston-simple-touch to paint at the touch-down point");

            // Motion is relative to the surface the point went down on; the mark follows it there.
            session.Compositor.TouchMotion(5, moveX, moveY);
            session.WaitUntil(() => Pixels.CountDifferent(before, session.Compositor.CaptureOutput(), aroundMove) > 0,
                "weston-simple-touch to paint where the point moved");
            session.Compositor.TouchUp(5);

            // Nothing else was painted: far from both points the window is as it was.
            Image after = session.Compositor.CaptureOutput();
            Rect far = new(bounds.X + 200, bounds.Y + 200, bounds.Width - 200, bounds.Height - 200);
            string picture = CompositorSession.SaveForInspection(after, "weston-simple-touch");
            Assert.True(Pixels.CountDifferent(before, after, far) == 0, $"pixels changed away from the touch points ({picture})");

            // Misuse of the scripted API is refused plainly.
            Assert.Throws<InvalidOperationException>(() => session.Compositor.TouchUp(5));
            Assert.Throws<InvalidOperationException>(() => session.Compositor.TouchMotion(9, 1, 1));
            session.Compositor.TouchDown(1, downX, downY);
            Assert.Throws<InvalidOperationException>(() => session.Compositor.TouchDown(1, downX, downY));
            session.Compositor.TouchCancel();
            session.Compositor.Tap(1, 1);
            session.AssertNoProtocolErrors();
            Assert.False(client.HasExited, client.Describe());
        });
    }
}
