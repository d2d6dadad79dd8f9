using Wayland.Client;
using Wayland.Client.Protocol;
using Xunit.Abstractions;

namespace Wayland.Compositor.Tests;

/// <summary>
/// A hostile client against the compositor's time: requests that are cheap to send and costly to handle, many in one
/// read of 4 KB. A commit of a 4096×4096 buffer with full damage copies 64 MiB; 78 of them fit in one read, several
/// hundred milliseconds of copying during which nobody else was served. Checked by counting commits, never by timing.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class HostileWorkTests(ITestOutputHelper output)
{
    [Fact]
    public void Commits_of_big_buffers_sent_in_bulk_let_a_bystander_in_between()
    {
        const int Side = 4096, Commits = 300; // 52 bytes each: about 15 KB, 78 to a read
        CompositorSession.Run("hostile-commit-work", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using ManagedClient quick = ManagedClient.Connect(session.SocketPath);
            using ManagedClient hostile = ManagedClient.Connect(session.SocketPath);
            ShmBuffer big = hostile.SolidBuffer(Side, Side, Argb.Blue);
            WlSurface surface = hostile.Own(hostile.Compositor.CreateSurface());
            hostile.Roundtrip();
            long start = session.Compositor.Commits;
            for (int i = 0; i < Commits; i++)
            {
                surface.Attach(big.Buffer, 0, 0);
                surface.DamageBuffer(0, 0, Side, Side);
                surface.Commit();
            }

            hostile.Display.Flush();

            // Once the compositor is busy with the first read of them, another client asks for a roundtrip: it is
            // answered after a few of those commits, not after all the read holds.
            Poll.Until(() => session.Compositor.Commits > start, () => "the first commit was never applied");
            long before = session.Compositor.Commits;
            quick.Roundtrip();
            long between = session.Compositor.Commits - before;
            output.WriteLine($"commits handled while the bystander's roundtrip waited: {between} (of {Commits})");
            Assert.True(between < 30, $"{between} commits of 64 MiB were handled before another client's roundtrip");

            // Nothing of the hostile client's is lost or reordered: every commit is applied, then its roundtrip.
            hostile.Roundtrip();
            Assert.Equal(start + Commits, session.Compositor.Commits);
            session.AssertNoProtocolErrors();
            bystander.AssertServed();
        });
    }
}
