using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;

namespace Wayland.Compositor.Tests;

/// <summary>
/// The implicit pointer grab, as weston and wlroots keep it: while a button pressed on a surface is held, that surface
/// keeps the pointer focus and gets the motion even outside it, then the release; only then does the pointer enter
/// what is under it. Without it, a scrollbar dragged out of its window would lose the pointer and never see the release.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class PointerGrabTests
{
    [Fact]
    public void A_surface_pressed_on_keeps_the_pointer_until_the_release_even_outside_it()
    {
        CompositorSession.Run("pointer-grab", session =>
        {
            using (ManagedClient a = ManagedClient.Connect(session.SocketPath))
            using (ManagedClient b = ManagedClient.Connect(session.SocketPath))
            {
                List<string> aLog = [];
                List<string> bLog = [];
                using WlPointer aPointer = Watch(a, aLog);
                using WlPointer bPointer = Watch(b, bLog);
                TestWindow aWindow = a.MapWindow("a", a.SolidBuffer(100, 100, Argb.Blue));
                TestWindow bWindow = b.MapWindow("b", b.SolidBuffer(100, 100, Argb.Green));
                session.Compositor.MoveWindow(session.WaitForWindow("a").Id, 0, 0);
                session.Compositor.MoveWindow(session.WaitForWindow("b").Id, 300, 0);
                WindowInfo aInfo = session.WaitForWindow("a");
                WindowInfo bInfo = session.WaitForWindow("b");

                session.Compositor.MovePointer(aInfo.Bounds.X + 20, aInfo.Bounds.Y + 20);
                a.DispatchUntil(() => aLog.Contains("enter"), "the pointer to enter a");
                session.Compositor.PointerButton(Keys.ButtonLeft, pressed: true);
                session.Compositor.MovePointer(bInfo.Bounds.X + 50, bInfo.Bounds.Y + 50);
                string outside = FormattableString.Invariant($"motion {bInfo.Bounds.X + 50 - aInfo.Bounds.X},{bInfo.Bounds.Y + 50 - aInfo.Bounds.Y}");
                a.DispatchUntil(() => aLog.Contains(outside), $"a's motion outside it ({string.Join(", ", aLog)})");
                b.Roundtrip();
                Assert.DoesNotContain("enter", bLog);
                Assert.DoesNotContain("leave", aLog);

                // The release goes to a, which then loses the pointer to b, under it.
                session.Compositor.PointerButton(Keys.ButtonLeft, pressed: false);
                a.DispatchUntil(() => aLog.Contains("leave"), "a to lose the pointer after the release");
                b.DispatchUntil(() => bLog.Contains("enter"), "b to get the pointer after the release");
                Assert.Equal(["button Pressed", "button Released", "leave"], aLog.Where(e => !e.StartsWith("motion", StringComparison.Ordinal)).Skip(1));
                Assert.DoesNotContain(bLog, e => e.StartsWith("button", StringComparison.Ordinal));

                // Without a button held, the pointer follows what is under it, as before.
                session.Compositor.MovePointer(aInfo.Bounds.X + 20, aInfo.Bounds.Y + 20);
                b.DispatchUntil(() => bLog.Contains("leave"), "b to lose the pointer");
                a.DispatchUntil(() => aLog.Count(e => e == "enter") == 2, "a to get the pointer back");
                GC.KeepAlive(aWindow);
                GC.KeepAlive(bWindow);
            }

            session.AssertNoProtocolErrors();
        });
    }

    private static WlPointer Watch(ManagedClient client, List<string> log)
    {
        WlSeat seat = client.Own(client.Globals.Bind<WlSeat>(maxVersion: 7));
        WlPointer pointer = seat.GetPointer();
        pointer.Enter += (_, _, _, _, _) => log.Add("enter");
        pointer.Leave += (_, _, _) => log.Add("leave");
        pointer.Motion += (_, _, x, y) => log.Add(FormattableString.Invariant($"motion {x},{y}"));
        pointer.Button += (_, _, _, _, state) => log.Add($"button {state}");
        client.Roundtrip();
        return pointer;
    }
}
