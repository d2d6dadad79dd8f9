using Wayland.Client.Protocol;
using Wayland.Protocols;

namespace Wayland.Compositor.Tests;

/// <summary>
/// A hostile client against xdg-shell bookkeeping: what the server keeps for it stays bounded, and a bystander
/// connected before is still served. Checked by counting what is kept, never by timing.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class HostileShellTests
{
    [Fact]
    public void Configures_never_acknowledged_are_kept_to_a_bounded_number_and_acks_still_work()
    {
        CompositorSession.Run("hostile-configures", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using ManagedClient hostile = ManagedClient.Connect(session.SocketPath);
            TestWindow window = hostile.CreateWindow("hostile", autoAck: false);
            List<uint> serials = [];
            window.XdgSurface.Configure += (_, serial) => serials.Add(serial);
            window.Surface.Commit();
            hostile.DispatchUntil(() => serials.Count == 1, "the initial configure");
            window.XdgSurface.AckConfigure(serials[0]);
            window.Show(hostile.SolidBuffer(40, 30, Argb.Blue));
            hostile.Roundtrip();
            int id = session.WaitForWindow("hostile").Id;

            // Each request answers with a configure the client never acknowledges.
            const int Requests = 5000;
            for (int i = 0; i < Requests; i++)
            {
                if (i % 2 == 0)
                {
                    window.Toplevel.SetMaximized();
                }
                else
                {
                    window.Toplevel.UnsetMaximized();
                }

                if (i % 500 == 0)
                {
                    hostile.Roundtrip();
                }
            }

            hostile.Roundtrip();
            Assert.True(serials.Count > 2048, $"only {serials.Count} configures were sent");
            int kept = session.Compositor.UnacknowledgedConfigures(id);
            Assert.InRange(kept, 1, 1024);

            // An ack of one of the oldest (no longer kept) acknowledges it and those before: no error. Then the
            // newest acknowledges them all.
            window.XdgSurface.AckConfigure(serials[10]);
            window.XdgSurface.AckConfigure(serials[11]);
            window.XdgSurface.AckConfigure(serials[^2]);
            hostile.Roundtrip();
            Assert.Equal(1, session.Compositor.UnacknowledgedConfigures(id));
            window.XdgSurface.AckConfigure(serials[^1]);
            hostile.Roundtrip();
            Assert.Equal(0, session.Compositor.UnacknowledgedConfigures(id));

            bystander.AssertServed();
            session.AssertNoProtocolErrors();
        });
    }
}
