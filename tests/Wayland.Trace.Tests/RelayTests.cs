using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Trace.Tests;

/// <summary>
/// Raw clients and a raw "compositor" on each side of the proxy: bytes and descriptors pass unchanged in both
/// directions however they are batched, malformed traffic too; hang-ups on either side close the other side; nothing
/// leaks and the proxy keeps serving.
/// </summary>
public sealed class RelayTests
{
    [Fact]
    public void Bytes_and_fds_pass_unchanged_both_ways_even_when_malformed()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (RuntimeDirectory runtime = RuntimeDirectory.Create("trace-relay"))
        {
            string upstreamPath = Path.Combine(runtime.Path, "upstream");
            using SafeFdHandle listener = UnixSocket.Listen(upstreamPath);
            string trace;
            using (TraceHarness proxy = new(upstreamPath, Path.Combine(runtime.Path, "proxy")))
            {
                using (SafeFdHandle client = UnixSocket.Connect(proxy.ListenPath))
                {
                    Assert.True(UnixSocket.Wait(listener, writable: false, TimeSpan.FromSeconds(20)));
                    using SafeFdHandle server = UnixSocket.Accept(listener)!;

                    // Requests: a valid get_registry with three pipes' write ends, then garbage (a header whose size is 4)
                    // with one more descriptor.
                    Pipe[] pipes = [.. Enumerable.Range(0, 4).Select(_ => new Pipe())];
                    byte[] valid = Wire.Message(1, 1, 2u);
                    byte[] garbage = [0x07, 0, 0, 0, 0x03, 0, 0x04, 0, 0xde, 0xad, 0xbe, 0xef, 0x01];
                    Wire.Send(client, valid, [pipes[0].WriteFd, pipes[1].WriteFd, pipes[2].WriteFd]);
                    Wire.Send(client, garbage, [pipes[3].WriteFd]);
                    (byte[] got, List<SafeFdHandle> fds, _) = Wire.Read(server, valid.Length + garbage.Length, 4);
                    Assert.Equal([.. valid, .. garbage], got);
                    AssertSameFiles(pipes, fds);

                    // Events: more descriptors than one sendmsg carries, in two batches, with bytes in between.
                    Pipe[] many = [.. Enumerable.Range(0, 30).Select(_ => new Pipe())];
                    byte[] events = Wire.Message(2, 0, 1u, "wl_compositor", 4u);
                    Wire.Send(server, events.AsSpan(0, 8), [.. many[..28].Select(p => p.WriteFd)]);
                    Wire.Send(server, events.AsSpan(8), [.. many[28..].Select(p => p.WriteFd)]);
                    (got, fds, _) = Wire.Read(client, events.Length, 30);
                    Assert.Equal(events, got);
                    AssertSameFiles(many, fds);

                    // The compositor hangs up: the client sees end of file.
                    server.Dispose();
                    Wire.AssertClosed(client);
                    foreach (Pipe pipe in pipes.Concat(many))
                    {
                        pipe.Dispose();
                    }
                }

                Assert.Contains("[unparseable](message size 4 is less than 8; 13 byte: 07000000030004", Proxied(proxy));
                AssertStillServes(proxy, listener);
                trace = proxy.Stop();
            }

            Assert.Contains(" -> wl_display#1.get_registry(new id wl_registry#2)", trace);
            Assert.Contains("wl_registry#2.global(1, \"wl_compositor\", 4)", trace);
        }

        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public void An_app_that_exits_mid_message_is_passed_on_and_closed()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (RuntimeDirectory runtime = RuntimeDirectory.Create("trace-midmessage"))
        {
            string upstreamPath = Path.Combine(runtime.Path, "upstream");
            using SafeFdHandle listener = UnixSocket.Listen(upstreamPath);
            string trace;
            using (TraceHarness proxy = new(upstreamPath, Path.Combine(runtime.Path, "proxy")))
            {
                byte[] sync = Wire.Message(1, 0, 2u);
                byte[] half = Wire.Message(1, 1, 3u)[..6];
                using (SafeFdHandle client = UnixSocket.Connect(proxy.ListenPath))
                {
                    Assert.True(UnixSocket.Wait(listener, writable: false, TimeSpan.FromSeconds(20)));
                    using SafeFdHandle server = UnixSocket.Accept(listener)!;
                    Wire.Send(client, [.. sync, .. half]);
                    client.Dispose();
                    (byte[] got, List<SafeFdHandle> fds, bool closed) = Wire.Read(server, int.MaxValue);
                    Assert.True(closed, "the proxy should close the compositor's side after the app left");
                    Assert.Equal([.. sync, .. half], got);
                    Assert.Empty(fds);
                }

                Poll(() => proxy.Connections == 0);
                AssertStillServes(proxy, listener);
                trace = proxy.Stop();
            }

            Assert.Contains(" -> wl_display#1.sync(new id wl_callback#2)", trace);
            Assert.Contains(" -> [incomplete](connection closed in the middle of a message; 6 byte: 010000000100)", trace);
        }

        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public void A_protocol_error_and_the_close_after_it_reach_the_app_as_the_compositor_sent_them()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (HeadlessWeston weston = HeadlessWeston.Start())
        {
            // A request to an object that does not exist: weston (libwayland) posts invalid_object and disconnects.
            byte[] bad = Wire.Message(7, 0);
            byte[] direct;
            using (SafeFdHandle client = UnixSocket.Connect(weston.SocketPath))
            {
                Wire.Send(client, bad);
                (direct, List<SafeFdHandle> none, bool closed) = Wire.Read(client, int.MaxValue);
                Assert.True(closed);
                Assert.Empty(none);
            }

            string trace;
            using (TraceHarness proxy = new(weston.SocketPath, Path.Combine(weston.Runtime.Path, "proxy")))
            {
                using (SafeFdHandle client = UnixSocket.Connect(proxy.ListenPath))
                {
                    Wire.Send(client, bad);
                    (byte[] proxied, List<SafeFdHandle> none, bool closed) = Wire.Read(client, int.MaxValue);
                    Assert.True(closed, "the close after the error should reach the app");
                    Assert.Empty(none);
                    Assert.Equal(direct, proxied);
                }

                Poll(() => proxy.Connections == 0);
                trace = proxy.Stop();
            }

            Assert.Contains(" -> [unknown]#7.[request 0](8 byte: 0700000000000800)", trace);
            Assert.Contains("wl_display#1.error(wl_display#1, 0, \"invalid object 7\")", trace);
            Assert.Contains("wl-trace: protocol error: wl_display#1: invalid_object (0): \"invalid object 7\"", trace);
        }

        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public void A_client_that_hangs_up_while_the_compositor_does_not_read_is_closed_after_the_drain_time()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (RuntimeDirectory runtime = RuntimeDirectory.Create("trace-drain"))
        {
            string upstreamPath = Path.Combine(runtime.Path, "upstream");
            using SafeFdHandle listener = UnixSocket.Listen(upstreamPath);
            string trace;
            using (TraceHarness proxy = new(upstreamPath, Path.Combine(runtime.Path, "proxy"), configure: p => p.DrainTimeout = TimeSpan.FromSeconds(1)))
            {
                using Pipe pipe = new();
                SafeFdHandle client = UnixSocket.Connect(proxy.ListenPath);
                Assert.True(UnixSocket.Wait(listener, writable: false, TimeSpan.FromSeconds(20)));
                using SafeFdHandle server = UnixSocket.Accept(listener)!;

                // Syncs with four descriptors each, until the compositor's socket (never read), the proxy and the
                // client's socket are full.
                byte[] sync = Wire.Message(1, 0, 2u);
                int[] fds = [pipe.WriteFd, pipe.WriteFd, pipe.WriteFd, pipe.WriteFd];
                int sent = 0;
                while (true)
                {
                    if (UnixSocket.Send(client, sync, fds) > 0)
                    {
                        sent++;
                    }
                    else if (!UnixSocket.Wait(client, writable: true, TimeSpan.FromMilliseconds(500)))
                    {
                        break;
                    }
                }

                Assert.True(sent > Wayland.Trace.Proxy.Relay.MaxHeldFds / fds.Length, $"only {sent} syncs went out");
                int openBeforeHangUp = OpenFds.Take().Count;
                client.Dispose();

                // Once another client got through, the proxy has seen the hang-up (ready before that client's data).
                AssertStillServes(proxy, listener);
                int held = OpenFds.Take().Count - openBeforeHangUp;
                Assert.True(held <= UnixSocket.MaxFdsPerReceive, $"after the hang-up the proxy took {held} more descriptors while it could pass none on");
                Assert.Equal(1, proxy.Connections);

                // The compositor takes nothing for the drain time: the connection is closed, what was left dropped.
                Poll(() => proxy.Connections == 0);
                (byte[] got, List<SafeFdHandle> received, bool closed) = Wire.Read(server, int.MaxValue);
                Assert.True(closed, "the proxy should close the compositor's side");
                Assert.Equal(0, got.Length % sync.Length);
                Assert.True(got.Length / sync.Length < sent, "nothing was dropped");
                received.ForEach(f => f.Dispose());
                trace = proxy.Stop();
            }

            Assert.Matches(@"wl-trace: [^ ]+\[\d+\] hung up, and the compositor has not read what it sent for 1 s: dropping \d+ bytes and \d+ descriptors", trace);
        }

        OpenFds.AssertUnchanged(before);
    }

    private static string Proxied(TraceHarness proxy)
    {
        // The trace is read at Stop; until then, look at what the proxy flushed to its file so far.
        Poll(() => File.ReadAllText(proxy.ListenPath + ".trace").Contains("[unparseable]", StringComparison.Ordinal));
        return File.ReadAllText(proxy.ListenPath + ".trace");
    }

    /// <summary>Another client still gets through, both ways.</summary>
    private static void AssertStillServes(TraceHarness proxy, SafeFdHandle listener)
    {
        using SafeFdHandle client = UnixSocket.Connect(proxy.ListenPath);
        Assert.True(UnixSocket.Wait(listener, writable: false, TimeSpan.FromSeconds(20)));
        using SafeFdHandle server = UnixSocket.Accept(listener)!;
        byte[] sync = Wire.Message(1, 0, 2u);
        Wire.Send(client, sync);
        Assert.Equal(sync, Wire.Read(server, sync.Length).Bytes);
        byte[] done = Wire.Message(2, 0, 42u);
        Wire.Send(server, done);
        Assert.Equal(done, Wire.Read(client, done.Length).Bytes);
    }

    /// <summary>Each received descriptor is the write end of the matching pipe: a byte written to it comes out of that pipe.</summary>
    private static void AssertSameFiles(Pipe[] pipes, List<SafeFdHandle> received)
    {
        Assert.Equal(pipes.Length, received.Count);
        for (int i = 0; i < pipes.Length; i++)
        {
            using FileStream writer = new(new Microsoft.Win32.SafeHandles.SafeFileHandle(received[i].DangerousGetHandle(), ownsHandle: false), FileAccess.Write, 1);
            writer.WriteByte((byte)i);
            writer.Flush();
            Assert.Equal(i, pipes[i].Reader.ReadByte());
            received[i].Dispose();
        }
    }

    private static void Poll(Func<bool> condition) =>
        Wayland.Compositor.Tests.Poll.Until(condition, () => "the proxy to settle");

    /// <summary>An anonymous pipe: the server-side stream reads what its client handle's descriptor is written.</summary>
    private sealed class Pipe : IDisposable
    {
        private readonly System.IO.Pipes.AnonymousPipeServerStream _server = new(System.IO.Pipes.PipeDirection.In);

        public Stream Reader => _server;

        public int WriteFd => (int)_server.ClientSafePipeHandle.DangerousGetHandle();

        public void Dispose()
        {
            _server.DisposeLocalCopyOfClientHandle();
            _server.Dispose();
        }
    }
}
