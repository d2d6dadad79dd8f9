using Wayland.Client.Protocol;
using Wayland.Client.Tests.WireTest.Client;
using Wayland.Testing;

namespace Wayland.Client.Tests;

/// <summary>
/// <see cref="WaylandDisplay.Sync(WlCallback.DoneHandler, EventQueue?)"/> and the roundtrips reuse the display's
/// callback proxies, against a libwayland server (tests/native/test-server): each handler runs once, a callback is
/// sent again only after the compositor released its id, and in steady state nothing is allocated.
/// </summary>
public class PooledSyncTests
{
    [Fact]
    public void Each_pooled_sync_calls_its_handler_once_in_order_and_its_callback_is_reused()
    {
        using NativeTestServer server = NativeTestServer.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath);
        List<(int, WlCallback)> calls = [];
        for (int i = 0; i < 10; i++)
        {
            int index = i;
            display.Sync((callback, _) => calls.Add((index, callback)));
            display.Roundtrip();
        }

        Assert.Equal(Enumerable.Range(0, 10), calls.Select(c => c.Item1));
        Assert.All(calls, c => Assert.True(c.Item2.IsDestroyed));

        // Two proxies take turns (the sync's and the roundtrip's): the compositor released both ids each time.
        Assert.True(calls.Select(c => c.Item2).Distinct().Count() <= 2, "the callbacks were not reused");
        Assert.Null(display.Error);
    }

    [Fact]
    public async Task A_cancelled_roundtrip_does_not_lend_its_callback_before_its_done_event_was_delivered()
    {
        using NativeTestServer server = NativeTestServer.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => display.RoundtripAsync(cancellationToken: new CancellationToken(canceled: true)));

        // The abandoned roundtrip's done event is still coming; it must not reach these handlers.
        int calls = 0;
        WlCallback.DoneHandler count = (_, _) => calls++;
        for (int round = 0; round < 5; round++)
        {
            display.Sync(count);
            display.Sync(count);
            display.Roundtrip();
            Assert.Equal(2 * (round + 1), calls);
        }

        Assert.Null(display.Error);
    }

    [Fact]
    public void Pooled_syncs_sent_while_another_thread_dispatches_all_reach_their_handlers()
    {
        using NativeTestServer server = NativeTestServer.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath);
        const int Syncs = 2000;
        const int MaxUnanswered = 128;
        int calls = 0;
        Exception? failure = null;
        using CancellationTokenSource stop = new();
        Thread dispatcher = new(() =>
        {
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    display.Dispatch(TimeSpan.FromMilliseconds(20));
                }
            }
            catch (Exception e)
            {
                failure = e;
            }
        });
        dispatcher.Start();
        WlCallback.DoneHandler count = (_, _) => Interlocked.Increment(ref calls);
        long deadline = Environment.TickCount64 + 20_000;
        for (int i = 0; i < Syncs; i++)
        {
            // libwayland 1.21's server disconnects a client whose unread events fill the socket and its 4 KiB buffer
            // (about 1000 unread syncs, each answered by its own sendmsg): keep fewer unanswered, so a dispatcher
            // thread that is descheduled for a few milliseconds does not lose the connection.
            while (i - Volatile.Read(ref calls) >= MaxUnanswered && Environment.TickCount64 < deadline && Volatile.Read(ref failure) is null)
            {
                Thread.Yield();
            }

            // The answer may be dispatched on the other thread before Sync returns: the handler is set before sending.
            display.Sync(count);
            display.Flush();
        }

        while (Volatile.Read(ref calls) < Syncs && Environment.TickCount64 < deadline && failure is null)
        {
            Thread.Sleep(1);
        }

        stop.Cancel();
        dispatcher.Join();
        Assert.Null(failure);
        Assert.Equal(Syncs, calls);
    }

    [Fact]
    public void Roundtrips_pooled_syncs_and_their_events_allocate_nothing_in_steady_state()
    {
        using NativeTestServer server = NativeTestServer.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath);
        WltPeer peer = NativeServerInteropTests.BindPeer(display);
        long pongs = 0;
        long done = 0;
        peer.Pong += (_, _) => pongs++;
        WlCallback.DoneHandler onDone = (_, _) => done++;

        void Round()
        {
            for (uint i = 0; i < 64; i++)
            {
                peer.Ping(i);
                display.Sync(onDone);
            }

            display.Roundtrip();
        }

        for (int i = 0; i < 200; i++)
        {
            Round(); // warm-up: the pools, the queues' buffers and the JIT settle
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            Round();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(400 * 64, pongs);
        Assert.Equal(400 * 64, done);
        Assert.Equal(0, allocated);
    }
}
