using Xunit.Abstractions;

namespace Wayland.Compositor.Tests;

/// <summary>
/// Debian's weston demo clients (real libwayland-client programs) on the in-process compositor: their windows map,
/// they are paced by frame callbacks, what they draw is in the screenshot, and typed keys reach a terminal's shell.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class RealClientsTests(ITestOutputHelper output)
{
    [Fact]
    public void Weston_simple_shm_animates_and_its_pixels_are_in_the_screenshot()
    {
        CompositorSession.Run("simple-shm", session =>
        {
            ClientProcess client = session.Launch("/usr/bin/weston-simple-shm");
            WindowInfo window = session.WaitForWindow(client);
            output.WriteLine($"window: {window}");
            // simple-shm asks for nothing and draws a 250x250 buffer; with no window geometry that is the window.
            Assert.Equal(new Rect(window.Bounds.X, window.Bounds.Y, 250, 250), window.Bounds);
            Assert.True(window.IsActivated, "the only window should have the keyboard focus");

            session.WaitForAnimation("after the window mapped");
            Image first = session.Compositor.CaptureOutput();

            // It redraws from every frame callback: the picture moves.
            long rendered = session.Compositor.FramesRendered;
            session.WaitUntil(() => session.Compositor.FramesRendered >= rendered + 2, "two more repaints");
            Image second = session.Compositor.CaptureOutput();

            // Keep it running for about two seconds in all: still alive, still getting frame callbacks.
            Assert.False(Poll.TryUntil(() => client.HasExited, TimeSpan.FromSeconds(1.5)), $"it exited:\n{client.Describe()}");
            session.WaitForAnimation("still animating after about 2 s");

            Rect bounds = window.Bounds;
            int area = bounds.Width * bounds.Height;
            int drawn = Pixels.CountOtherThan(first, bounds, session.Options.Background);
            int colors = Pixels.DistinctColors(first, bounds);
            int moved = Pixels.CountDifferent(first, second, bounds);
            output.WriteLine($"{drawn} of {area} pixels differ from the background, {colors} colours, {moved} changed between two repaints");
            string picture = CompositorSession.SaveForInspection(first, "weston-simple-shm");
            Assert.True(drawn > area * 9 / 10, $"only {drawn} of {area} pixels were drawn ({picture})");
            Assert.True(colors > 16, $"the window holds only {colors} colours ({picture})");
            Assert.True(moved > 100, $"only {moved} pixels changed between two repaints of an animation ({picture})");

            // Outside every window the background is untouched.
            Assert.Equal(session.Options.Background, first.GetPixel(session.Options.Width - 1, session.Options.Height - 1));
            session.AssertNoProtocolErrors();
            Assert.False(client.HasExited, client.Describe());
        });
    }

    [Fact]
    public void Weston_flower_is_drawn_in_the_screenshot()
    {
        CompositorSession.Run("flower", session =>
        {
            ClientProcess client = session.Launch("/usr/bin/weston-flower");
            WindowInfo window = session.WaitForWindow(client);
            output.WriteLine($"window: {window}");
            Image screen = session.Compositor.CaptureOutput();
            Image? alone = session.Compositor.CaptureWindow(window.Id);
            Assert.NotNull(alone);
            Assert.Equal((window.Bounds.Width, window.Bounds.Height), (alone.Width, alone.Height));

            // The flower is a random star-shaped path on a transparent surface: some pixels are painted, some are not.
            Rect bounds = window.Bounds;
            int area = bounds.Width * bounds.Height;
            int drawn = Pixels.CountOtherThan(screen, bounds, session.Options.Background);
            int colors = Pixels.DistinctColors(screen, bounds);
            output.WriteLine($"{drawn} of {area} pixels differ from the background, {colors} colours");
            string picture = CompositorSession.SaveForInspection(screen, "weston-flower");
            Assert.True(drawn > area / 20, $"only {drawn} of {area} pixels were drawn ({picture})");
            Assert.True(colors > 8, $"only {colors} colours ({picture})");
            // The flower is centred in its window and leaves the corners transparent.
            Assert.NotEqual(session.Options.Background, screen.GetPixel(bounds.X + (bounds.Width / 2), bounds.Y + (bounds.Height / 2)));
            Assert.Equal(session.Options.Background, screen.GetPixel(bounds.X + 1, bounds.Y + 1));
            Assert.True(Pixels.CountOtherThan(alone, new Rect(0, 0, alone.Width, alone.Height), 0) > area / 20,
                "CaptureWindow holds nothing but transparent pixels");

            session.AssertNoProtocolErrors();
            Assert.False(client.HasExited, client.Describe());
        });
    }

    [Fact]
    public void Weston_smoke_animates_and_swirls_where_the_pointer_moves()
    {
        CompositorSession.Run("smoke", session =>
        {
            ClientProcess client = session.Launch("/usr/bin/weston-smoke");
            WindowInfo window = session.WaitForWindow(client);
            session.WaitForAnimation("after the window mapped");

            // At rest smoke is a uniform translucent square; the pointer stirs it (wl_pointer.motion reaches it).
            Image still = session.Compositor.CaptureOutput();
            int stillColors = Pixels.DistinctColors(still, window.Bounds);
            Rect b = window.Bounds;
            int colors = 0;
            int step = 0;
            session.WaitUntil(() =>
            {
                // A circle around the window's centre, a few points per poll.
                for (int i = 0; i < 4; i++, step++)
                {
                    double angle = step * 0.3;
                    session.Compositor.MovePointer(b.X + (b.Width / 2) + (Math.Cos(angle) * b.Width / 3), b.Y + (b.Height / 2) + (Math.Sin(angle) * b.Height / 3));
                }

                colors = Pixels.DistinctColors(session.Compositor.CaptureOutput(), b);
                return colors > stillColors + 20;
            }, () => $"the smoke to swirl where the pointer moves (window has {colors} colours, {stillColors} at rest)");
            Image stirred = session.Compositor.CaptureOutput();
            string picture = CompositorSession.SaveForInspection(stirred, "weston-smoke");
            output.WriteLine($"window {window}: {stillColors} colours at rest, {colors} after {step} pointer motions ({picture})");
            Assert.True(Pixels.CountOtherThan(still, b, session.Options.Background) > b.Width * b.Height / 2, "smoke's translucent square is not drawn over the background");
            Assert.Equal(session.Options.Background, stirred.GetPixel(b.Right + 10, b.Bottom + 10));
            session.AssertNoProtocolErrors();
            Assert.False(client.HasExited, client.Describe());
        });
    }

    [Fact]
    public void Weston_terminal_shows_what_is_typed_and_the_shell_answers()
    {
        CompositorSession.Run("terminal", session =>
        {
            ClientProcess client = session.Launch("/usr/bin/weston-terminal", environment: Screens.ShellEnvironment);
            WindowInfo window = session.WaitForWindow(client);
            output.WriteLine($"window: {window}");
            session.WaitUntil(() => session.FindWindow(client) is { IsActivated: true }, "the terminal to get the keyboard focus");
            output.WriteLine(Screens.TypeEchoAndCheckTheAnswer(session, window.Id, "weston-terminal"));
            session.AssertNoProtocolErrors();
            Assert.False(client.HasExited, client.Describe());
        });
    }
}
