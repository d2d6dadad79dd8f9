using System.Text;
using Wayland.Client.Protocol;
using Wayland.Client.Tests.WireTest.Client;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Client.Tests;

/// <summary>Our client against a libwayland server (tests/native/test-server).</summary>
public class NativeServerInteropTests
{
    /// <summary>Binds the server's wlt_peer (on <paramref name="queue"/>, default: the default queue).</summary>
    internal static WltPeer BindPeer(WaylandDisplay display, EventQueue? queue = null)
    {
        using WlRegistry registry = queue is null ? display.GetRegistry() : display.GetRegistry(queue);
        uint name = 0;
        registry.Global += (_, n, iface, _) => name = iface == "wlt_peer" ? n : name;
        if (queue is null)
        {
            display.Roundtrip();
        }
        else
        {
            queue.Roundtrip();
        }

        Assert.NotEqual(0u, name);
        return registry.Bind<WltPeer>(name, 1);
    }

    /// <summary>The whole contents of a file descriptor (a memfd the server filled), from offset 0.</summary>
    internal static string ReadFd(SafeFdHandle fd)
    {
        using FileStream stream = new(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd.DangerousGetHandle(), ownsHandle: false), FileAccess.Read);
        stream.Seek(0, SeekOrigin.Begin);
        using StreamReader reader = new(stream, Encoding.ASCII);
        return reader.ReadToEnd();
    }

    [Fact]
    public void Fds_sent_to_a_destroyed_proxy_are_closed_and_later_fds_stay_in_order()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (NativeTestServer server = NativeTestServer.Start())
        using (WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath))
        {
            WltPeer peer = BindPeer(display);
            for (int round = 0; round < 50; round++)
            {
                WltEmitter zombie = peer.CreateEmitter();
                WltEmitter live = peer.CreateEmitter();
                List<string> received = [];
                zombie.Fd += (_, fd, _) => Assert.Fail("an event reached a destroyed proxy");
                live.Fd += (_, fd, seq) =>
                {
                    using (fd)
                    {
                        received.Add($"{ReadFd(fd)}|{seq}");
                    }
                };

                // The server answers emit() at once, so these events reach the client after it destroyed the proxy.
                peer.Emit(zombie, 3);
                zombie.Dispose();
                peer.Emit(live, 3);
                display.Roundtrip();

                Assert.Equal(
                    Enumerable.Range(0, 3).Select(seq => $"emitter {live.Id} seq {seq}|{seq}"),
                    received);
                live.Dispose();
            }

            display.Roundtrip();
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Fact]
    public void A_posted_protocol_error_carries_code_interface_and_id()
    {
        using NativeTestServer server = NativeTestServer.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath);
        WltPeer peer = BindPeer(display);
        peer.PostError(7, "boom");
        WaylandProtocolException error = Assert.Throws<WaylandProtocolException>(() => display.Roundtrip());
        Assert.Equal(7u, error.Code);
        Assert.Equal("wlt_peer", error.InterfaceName);
        Assert.Equal(peer.Id, error.ObjectId);
        Assert.Equal("boom", error.ErrorMessage);

        // Sticky, also for requests and flushes; the socket is closed by now (EPIPE), yet the error wins.
        Assert.Same(error, Assert.Throws<WaylandProtocolException>(() => peer.Ping(1)));
        Assert.Same(error, Assert.Throws<WaylandProtocolException>(() => display.Flush()));
    }

    [Fact]
    public void A_constructor_with_a_closed_descriptor_is_refused_without_taking_an_id_and_the_next_pool_works()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (RuntimeDirectory files = RuntimeDirectory.Create("shm-files"))
        using (NativeTestServer server = NativeTestServer.Start("--differential"))
        using (WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath))
        {
            using WlRegistry registry = display.GetRegistry();
            uint name = 0;
            registry.Global += (_, n, iface, _) => name = iface == "wl_shm" ? n : name;
            display.Roundtrip();
            Assert.NotEqual(0u, name);
            using WlShm shm = registry.Bind<WlShm>(name, 1);

            using FileStream file = new(Path.Combine(files.Path, "pool"), FileMode.Create, FileAccess.ReadWrite);
            file.SetLength(4096);
            FileStream closed = new(Path.Combine(files.Path, "closed"), FileMode.Create, FileAccess.ReadWrite);
            closed.Dispose();

            using WlShmPool first = shm.CreatePool(file.SafeFileHandle, 4096);
            Assert.Throws<ObjectDisposedException>(() => shm.CreatePool(closed.SafeFileHandle, 4096));
            // The refused pool took no id (ids are reused last-freed first, so a leaked one would show here).
            using WlShmPool second = shm.CreatePool(file.SafeFileHandle, 4096);
            Assert.Equal(first.Id + 1, second.Id);

            // libwayland maps the descriptor it received: a buffer in the second pool works, no protocol error.
            using WlBuffer buffer = second.CreateBuffer(0, 16, 16, 64, global::Wayland.Protocols.WlShmFormat.Argb8888);
            display.Roundtrip();
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Fact]
    public void The_protocol_error_wins_over_EPIPE_when_the_server_hangs_up_first()
    {
        using NativeTestServer server = NativeTestServer.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath);
        WltPeer peer = BindPeer(display);
        peer.PostError(3, "bye");
        display.Flush();

        // Keep sending without reading: the server has posted the error and closed the socket, so a flush
        // eventually fails with EPIPE; the error must still be the one the server posted.
        WaylandException? error = null;
        for (int i = 0; i < 100_000 && error is null; i++)
        {
            try
            {
                peer.Ping((uint)i);
                display.Flush();
            }
            catch (WaylandException e)
            {
                error = e;
            }

            if (i % 1000 == 0)
            {
                Thread.Sleep(1);
            }
        }

        WaylandProtocolException protocolError = Assert.IsType<WaylandProtocolException>(error);
        Assert.Equal(3u, protocolError.Code);
        Assert.Equal("bye", protocolError.ErrorMessage);
    }

    [Fact]
    public void WAYLAND_SOCKET_connects_through_an_inherited_fd_wins_over_a_name_and_is_unset()
    {
        (SafeFdHandle ours, SafeFdHandle theirs) = UnixSocket.CreatePair();
        theirs.SetCloseOnExec(false);
        using NativeTestServer server = NativeTestServer.StartOnFd(theirs.Fd);
        theirs.Dispose();

        Environment.SetEnvironmentVariable("WAYLAND_SOCKET", ours.Fd.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            ours.SetHandleAsInvalid(); // the display takes the fd over from the environment
            // libwayland ignores the name when WAYLAND_SOCKET is set; this one names nothing that exists.
            using (WaylandDisplay display = WaylandDisplay.Connect("/nonexistent/wayland-socket"))
            {
                Assert.Null(Environment.GetEnvironmentVariable("WAYLAND_SOCKET"));
                WltPeer peer = BindPeer(display);
                uint pong = 0;
                peer.Pong += (_, value) => pong = value;
                peer.Ping(1234);
                display.Roundtrip();
                Assert.Equal(1234u, pong);
            }

            Assert.Equal(0, server.WaitForExit(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            Environment.SetEnvironmentVariable("WAYLAND_SOCKET", null);
        }
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("server", false)]
    public void A_client_of_ours_inherits_WAYLAND_SOCKET_through_exec_and_logs_as_WAYLAND_DEBUG_says(string debug, bool logs)
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        int exit;
        string stdout, stderr;
        (SafeFdHandle ours, SafeFdHandle theirs) = UnixSocket.CreatePair();
        using (NativeTestServer server = NativeTestServer.StartOnFd(InheritableFd(theirs)))
        {
            theirs.Dispose();
            using (ours)
            {
                // wl-info (tools/Wayland.Info) connects with WaylandDisplay.Connect(name) and no logger. The
                // name it is given does not exist: only the inherited descriptor can get it connected.
                System.Diagnostics.ProcessStartInfo info = new("dotnet",
                    [Path.Combine(AppContext.BaseDirectory, "wl-info.dll"), "--display", "/nonexistent/wayland-socket"]);
                info.Environment["WAYLAND_SOCKET"] = InheritableFd(ours).ToString(System.Globalization.CultureInfo.InvariantCulture);
                info.Environment["WAYLAND_DEBUG"] = debug;
                info.Environment.Remove("WAYLAND_DISPLAY");
                (exit, stdout, stderr) = ProcessRunner.Run(info, TimeSpan.FromSeconds(60));
            }

            // The child has exited and our copy is closed: the server saw its only client go.
            Assert.Equal(0, server.WaitForExit(TimeSpan.FromSeconds(30)));
        }

        Assert.True(exit == 0, stderr);
        Assert.Contains("interface: 'wlt_peer',", stdout);
        string[] log = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(DebugLogComparisonTests.Mask).ToArray();
        if (logs)
        {
            Assert.Contains("[T]  -> wl_display#1.get_registry(new id wl_registry#2)", log);
            Assert.Contains("[T] wl_registry#2.global(1, \"wlt_peer\", 1)", log);
            Assert.Contains("[T] wl_display#1.delete_id(3)", log);
        }
        else
        {
            Assert.Empty(log);
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    /// <summary>Clears close-on-exec so that the next child started inherits <paramref name="fd"/> (tests run one
    /// at a time, so no other child can be started meanwhile); returns its number.</summary>
    private static int InheritableFd(SafeFdHandle fd)
    {
        fd.SetCloseOnExec(false);
        return fd.Fd;
    }

    [Fact]
    public void Several_threads_reading_and_dispatching_their_own_queues_lose_nothing()
    {
        const int threads = 4;
        const int pingsPerRound = 50;
        const int rounds = 40;
        using NativeTestServer server = NativeTestServer.Start();
        using WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath);
        Exception? failure = null;
        int[] received = new int[threads];

        void Worker(int index)
        {
            try
            {
                using EventQueue queue = display.CreateQueue($"worker {index}");
                WltPeer peer = BindPeer(display, queue);
                peer.Pong += (_, value) =>
                {
                    Assert.Equal((uint)(index * 1_000_000 + received[index]), value);
                    received[index]++;
                };
                for (int round = 0; round < rounds; round++)
                {
                    for (int i = 0; i < pingsPerRound; i++)
                    {
                        peer.Ping((uint)(index * 1_000_000 + round * pingsPerRound + i));
                    }

                    queue.Roundtrip();
                    Assert.Equal((round + 1) * pingsPerRound, received[index]);
                }

                peer.Dispose();
            }
            catch (Exception e)
            {
                failure ??= e;
            }
        }

        Thread[] workers = Enumerable.Range(0, threads).Select(i => new Thread(() => Worker(i))).ToArray();
        foreach (Thread worker in workers)
        {
            worker.Start();
        }

        foreach (Thread worker in workers)
        {
            Assert.True(worker.Join(TimeSpan.FromSeconds(60)), "a reader thread is stuck (deadlock?)");
        }

        Assert.Null(failure);
        Assert.All(received, count => Assert.Equal(rounds * pingsPerRound, count));
    }
}
