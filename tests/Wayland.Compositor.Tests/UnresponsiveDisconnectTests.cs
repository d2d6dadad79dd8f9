using System.Collections.Concurrent;
using Wayland.Testing;

namespace Wayland.Compositor.Tests;

/// <summary>
/// <see cref="HeadlessCompositorOptions.DisconnectUnresponsiveClients"/> with a libwayland peer (tests/native/xdg-peer
/// mute) that maps a window and never answers xdg_wm_base.ping: it sees its connection closed, and a well-behaved
/// client beside it keeps working.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class UnresponsiveDisconnectTests
{
    [Fact]
    public void A_client_that_never_answers_a_ping_is_disconnected_when_asked_and_others_are_not()
    {
        HeadlessCompositorOptions options = new() { Width = 640, Height = 480, DisconnectUnresponsiveClients = true };
        CompositorSession.Run("ping-disconnect", options, session =>
        {
            session.Compositor.PingTimeout = TimeSpan.FromMilliseconds(300);
            ConcurrentQueue<int> unresponsive = new();
            session.Compositor.ClientUnresponsive += client => unresponsive.Enqueue(client.ProcessId);
            using ClientProcess good = session.Launch("/usr/bin/weston-simple-shm");
            session.WaitForWindow(good);

            // Mapping the mute window pings it (and focuses it); the ping is never answered.
            using ClientProcess mute = session.Launch(NativePeers.Path("xdg-peer"), ["mute", "mute"]);
            session.WaitForWindow("mute");
            session.WaitUntil(() => mute.HasExited, () => $"the mute client to be disconnected\n{mute.Describe()}");
            Assert.Equal(0, mute.ExitCode);
            mute.WaitForOutput();
            Assert.Contains("mapped", mute.Output, StringComparison.Ordinal);
            Assert.Contains("disconnected:", mute.Output, StringComparison.Ordinal);
            Assert.Equal(mute.Id, Assert.Single(unresponsive));
            session.WaitUntil(() => session.FindWindow(mute) is null, "the mute client's window to go");

            // Disconnected without a protocol error; the other client still draws and answers its pings.
            session.AssertNoProtocolErrors();
            WindowInfo window = session.WaitForWindow(good);
            Assert.True(session.Compositor.Ping(window.Id));
            session.WaitForAnimation("the well-behaved client after the other was disconnected");
            Assert.True(session.WaitForWindow(good).IsResponsive);
            Assert.False(good.HasExited, good.Describe());
            Assert.Single(unresponsive);
        });
    }

    [Fact]
    public void By_default_an_unresponsive_client_stays_connected()
    {
        CompositorSession.Run("ping-no-disconnect", session =>
        {
            session.Compositor.PingTimeout = TimeSpan.FromMilliseconds(100);
            using ClientProcess mute = session.Launch(NativePeers.Path("xdg-peer"), ["mute", "mute"]);
            session.WaitUntil(() => session.Compositor.GetWindows().Any(w => w.Title == "mute" && !w.IsResponsive),
                "the mute window to be reported unresponsive");
            Assert.False(Poll.TryUntil(() => mute.HasExited, TimeSpan.FromSeconds(1)), $"it was disconnected:\n{mute.Describe()}");
            Assert.NotNull(session.FindWindow(mute));
        });
    }
}
