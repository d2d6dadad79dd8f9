using Wayland.Client.Tests.WireTest.Client;
using Wayland.Testing;

namespace Wayland.Client.Tests;

public class AsyncTests
{
    [Fact]
    public async Task RoundtripAsync_and_DispatchAsync_deliver_events_without_blocking_a_thread()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (NativeTestServer server = NativeTestServer.Start())
        using (WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath))
        {
            using Protocol.WlRegistry registry = display.GetRegistry();
            uint name = 0;
            registry.Global += (_, n, iface, _) => name = iface == "wlt_peer" ? n : name;
            await display.RoundtripAsync();
            Assert.NotEqual(0u, name);

            WltPeer peer = registry.Bind<WltPeer>(name, 1);
            List<uint> pongs = [];
            peer.Pong += (_, value) => pongs.Add(value);
            for (uint i = 0; i < 100; i++)
            {
                peer.Ping(i);
            }

            while (pongs.Count < 100)
            {
                Assert.True(await display.DispatchAsync() > 0);
            }

            Assert.Equal(Enumerable.Range(0, 100).Select(i => (uint)i), pongs);
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Fact]
    public async Task Cancelling_a_wait_leaves_the_connection_usable()
    {
        using NativeTestServer server = NativeTestServer.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath);
        await display.RoundtripAsync();
        using CancellationTokenSource cancel = new(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => display.DispatchAsync(cancellationToken: cancel.Token));
        await display.RoundtripAsync();
        Assert.Null(display.Error);
    }
}
