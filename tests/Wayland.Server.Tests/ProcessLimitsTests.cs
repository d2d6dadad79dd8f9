using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Testing;
using Wayland.Wire;
using ClientDisplay = Wayland.Client.WaylandDisplay;

namespace Wayland.Server.Tests;

/// <summary>
/// Limits for the whole process (<see cref="Display.MaxDescriptors"/>, <see cref="Shm.MaxPools"/>): a libwayland client
/// in another process (tests/native/descriptor-hog) opens connection after connection, each within every per-client
/// limit, to fill the server's descriptor table or its memory mappings. The server must disconnect that process, serve
/// a bystander throughout, and end with the descriptors it started with.
/// </summary>
public sealed class ProcessLimitsTests
{
    [Fact]
    public void The_default_descriptor_limit_keeps_a_reserve_and_nonsense_is_refused()
    {
        Assert.Equal(1024 - 128, Display.DefaultMaxDescriptorsFor(1024));
        Assert.Equal(20_000 - 2_500, Display.DefaultMaxDescriptorsFor(20_000));
        Assert.Equal(1_048_576 - 4_096, Display.DefaultMaxDescriptorsFor(1_048_576));
        Assert.Equal(256 - 64, Display.DefaultMaxDescriptorsFor(256));
        Assert.Equal(1024 - 128, Display.DefaultMaxDescriptorsFor(-1));
        using Display display = new();
        Assert.True(display.MaxDescriptors > 0);
        Assert.Equal(Display.DefaultObjectLimit, display.MaxObjectsPerProcess);
        Assert.Throws<ArgumentOutOfRangeException>(() => display.MaxObjectsPerProcess = -1);
        Assert.Throws<ArgumentOutOfRangeException>(() => display.MaxDescriptors = 63);
        Shm shm = new(display);
        Assert.True(shm.MaxPools > 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => shm.MaxPools = -1);
    }

    [Fact]
    public async Task A_connection_to_a_socket_counts_for_its_process_and_one_handed_over_as_a_socket_pair_on_its_own()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (RuntimeDirectory runtime = RuntimeDirectory.Create("process-key"))
        using (Display display = new())
        {
            (SafeFdHandle first, SafeFdHandle firstPeer) = UnixSocket.CreatePair();
            (SafeFdHandle second, SafeFdHandle secondPeer) = UnixSocket.CreatePair();
            using (firstPeer)
            using (secondPeer)
            {
                Client a = display.CreateClient(first);
                Client b = display.CreateClient(second);

                // The kernel names the process that made the pairs (this one) for both; each counts on its own.
                Assert.Equal((Environment.ProcessId, Environment.ProcessId), (a.ProcessId, b.ProcessId));
                Assert.True(a.ProcessKey < 0 && b.ProcessKey < 0 && a.ProcessKey != b.ProcessKey, $"keys {a.ProcessKey} and {b.ProcessKey}");
            }

            string socket = display.AddSocket(Path.Combine(runtime.Path, "wayland-key"));
            Task server = display.RunAsync();
            try
            {
                using ClientDisplay connected = ClientDisplay.Connect(socket);
                connected.Roundtrip();
                int[] keys = await Task.Run(() =>
                {
                    using ManualResetEventSlim read = new();
                    int[] found = [];
                    display.Loop.Post(() =>
                    {
                        found = [.. display.Clients.Where(c => c.ProcessKey > 0).Select(c => c.ProcessKey)];
                        read.Set();
                    });
                    Assert.True(read.Wait(TimeSpan.FromSeconds(30)));
                    return found;
                });
                Assert.Equal([Environment.ProcessId], keys);
            }
            finally
            {
                display.Terminate();
                await server.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public async Task A_process_filling_the_descriptor_table_with_connections_is_disconnected_and_others_are_served()
    {
        HogResult result = await RunHog(
            display => display.MaxDescriptors = LowestFreeDescriptor() + 160,
            connections: 300,
            pools: 0);

        // 300 connections need 600 descriptors: the server must have made room by dropping the hog's connections.
        Assert.True(result.NoMemory > 0, $"no connection of the hog was disconnected: {result}");
        Assert.True(result.Opened + result.NoMemory + result.Refused == 300, result.ToString());
        Assert.Equal(result.Opened, result.Alive);
    }

    [Fact]
    public async Task A_process_filling_the_descriptor_table_with_pools_is_disconnected_and_others_are_served()
    {
        HogResult result = await RunHog(
            display => display.MaxDescriptors = LowestFreeDescriptor() + 250,
            connections: 6,
            pools: 100);

        Assert.True(result.NoMemory > 0, $"no connection of the hog was disconnected: {result}");
        Assert.Equal(result.Opened, result.Alive);
    }

    [Fact]
    public async Task A_process_mapping_more_pools_than_the_display_allows_is_disconnected_and_others_may_still_map()
    {
        HogResult result = await RunHog(
            display => { },
            connections: 6,
            pools: 60,
            shm => shm.MaxPools = 150);

        // 360 pools over 6 connections, 60 each (within the per-client limit): the server keeps at most 150.
        Assert.True(result.NoMemory > 0, $"no connection of the hog was disconnected: {result}");
        Assert.True(result.Opened <= 2, $"more than 150 pools were kept: {result}");
    }

    [Fact]
    public void A_client_whose_unread_descriptors_fill_the_table_is_disconnected()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (Display display = new())
        {
            display.CreateGlobal<PeerResource>(1, _ => { });
            using RawClient hog = Connect(display, out Client hogServer, out uint peer, out uint emitter);

            // A small send buffer: the events wait in the server's queue, their descriptors duplicated, not in the socket.
            using (Socket socket = new(new SafeSocketHandle(hogServer.Socket.DangerousGetHandle(), ownsHandle: false)))
            {
                socket.SendBufferSize = 4096;
            }

            display.MaxDescriptors = LowestFreeDescriptor() + 100;
            Emit(hog, peer, emitter, 400); // far below the client's own limit of queued descriptors (1024)
            AssertDisconnectedWithNoMemory(display, hogServer, 10, "the client whose descriptors filled the table");
        }

        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public void A_client_that_does_not_read_the_descriptors_it_is_sent_is_disconnected()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (Display display = new())
        {
            display.CreateGlobal<PeerResource>(1, _ => { });
            display.MaxDescriptors = 4000; // a process may have 1000 descriptors sent and not read
            using RawClient hog = Connect(display, out Client hogServer, out uint peer, out uint emitter);

            // 1500 descriptors, which the socket takes (the kernel holds them, not the server's queue), never read.
            Emit(hog, peer, emitter, 1500);
            AssertDisconnectedWithNoMemory(display, hogServer, 20, "the client that read none of its 1500 descriptors");
        }

        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public void A_client_that_reads_what_it_is_sent_may_be_sent_any_number_of_descriptors()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (Display display = new())
        {
            display.CreateGlobal<PeerResource>(1, _ => { });
            display.MaxDescriptors = 4000;
            using RawClient reader = Connect(display, out Client readerServer, out uint peer, out uint emitter);
            int received = 0;
            for (int round = 0; round < 10; round++)
            {
                // 400 at a time, read before the next 400: 4000 in all, four times the process's allowance.
                Emit(reader, peer, emitter, 400);
                reader.Pump(display, () => reader.Received.Count(m => m.Sender == emitter) == received + 400);
                received += 400;
                reader.CloseReceivedFds();
            }

            Assert.False(readerServer.IsDestroyed);
            Assert.False(readerServer.HasFailed);
        }

        OpenFds.AssertUnchanged(before);
    }

    private static RawClient Connect(Display display, out Client server, out uint peer, out uint emitter)
    {
        RawClient client = RawClient.Attach(display, out server);
        uint registry = client.GetRegistry();
        peer = client.Bind(registry, 1, "wlt_peer", 1);
        uint id = emitter = client.NextId++;
        client.Send(peer, PeerProtocol.CreateEmitter, (ref MessageWriter w) => w.WriteNewId(id));
        client.Roundtrip(display);
        return client;
    }

    /// <summary>Dispatches up to <paramref name="turns"/> turns until <paramref name="client"/> is gone, and checks that
    /// it was disconnected with <c>no_memory</c>.</summary>
    private static void AssertDisconnectedWithNoMemory(Display display, Client client, int turns, string who)
    {
        for (int turn = 0; turn < turns && !client.IsDestroyed; turn++)
        {
            display.Dispatch(TimeSpan.Zero);
        }

        Assert.True(client.IsDestroyed, $"{who} is still connected");
        Assert.Equal((uint)WlDisplayError.NoMemory, client.Error?.Code);
    }

    private static void Emit(RawClient client, uint peer, uint emitter, uint count) =>
        client.Send(peer, PeerProtocol.Emit, (ref MessageWriter w) =>
        {
            w.WriteObject(emitter);
            w.WriteUInt(count);
        });

    [Fact]
    public async Task The_objects_of_all_connections_of_a_process_count_together()
    {
        // Each connection holds wl_display, wl_registry and wl_shm (and a callback during its roundtrip): 40 objects
        // for the process is about a dozen connections, each far below the per-client limit.
        HogResult result = await RunHog(display => display.MaxObjectsPerProcess = 40, connections: 30, pools: 0);

        Assert.True(result.NoMemory > 0, $"no connection of the hog got no_memory: {result}");
        Assert.InRange(result.Opened, 5, 14);
        Assert.Equal(result.Opened, result.Alive);
    }

    [Fact]
    public async Task The_connections_of_a_process_with_many_share_one_dispatch_slice()
    {
        // Each ping costs longer than the slice and than a tick of the coarse clock the slice is checked at, so a
        // ping always ends its slice. Counted, never timed. With a slice each, the 16 connections would get a ping
        // each before the bystander's turn comes round; sharing one, the process gets one ping and then rests.
        const int Connections = 16;
        (int during, int total) = await CountHogPingsDuringARoundtrip(Connections, 4, () => Thread.Sleep(11));
        Assert.True(during <= 3, $"{during} pings of the hog were handled while the bystander waited for one roundtrip");
        Assert.True(total < Connections * 4, "the hog's work was over before the bystander asked: nothing was measured");
    }

    [Fact]
    public async Task A_process_keeping_hundreds_of_connections_ready_with_cheap_requests_gets_one_slice_before_others_are_served()
    {
        // Each ping is cheap (0.1 ms), so no single loop turn (one epoll batch of 32 sockets) reaches the slice: counted
        // per turn, the hog's 400 ready connections got a batch of pings in every turn until the bystander's socket came
        // round, a few hundred in all. Counted over turns, the slice (2 ms, about 20 pings) runs out, the process rests,
        // and its sockets that turn ready meanwhile are put aside unread, so the loop reaches the bystander soon.
        const int Connections = 400;
        (int during, int total) = await CountHogPingsDuringARoundtrip(Connections, 4, () =>
        {
            long start = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(start) < TimeSpan.FromMilliseconds(0.1))
            {
                Thread.SpinWait(10);
            }
        });
        Assert.True(during <= 60, $"{during} pings of the hog were handled while the bystander waited for one roundtrip");
        Assert.True(total < Connections * 4, "the hog's work was over before the bystander asked: nothing was measured");
    }

    /// <summary>
    /// Starts the hog with <paramref name="connections"/> connections that each send <paramref name="pings"/> pings
    /// without waiting, each ping costing the server <paramref name="work"/>; once the first is handled, a bystander in
    /// this process does one roundtrip. Returns the pings handled during that roundtrip, and by its end.
    /// </summary>
    private static async Task<(int During, int Total)> CountHogPingsDuringARoundtrip(int connections, int pings, Action work)
    {
        OpenFds.Snapshot before = OpenFds.Take();
        int handled = 0;
        (int During, int Total) result;
        using (RuntimeDirectory runtime = RuntimeDirectory.Create("process-slice"))
        using (Display display = new())
        {
            display.CreateGlobal<PeerResource>(1, peer => peer.Pinged = () =>
            {
                Interlocked.Increment(ref handled);
                work();
            });
            string socket = display.AddSocket(Path.Combine(runtime.Path, "wayland-slice"));
            Task server = display.RunAsync();
            try
            {
                using ClientDisplay bystander = ClientDisplay.Connect(socket);
                bystander.Roundtrip();
                Process hog = StartHog(socket, connections, "--pings", pings.ToString(CultureInfo.InvariantCulture));
                try
                {
                    Assert.Equal($"pinged {connections}", ReadLine(hog));
                    Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref handled) > 0, TimeSpan.FromSeconds(30)), "no ping was handled");
                    int start = Volatile.Read(ref handled);
                    bystander.Roundtrip();
                    int total = Volatile.Read(ref handled);
                    result = (total - start, total);
                }
                finally
                {
                    hog.StandardInput.Close();
                    PeerProcess.Stop(hog);
                }

                bystander.Roundtrip();
                Assert.Null(bystander.Error);
            }
            finally
            {
                display.Terminate();
                await server.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        OpenFds.AssertUnchanged(before);
        return result;
    }

    private static Process StartHog(string socket, int connections, params string[] extra)
    {
        ProcessStartInfo info = new(NativePeers.Path("descriptor-hog"),
            ["--socket", socket, "--connections", connections.ToString(CultureInfo.InvariantCulture), .. extra])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        return Process.Start(info) ?? throw new InvalidOperationException("descriptor-hog did not start");
    }

    /// <summary>
    /// Runs the hog against a display set up by <paramref name="configure"/>, with a bystander (this process) that
    /// roundtrips before, while the hog holds what it could, and after, and maps a pool at the end.
    /// </summary>
    private static async Task<HogResult> RunHog(Action<Display> configure, int connections, int pools, Action<Shm>? configureShm = null)
    {
        OpenFds.Snapshot before = OpenFds.Take();
        HogResult result;
        using (RuntimeDirectory runtime = RuntimeDirectory.Create("process-limits"))
        using (Display display = new())
        {
            Shm shm = new(display);
            configureShm?.Invoke(shm);
            string socket = display.AddSocket(Path.Combine(runtime.Path, "wayland-hog"));
            int defaultMaxDescriptors = display.MaxDescriptors;
            configure(display);
            Task server = display.RunAsync();
            try
            {
                using ClientDisplay bystander = ClientDisplay.Connect(socket);
                WlShm? clientShm = null;
                WlRegistry registry = bystander.GetRegistry();
                registry.Global += (_, name, iface, version) =>
                {
                    if (iface == "wl_shm")
                    {
                        clientShm = registry.Bind<WlShm>(name, 1);
                    }
                };
                bystander.Roundtrip();

                Process hog = StartHog(socket, connections, "--pools", pools.ToString(CultureInfo.InvariantCulture));
                try
                {
                    string first = ReadLine(hog);
                    Assert.False(server.IsCompleted, "the display stopped");
                    bystander.Roundtrip(); // served while the hog holds what it could keep

                    hog.StandardInput.Close();
                    string second = ReadLine(hog);
                    Assert.True(hog.WaitForExit(TimeSpan.FromSeconds(30)), "descriptor-hog did not exit");
                    Assert.Equal(0, hog.ExitCode);
                    result = HogResult.Parse(first, second);
                }
                finally
                {
                    PeerProcess.Stop(hog);
                }

                // The bystander can still map a pool of its own. (With the default limit back: the tight one is this
                // process's lowest free descriptor plus a margin, and other tests open descriptors meanwhile.)
                using (ManualResetEventSlim restored = new())
                {
                    display.Loop.Post(() =>
                    {
                        display.MaxDescriptors = defaultMaxDescriptors;
                        restored.Set();
                    });
                    Assert.True(restored.Wait(TimeSpan.FromSeconds(30)), "the loop did not run the posted action");
                }

                using (SafeFileHandle memfd = SealedFile(4096))
                {
                    Assert.NotNull(clientShm);
                    clientShm.CreatePool(memfd, 4096).Dispose();
                }

                bystander.Roundtrip();
                Assert.Null(bystander.Error);
                Assert.False(server.IsCompleted, "the display stopped");
            }
            finally
            {
                display.Terminate();
                await server.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        OpenFds.AssertUnchanged(before);
        return result;
    }

    /// <summary>The peer's next line of output, within a minute. Read on the test's own thread: a thread-pool thread
    /// started for an asynchronous read would keep a descriptor of its own open past the test.</summary>
    private static string ReadLine(Process peer)
    {
        string? line = null;
        Thread reader = new(() => line = peer.StandardOutput.ReadLine());
        reader.Start();
        if (!reader.Join(TimeSpan.FromMinutes(1)))
        {
            PeerProcess.Stop(peer);
            reader.Join();
            throw new TimeoutException("descriptor-hog said nothing for a minute");
        }

        return line ?? string.Empty;
    }

    /// <summary>The number the next descriptor opened would get: every one below it is in use.</summary>
    private static int LowestFreeDescriptor()
    {
        using FileStream probe = new("/dev/null", FileMode.Open, FileAccess.Read);
        return (int)probe.SafeFileHandle.DangerousGetHandle();
    }

    private static SafeFileHandle SealedFile(long size)
    {
        string path = Path.Combine("/dev/shm", $"process-limits-{Environment.ProcessId}-{Guid.NewGuid():N}");
        SafeFileHandle file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        File.Delete(path);
        RandomAccess.SetLength(file, size);
        return file;
    }

    private sealed record HogResult(int Opened, int Refused, int NoMemory, int Alive)
    {
        public static HogResult Parse(string first, string second)
        {
            string[] a = first.Split(' ');
            string[] b = second.Split(' ');
            Assert.True(a is ["opened", _, "refused", _, "no_memory", _] && b is ["alive", _], $"descriptor-hog said '{first}' and '{second}'");
            return new HogResult(int.Parse(a[1], CultureInfo.InvariantCulture), int.Parse(a[3], CultureInfo.InvariantCulture),
                int.Parse(a[5], CultureInfo.InvariantCulture), int.Parse(b[1], CultureInfo.InvariantCulture));
        }
    }
}
