using System.Diagnostics;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Trace.Tests;

/// <summary>
/// The proxy's descriptors, for the whole process and per client process: a process that pins descriptors (more per
/// <c>sendmsg</c> than its bytes carry on) is disconnected, not a bystander; near the limit the process holding the
/// most goes, not the one that needs room; <c>accept</c> failing pauses the listener instead of spinning.
/// </summary>
public sealed class LimitsTests
{
    [Fact]
    public void A_process_that_pins_descriptors_is_disconnected_and_a_bystander_is_not()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (RuntimeDirectory runtime = RuntimeDirectory.Create("trace-pin"))
        {
            string upstreamPath = Path.Combine(runtime.Path, "upstream");
            using SafeFdHandle listener = UnixSocket.Listen(upstreamPath);
            using TraceHarness proxy = new(upstreamPath, Path.Combine(runtime.Path, "proxy"), configure: p => p.MaxHeldFdsPerProcess = 1000);
            using SafeFdHandle bystander = UnixSocket.Connect(proxy.ListenPath);
            Assert.True(UnixSocket.Wait(listener, writable: false, TimeSpan.FromSeconds(20)));
            using SafeFdHandle bystanderUpstream = UnixSocket.Accept(listener)!;
            AssertRelays(bystander, bystanderUpstream);

            // Four connections, each sending two batches of one byte and 253 descriptors: the proxy passes 28 on with
            // each byte and would hold 225 per batch, 452 per connection with its sockets.
            // The proxy may disconnect the pinner before its last batches are sent (on a loaded machine it has got
            // through the first connections by then); five batches are enough to go past the limit.
            using Pinner pinner = Pinner.Start(proxy.ListenPath, connections: 4, batches: 2);
            Assert.InRange(pinner.Sent, 5, 8);
            Wayland.Compositor.Tests.Poll.Until(() => proxy.TextSoFar().Contains("disconnecting fd-pinner["), () => "the pinner to be disconnected");
            AssertRelays(bystander, bystanderUpstream);
            int closed = pinner.Finish();
            Assert.True(closed >= 3, $"only {closed} of the pinner's 4 connections were closed");

            string trace = proxy.Stop();
            Assert.Matches(@"wl-trace: disconnecting fd-pinner\[\d+\] \(\d connections\): it made the proxy hold \d+ descriptors, more than the 1000 one process may\n", trace);
            Assert.DoesNotContain("disconnecting wl-trace", trace); // nor anything of this process, the bystander's
        }

        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public void Near_the_descriptor_limit_the_process_holding_the_most_goes_not_the_one_that_needs_room()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (RuntimeDirectory runtime = RuntimeDirectory.Create("trace-room"))
        {
            string upstreamPath = Path.Combine(runtime.Path, "upstream");
            using SafeFdHandle listener = UnixSocket.Listen(upstreamPath);
            int limit = -1;
            using TraceHarness proxy = new(upstreamPath, Path.Combine(runtime.Path, "proxy"), configure: p =>
            {
                p.MaxHeldFdsPerProcess = 1_000_000;
                limit = p.MaxDescriptors = FreeDescriptor(500);
            });
            using SafeFdHandle bystander = UnixSocket.Connect(proxy.ListenPath);
            Assert.True(UnixSocket.Wait(listener, writable: false, TimeSpan.FromSeconds(20)));
            using SafeFdHandle bystanderUpstream = UnixSocket.Accept(listener)!;

            // The pinner makes the proxy hold 450 descriptors, and 2 for its sockets (at most 480 at once, while it
            // receives the second batch); then files of this process's own fill the table up to 10 short of the
            // limit, and the 28 the bystander sends next get numbers past it.
            using Pinner pinner = Pinner.Start(proxy.ListenPath, connections: 1, batches: 2);
            Assert.Equal(2, pinner.Sent);
            Wayland.Compositor.Tests.Poll.Until(() => FreeDescriptor(400) > limit, () => "the pinned descriptors to arrive");
            Assert.True(FreeDescriptor(1) < limit, "the pinner alone went past the limit");
            List<FileStream> fillers = [];
            while (FreeDescriptor(10) < limit)
            {
                fillers.Add(new FileStream("/dev/null", FileMode.Open, FileAccess.Read));
            }

            AssertRelays(bystander, bystanderUpstream, fds: 28);
            Assert.Equal(1, pinner.Finish());
            AssertRelays(bystander, bystanderUpstream, fds: 28);
            fillers.ForEach(f => f.Dispose());

            string trace = proxy.Stop();
            Assert.Matches(@"wl-trace: disconnecting fd-pinner\[\d+\] \(1 connection\): the proxy is nearly out of descriptors \(descriptor \d+ of \d+\) and it holds the most, \d+\n", trace);
        }

        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public void When_accept_fails_the_listener_is_left_alone_for_a_while_and_the_note_is_not_repeated()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (RuntimeDirectory runtime = RuntimeDirectory.Create("trace-emfile"))
        {
            string upstreamPath = Path.Combine(runtime.Path, "upstream");
            using SafeFdHandle listener = UnixSocket.Listen(upstreamPath);
            int attempts = 0;
            using TraceHarness proxy = new(upstreamPath, Path.Combine(runtime.Path, "proxy"), configure: p =>
                p.AcceptConnection = _ =>
                {
                    Interlocked.Increment(ref attempts);
                    throw new WaylandIOException(24, "accept"); // EMFILE: the connection stays pending
                });

            // A pending connection keeps the listening socket readable for as long as accept fails.
            using SafeFdHandle client = UnixSocket.Connect(proxy.ListenPath);
            Thread.Sleep(1000);
            int seen = Volatile.Read(ref attempts);
            string trace = proxy.Stop();

            // 100 ms apart: about ten in a second (the loop spun through hundreds of thousands).
            Assert.InRange(seen, 1, 15);
            string[] notes = [.. trace.Split('\n').Where(l => l.Contains("cannot accept a client"))];
            Assert.Single(notes);
            Assert.Contains("wl-trace: cannot accept a client: accept failed: Too many open files (errno 24); accepting again in 100 ms", notes[0]);
        }

        OpenFds.AssertUnchanged(before);
    }

    /// <summary>Bytes and <paramref name="fds"/> descriptors go from client to compositor and back.</summary>
    private static void AssertRelays(SafeFdHandle client, SafeFdHandle upstream, int fds = 1)
    {
        List<FileStream> files = [.. Enumerable.Range(0, fds).Select(_ => new FileStream("/dev/null", FileMode.Open, FileAccess.Read))];
        byte[] sync = Wire.Message(1, 0, 2u);
        Wire.Send(client, sync, [.. files.Select(f => (int)f.SafeFileHandle.DangerousGetHandle())]);
        (byte[] got, List<SafeFdHandle> received, _) = Wire.Read(upstream, sync.Length, fds);
        Assert.Equal(sync, got);
        Assert.Equal(fds, received.Count);
        received.ForEach(f => f.Dispose());
        files.ForEach(f => f.Dispose());
        byte[] done = Wire.Message(2, 0, 7u);
        Wire.Send(upstream, done);
        (got, _, _) = Wire.Read(client, done.Length);
        Assert.Equal(done, got);
    }

    /// <summary>The number the kernel would give the <paramref name="nth"/> descriptor opened from now on (it gives
    /// the lowest free number).</summary>
    private static int FreeDescriptor(int nth)
    {
        HashSet<int> open = [.. Directory.GetFiles("/proc/self/fd").Select(p => int.Parse(Path.GetFileName(p), System.Globalization.CultureInfo.InvariantCulture))];
        int fd = -1;
        for (int free = 0; free < nth;)
        {
            if (!open.Contains(++fd))
            {
                free++;
            }
        }

        return fd;
    }

    /// <summary>tests/native/fd-pinner: another process, so the proxy counts it apart from this one.</summary>
    private sealed class Pinner : IDisposable
    {
        private readonly Process _process;

        private Pinner(Process process, int sent)
        {
            _process = process;
            Sent = sent;
        }

        public int Sent { get; }

        public static Pinner Start(string socket, int connections, int batches)
        {
            ProcessStartInfo info = new(NativePeers.Path("fd-pinner"))
            {
                UseShellExecute = false,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
            };
            foreach (string argument in (string[])["--socket", socket, "--connections", $"{connections}", "--batches", $"{batches}"])
            {
                info.ArgumentList.Add(argument);
            }

            Process process = Process.Start(info)!;
            string? line = process.StandardOutput.ReadLine();
            Assert.True(line is not null && line.StartsWith("sent ", StringComparison.Ordinal), $"fd-pinner said {line}");
            return new Pinner(process, int.Parse(line[5..], System.Globalization.CultureInfo.InvariantCulture));
        }

        /// <summary>Lets it go; returns how many of its connections the proxy had closed.</summary>
        public int Finish()
        {
            _process.StandardInput.Close();
            string? line = _process.StandardOutput.ReadLine();
            Assert.True(_process.WaitForExit(20_000), "fd-pinner did not exit");
            Assert.True(line is not null && line.StartsWith("closed ", StringComparison.Ordinal), $"fd-pinner said {line}");
            return int.Parse(line[7..], System.Globalization.CultureInfo.InvariantCulture);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }

            _process.Dispose();
        }
    }
}
