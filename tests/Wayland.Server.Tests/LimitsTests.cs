using Wayland.Protocols;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>Per-client limits: how many objects a client may hold, how many bytes may wait in its buffers.</summary>
public sealed class LimitsTests : IDisposable
{
    private readonly OpenFds.Snapshot _fdsBefore = OpenFds.Take();
    private readonly Display _display = new();

    private readonly List<PeerResource> _peers = [];

    public LimitsTests() => _display.CreateGlobal<PeerResource>(1, _peers.Add);

    public void Dispose()
    {
        _display.Dispose();
        OpenFds.AssertUnchanged(_fdsBefore);
    }

    [Fact]
    public void A_client_over_its_object_limit_gets_no_memory_and_the_others_are_served()
    {
        _display.DefaultMaxObjects = 10;
        using RawClient hog = Connect(out Client hogServer, out uint hogPeer);
        using RawClient bystander = Connect(out Client bystanderServer, out uint bystanderPeer);
        Assert.Equal((10, 10), (hogServer.MaxObjects, bystanderServer.MaxObjects));

        // wl_display, wl_registry and wlt_peer, 6 emitters, and the roundtrip's callback: 10 objects, the limit.
        for (int i = 0; i < 6; i++)
        {
            CreateEmitter(hog, hogPeer);
        }

        hog.Roundtrip(_display);
        Assert.Equal(9, hogServer.ObjectCount); // the callback is gone again

        // The limit is the client's own: this one may have any number.
        bystanderServer.MaxObjects = 0;
        for (int i = 0; i < 20; i++)
        {
            CreateEmitter(bystander, bystanderPeer);
        }

        bystander.Roundtrip(_display);
        Assert.Equal(23, bystanderServer.ObjectCount);

        CreateEmitter(hog, hogPeer); // the 10th: still fine
        uint eleventh = CreateEmitter(hog, hogPeer);
        hog.ExpectError(_display, 1, (uint)WlDisplayError.NoMemory, "no memory");
        Assert.Null(hogServer.GetObject(eleventh));
        Assert.True(hogServer.IsDestroyed);

        bystander.Roundtrip(_display);
        Assert.False(bystanderServer.HasFailed);
    }

    [Fact]
    public void The_limits_default_to_the_display_and_refuse_nonsense()
    {
        Assert.Equal(Display.DefaultObjectLimit, _display.DefaultMaxObjects);
        Assert.Equal(WireLimits.DefaultBufferSize, _display.DefaultMaxBufferSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => _display.DefaultMaxObjects = -1);
        _display.DefaultMaxBufferSize = 1 << 16;
        using RawClient client = Connect(out Client server, out _);
        Assert.Equal((Display.DefaultObjectLimit, 1 << 16), (server.MaxObjects, server.MaxBufferSize));
        Assert.Throws<ArgumentOutOfRangeException>(() => server.MaxObjects = -1);
        server.MaxBufferSize = 100; // below libwayland's minimum: raised to it
        Assert.Equal(WireLimits.DefaultBufferSize, server.MaxBufferSize);
    }

    [Fact]
    public void A_client_that_lets_more_than_its_buffer_size_pile_up_is_dropped_and_the_others_are_served()
    {
        _display.DefaultMaxBufferSize = 1 << 16;
        using RawClient stalled = Connect(out Client stalledServer, out uint stalledPeer);
        using RawClient bystander = Connect(out Client bystanderServer, out uint bystanderPeer);
        bystander.Roundtrip(_display);

        // Pings the stalled client never reads the pongs of: the socket fills, then 64 KiB of pongs wait, then it is dropped.
        int sent = 0;
        while (!stalledServer.IsDestroyed)
        {
            for (int i = 0; i < 100; i++, sent++)
            {
                stalled.Send(stalledPeer, PeerProtocol.Ping, (ref MessageWriter w) => w.WriteUInt(1));
            }

            _display.Dispatch(TimeSpan.Zero);
            Assert.True(sent < 1_000_000, "the stalled client was never dropped");
        }

        Assert.True(sent * 12 > 1 << 16, $"dropped after {sent} pongs of 12 bytes: less than its buffer");
        bystander.Send(bystanderPeer, PeerProtocol.Ping, (ref MessageWriter w) => w.WriteUInt(7));
        Assert.Contains(bystander.Roundtrip(_display), m => m.Sender == bystanderPeer && m.Opcode == PeerProtocol.Pong && m.Word(0) == 7);
        Assert.False(bystanderServer.HasFailed);
    }

    [Fact]
    public void A_client_busy_for_a_while_is_not_dropped_for_small_events_sent_one_loop_turn_at_a_time()
    {
        using RawClient busy = Connect(out Client busyServer, out uint busyPeer);
        busy.Roundtrip(_display);
        PeerResource peer = Assert.Single(_peers);

        // What another client can make the server send a focused client on every turn of the loop (a leave, an enter):
        // one small event a turn, while the client is busy and reads nothing. The kernel takes only about 280 separate
        // writes into a socket before its client reads, however small; after that, 4 KiB waiting dropped the client.
        const int Events = 5000; // 60 KB
        for (uint i = 0; i < Events; i++)
        {
            peer.SendPong(i);
            _display.FlushClients();
        }

        Assert.False(busyServer.IsDestroyed, "the busy client was dropped");
        busy.Pump(_display, () => busy.Closed || busy.Received.Count(m => m.Sender == busyPeer) == Events);
        Assert.Equal(Enumerable.Range(0, Events).Select(i => (uint)i), busy.Received.Where(m => m.Sender == busyPeer).Select(m => m.Word(0)));
        Assert.False(busyServer.HasFailed);
    }

    private RawClient Connect(out Client server, out uint peer)
    {
        RawClient client = RawClient.Attach(_display, out server);
        uint registry = client.GetRegistry();
        peer = client.Bind(registry, 1, "wlt_peer", 1);
        return client;
    }

    private static uint CreateEmitter(RawClient client, uint peer)
    {
        uint id = client.NextId++;
        client.Send(peer, PeerProtocol.CreateEmitter, (ref MessageWriter w) => w.WriteNewId(id));
        return id;
    }
}
