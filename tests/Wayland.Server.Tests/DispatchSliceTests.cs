using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>
/// A client whose requests each cost the server much work must not keep the others waiting until all of them are
/// handled: past <see cref="Display.DispatchSlice"/> the rest of its requests wait for the loop's next turn. Checked by
/// counting requests handled, never by timing: each expensive request sleeps longer than the slice, so every one of
/// them uses a whole slice up, however fast or loaded the machine is.
/// </summary>
public sealed class DispatchSliceTests : IDisposable
{
    private const int Requests = 50;
    // Longer than the slice, and than a tick of the kernel's coarse clock (10 ms at HZ 100), which the slice is
    // checked at: so every hog request ends its client's turn.
    private static readonly TimeSpan Work = TimeSpan.FromMilliseconds(11);

    private readonly OpenFds.Snapshot _fdsBefore = OpenFds.Take();
    private readonly MetricsRecorder _metrics = new();
    private readonly Display _display;
    private readonly List<PeerResource> _peers = [];

    public DispatchSliceTests()
    {
        _display = new Display(null, _metrics);
        _display.CreateGlobal<PeerResource>(1, _peers.Add);
    }

    public void Dispose()
    {
        _display.Dispose();
        _metrics.Dispose();
        OpenFds.AssertUnchanged(_fdsBefore);
    }

    [Fact]
    public void A_client_past_its_slice_waits_while_the_others_are_served_and_keeps_its_order()
    {
        Assert.Equal(Display.DefaultDispatchSlice, _display.DispatchSlice);
        Assert.True(Work > Display.DefaultDispatchSlice);
        using RawClient hog = Connect(out uint hogPeer);
        using RawClient bystander = Connect(out _);
        int handled = 0;
        _peers[0].Pinged = () =>
        {
            handled++;
            Thread.Sleep(Work);
        };

        // Yields counted from here: on a loaded machine, connecting can take longer than a slice too.
        long yieldsBefore = _metrics.Sum("wayland.server.dispatch.yields");

        // Fifty expensive requests in one write (600 bytes: one read), then the bystander asks for a roundtrip.
        for (uint i = 0; i < Requests; i++)
        {
            hog.Send(hogPeer, PeerProtocol.Ping, (ref MessageWriter w) => w.WriteUInt(i));
        }

        uint callback = bystander.Sync();
        _display.Dispatch(TimeSpan.Zero);
        _display.FlushClients();
        bystander.ReadAvailable();

        // One turn of the loop: the bystander was answered, the hog had one slice (one request) of its fifty.
        Assert.Contains(bystander.Received, m => m.Sender == callback);
        Assert.InRange(handled, 1, 2);

        // The rest follow on the next turns, in the order sent.
        hog.Pump(_display, () => hog.Received.Count(m => m.Sender == hogPeer && m.Opcode == PeerProtocol.Pong) == Requests);
        Assert.Equal(Enumerable.Range(0, Requests).Select(i => (uint)i),
            hog.Received.Where(m => m.Sender == hogPeer).Select(m => m.Word(0)));
        Assert.Equal(Requests, handled);
        Assert.Equal(Requests - 1, _metrics.Sum("wayland.server.dispatch.yields") - yieldsBefore); // every request but the last one
        Assert.DoesNotContain(hog.Received, m => m.IsDisplayError);
    }

    [Fact]
    public void A_zero_slice_handles_everything_a_client_sent_at_once_as_libwayland_does()
    {
        _display.DispatchSlice = TimeSpan.Zero;
        using RawClient hog = Connect(out uint hogPeer);
        int handled = 0;
        _peers[0].Pinged = () =>
        {
            handled++;
            Thread.Sleep(TimeSpan.FromMilliseconds(1));
        };

        for (uint i = 0; i < 10; i++)
        {
            hog.Send(hogPeer, PeerProtocol.Ping, (ref MessageWriter w) => w.WriteUInt(i));
        }

        _display.Dispatch(TimeSpan.Zero);
        Assert.Equal(10, handled);
        Assert.Throws<ArgumentOutOfRangeException>(() => _display.DispatchSlice = TimeSpan.FromTicks(-1));
    }

    [Fact]
    public void A_client_that_leaves_while_it_waits_for_its_turn_is_forgotten()
    {
        using RawClient bystander = Connect(out _);
        RawClient hog = Connect(out uint hogPeer);
        int handled = 0;
        _peers[1].Pinged = () =>
        {
            handled++;
            Thread.Sleep(Work);
        };

        for (uint i = 0; i < 10; i++)
        {
            hog.Send(hogPeer, PeerProtocol.Ping, (ref MessageWriter w) => w.WriteUInt(i));
        }

        _display.Dispatch(TimeSpan.Zero);
        hog.Dispose();
        bystander.Roundtrip(_display);
        bystander.Roundtrip(_display);
        Assert.InRange(handled, 1, 3);
        Assert.False(_peers[0].Client.HasFailed);
    }

    private RawClient Connect(out uint peer)
    {
        RawClient client = RawClient.Attach(_display);
        uint registry = client.GetRegistry();
        peer = client.Bind(registry, 1, "wlt_peer", 1);
        client.Roundtrip(_display);
        return client;
    }
}
