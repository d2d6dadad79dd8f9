using System.Collections.Concurrent;
using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Compositor.Tests;

/// <summary>
/// xdg_wm_base from the compositor's side, driven by a Wayland.Client program: pings when a window is raised and on
/// request, unresponsiveness after the ping timeout (and back once the pong comes), pongs of serials never sent
/// ignored, and defunct_surfaces for an xdg_wm_base destroyed before its xdg_surfaces.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ShellPingTests
{
    [Fact]
    public void Raising_a_window_pings_its_client_and_the_pong_keeps_it_responsive()
    {
        CompositorSession.Run("ping", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                client.MapWindow("below", client.SolidBuffer(100, 80, Argb.Blue));
                client.MapWindow("above", client.SolidBuffer(100, 80, Argb.Red));
                client.Roundtrip(); // the pongs to the pings of mapping reach the compositor
                WindowInfo below = session.WaitForWindow("below");
                int pings = client.Pings.Count;
                Assert.True(pings >= 1, "mapping (and focusing) a window sent no ping");

                // A click on the lower window's uncovered corner raises it: a ping.
                session.Compositor.Click(below.Bounds.X + 5, below.Bounds.Y + 5);
                client.DispatchUntil(() => client.Pings.Count > pings, "the ping of the raised window");
                Assert.Equal("below", session.Compositor.GetWindows()[^1].Title);
                client.Roundtrip(); // its pong reaches the compositor: no ping is outstanding

                // And one on request.
                Assert.True(session.Compositor.Ping(below.Id));
                client.DispatchUntil(() => client.Pings.Count > pings + 1, "the ping asked for with Ping");
                Assert.False(session.Compositor.Ping(below.Id + 1000));

                client.Roundtrip();
                Assert.Equal(client.Pings.Count, session.Compositor.Pongs);
                Assert.Equal(client.Pings.Count, client.Pings.Distinct().Count());
                Assert.All(session.Compositor.GetWindows(), window => Assert.True(window.IsResponsive, $"{window} is not responsive"));
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void A_ping_left_unanswered_makes_the_client_unresponsive_until_the_right_pong_arrives()
    {
        CompositorSession.Run("ping-unanswered", session =>
        {
            session.Compositor.PingTimeout = TimeSpan.FromMilliseconds(50);
            ConcurrentQueue<int> unresponsive = new();
            session.Compositor.ClientUnresponsive += client => unresponsive.Enqueue(client.ProcessId);
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath, answerPings: false))
            {
                client.MapWindow("mute", client.SolidBuffer(60, 60, Argb.Green));
                client.DispatchUntil(() => client.Pings.Count == 1, "the ping of mapping");
                uint serial = client.Pings[0];

                // A pong of a serial never sent is no error, and no answer either.
                client.WmBase.Pong(serial + 1);
                client.Roundtrip();
                session.WaitUntil(() => !session.WaitForWindow("mute").IsResponsive, "the window to be reported unresponsive");
                Assert.Equal(Environment.ProcessId, Assert.Single(unresponsive));

                // While a ping is outstanding no other is sent.
                Assert.True(session.Compositor.Ping(session.WaitForWindow("mute").Id));
                client.Roundtrip();
                Assert.Single(client.Pings);

                client.WmBase.Pong(serial);
                client.Roundtrip();
                Assert.True(session.WaitForWindow("mute").IsResponsive);
                Assert.Single(unresponsive);

                // Answered: the next ping goes out.
                Assert.True(session.Compositor.Ping(session.WaitForWindow("mute").Id));
                client.DispatchUntil(() => client.Pings.Count == 2, "a new ping after the answer");
                Assert.NotEqual(serial, client.Pings[1]);
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Destroying_xdg_wm_base_before_its_xdg_surfaces_is_defunct_surfaces()
    {
        CompositorSession.Run("defunct-surfaces", session =>
        {
            // Destroyed after its surfaces: fine.
            using (ManagedClient tidy = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow window = tidy.CreateWindow("tidy");
                window.Surface.Commit();
                tidy.DispatchUntil(() => window.Configures > 0, "the initial configure");
                window.Toplevel.Dispose();
                window.XdgSurface.Dispose();
                tidy.WmBase.Dispose();
                tidy.Roundtrip();
            }

            session.AssertNoProtocolErrors();

            uint wmBase;
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                client.CreateWindow("orphan");
                wmBase = client.WmBase.Id;
                client.WmBase.Dispose();

                // The client destroyed its proxy, so it cannot name the object; the compositor's record does.
                WaylandProtocolException error = client.ExpectProtocolError();
                Assert.Equal((uint)XdgWmBaseError.DefunctSurfaces, error.Code);
            }

            Wayland.Server.ClientError recorded = session.WaitForProtocolError();
            Assert.Equal(("xdg_wm_base", wmBase, (uint)XdgWmBaseError.DefunctSurfaces), (recorded.Interface, recorded.ObjectId, recorded.Code));
        });
    }
}
