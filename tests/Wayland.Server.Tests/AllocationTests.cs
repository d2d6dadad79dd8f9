using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>The request path (read, validate, dispatch, answer with an event, flush) allocates nothing in steady state.</summary>
public class AllocationTests
{
    [Fact]
    public void Dispatching_requests_and_sending_events_allocates_nothing()
    {
        using Display display = new();
        display.CreateGlobal<PeerResource>(1, _ => { });
        using RawClient client = RawClient.Attach(display);
        uint registry = client.GetRegistry();
        uint peer = client.Bind(registry, 1, "wlt_peer", 1);
        client.Roundtrip(display);

        PingRound(display, client, peer); // warm-up: JIT, buffers grown to their steady size
        long allocated = PingRound(display, client, peer);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void With_the_meter_listened_to_dispatching_still_allocates_nothing()
    {
        using MetricsRecorder metrics = new();
        using Display display = new(null, metrics);
        display.CreateGlobal<PeerResource>(1, _ => { });
        using RawClient client = RawClient.Attach(display);
        uint registry = client.GetRegistry();
        uint peer = client.Bind(registry, 1, "wlt_peer", 1);
        client.Roundtrip(display);

        PingRound(display, client, peer);
        long received = metrics.Sum("wayland.server.messages.received");
        long allocated = PingRound(display, client, peer);
        Assert.Equal(0, allocated);
        Assert.Equal(received + 600, metrics.Sum("wayland.server.messages.received"));
    }

    /// <summary>Sends 300 pings (and nops) in batches and pumps until every pong is back; returns the bytes the server's
    /// dispatches allocated on this thread.</summary>
    private static long PingRound(Display display, RawClient client, uint peer)
    {
        // On a loaded machine 100 requests can outlast the dispatch slice; the yield then posts to the loop's queue,
        // whose segments are allocated as it grows (64 bytes, about 1 run in 10 with the other test classes running).
        // What is measured here is dispatching and sending.
        display.DispatchSlice = TimeSpan.Zero;
        const int count = 300;
        int start = client.Received.Count;
        long allocated = 0;
        for (int sent = 0; sent < count; sent += 50)
        {
            for (int i = 0; i < 50; i++)
            {
                uint value = (uint)(sent + i);
                client.Send(peer, PeerProtocol.Ping, (ref MessageWriter w) => w.WriteUInt(value));
                client.Send(peer, PeerProtocol.Nop);
            }

            long before = GC.GetAllocatedBytesForCurrentThread();
            display.Dispatch(TimeSpan.Zero);
            display.Dispatch(TimeSpan.Zero);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            client.ReadAvailable();
        }

        while (client.Received.Count - start < count)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            display.Dispatch(TimeSpan.Zero);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            UnixSocket.Wait(client.Socket, writable: false, TimeSpan.FromMilliseconds(5));
            client.ReadAvailable();
        }

        Assert.Equal(Enumerable.Range(0, count).Select(i => (uint)i), client.Received.Skip(start).Select(m => m.Word(0)));
        return allocated;
    }
}
