using Wayland.Client.Tests.WireTest.Client;
using Wayland.Testing;
using Wayland.Wire;

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
            WltPeer peer = await BindPeerAsync(display, registry);
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
    public async Task Disposing_the_display_ends_a_pending_wait_with_an_exception_not_a_hang()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (NativeTestServer server = NativeTestServer.Start())
        {
            WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath);
            await display.RoundtripAsync();
            Task<int> waiting = display.DispatchAsync(); // no event will come
            await Task.Delay(100);
            Assert.False(waiting.IsCompleted);
            display.Dispose();
            Task finished = await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromSeconds(10)));
            Assert.Same(waiting, finished);
            Exception error = await Assert.ThrowsAnyAsync<Exception>(() => waiting);
            Assert.True(error is WaylandException or ObjectDisposedException, $"{error.GetType()}: {error.Message}");
        }

        OpenFds.AssertUnchanged(before);
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

    [Fact]
    public async Task DispatchAsync_flushes_a_full_socket_once_the_compositor_reads_then_delivers_the_answer()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (RawCompositor compositor = RawCompositor.Create())
        {
            WaylandDisplay display = compositor.Display;
            const int Syncs = 100_000; // 1.2 MB of requests: far more than the socket holds
            bool done = false;
            Protocol.WlCallback first = display.Proxy.Sync();
            first.Done += (_, _) => done = true;
            for (int i = 1; i < Syncs; i++)
            {
                display.Proxy.Sync();
            }

            Assert.False(display.Flush()); // the socket is full; the rest waits in the client
            Task<int> dispatch = display.DispatchAsync();
            await Task.Delay(200);
            Assert.False(dispatch.IsCompleted); // nothing to read yet, and the compositor does not read

            // The compositor reads: the client's wait for writability ends, it sends the rest, then waits for events.
            await Task.Run(() => compositor.ReadUntil(Syncs * 12));
            compositor.SendDone(first.Id, 7);
            Assert.Equal(1, await dispatch.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.True(done);
            Assert.True(display.Flush());
            Assert.Null(display.Error);
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Fact]
    public async Task RunAsync_dispatches_until_cancelled_then_faults_with_a_posted_error()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (NativeTestServer server = NativeTestServer.Start())
        using (WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath))
        {
            using Protocol.WlRegistry registry = display.GetRegistry();
            WltPeer peer = await BindPeerAsync(display, registry);
            TaskCompletionSource<uint> hundredth = new(TaskCreationOptions.RunContinuationsAsynchronously);
            int pongs = 0;
            peer.Pong += (_, value) =>
            {
                if (++pongs == 100)
                {
                    hundredth.TrySetResult(value);
                }
            };

            // The loop delivers events with nobody awaiting them one by one; cancelling ends it, the connection stays.
            using (CancellationTokenSource stop = new())
            {
                Task loop = display.RunAsync(cancellationToken: stop.Token);
                for (uint i = 0; i < 100; i++)
                {
                    peer.Ping(i);
                }

                display.Flush();
                Assert.Equal(99u, await hundredth.Task.WaitAsync(TimeSpan.FromSeconds(60)));
                Assert.False(loop.IsCompleted);
                stop.Cancel();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => loop);
            }

            await display.RoundtripAsync();
            Assert.Null(display.Error);

            // A protocol error ends the loop with the error.
            Task failing = display.RunAsync();
            peer.PostError(7, "stop here");
            display.Flush();
            WaylandProtocolException error = await Assert.ThrowsAsync<WaylandProtocolException>(() => failing.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Equal((7u, "wlt_peer", peer.Id), (error.Code, error.InterfaceName, error.ObjectId));
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Theory]
    [InlineData("DispatchAsync")]
    [InlineData("RoundtripAsync")]
    [InlineData("RunAsync")]
    public async Task A_compositor_that_closes_with_requests_unread_fails_the_async_calls_with_ECONNRESET_and_the_error_is_sticky(string call)
    {
        const int ECONNRESET = 104;
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (RawCompositor compositor = RawCompositor.Create())
        {
            WaylandDisplay display = compositor.Display;
            Protocol.WlCallback callback = display.Proxy.Sync();
            Assert.True(display.Flush());
            Task task = call switch
            {
                "DispatchAsync" => display.DispatchAsync(),
                "RoundtripAsync" => display.RoundtripAsync(),
                _ => display.RunAsync(),
            };
            await Task.Delay(50);
            Assert.False(task.IsCompleted);

            // Our request is still unread when the compositor closes: the socket reports ECONNRESET, once.
            compositor.HangUp();
            WaylandIOException error = await Assert.ThrowsAsync<WaylandIOException>(() => task.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Equal((ECONNRESET, "recvmsg"), (error.Errno, error.Operation));
            Assert.Same(error, display.Error);
            Assert.Same(error, await Assert.ThrowsAsync<WaylandIOException>(() => display.DispatchAsync()));
            Assert.Same(error, await Assert.ThrowsAsync<WaylandIOException>(() => display.RoundtripAsync()));
            Assert.Same(error, Assert.Throws<WaylandIOException>(() => display.Dispatch()));
            callback.Dispose();
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    private static async Task<WltPeer> BindPeerAsync(WaylandDisplay display, Protocol.WlRegistry registry)
    {
        uint name = 0;
        registry.Global += (_, n, iface, _) => name = iface == "wlt_peer" ? n : name;
        await display.RoundtripAsync();
        Assert.NotEqual(0u, name);
        return registry.Bind<WltPeer>(name, 1);
    }
}
