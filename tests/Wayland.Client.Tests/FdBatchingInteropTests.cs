using System.Collections.Concurrent;
using System.Diagnostics;
using Wayland.Client.Protocol;
using Wayland.Client.Tests.WireTest.Client;
using Wayland.Testing;

namespace Wayland.Client.Tests;

/// <summary>
/// Descriptors sent in one flush to a libwayland server (tests/native/fd-sink-server), which says what each
/// received descriptor holds: they go out with the bytes of their requests, at most 28 per sendmsg, and every
/// request finds its own descriptors, in order. A descriptor that came after its request's bytes would make
/// libwayland end the connection with a protocol error.
/// </summary>
public class FdBatchingInteropTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(28)]
    [InlineData(29)]
    [InlineData(57)]
    [InlineData(300)]
    public void Descriptors_of_one_flush_reach_a_libwayland_server_in_order(int count)
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (FdSink sink = FdSink.Start())
        using (WaylandDisplay display = WaylandDisplay.Connect(sink.SocketPath))
        {
            using WltTypes types = Bind(display);
            List<FileStream> files = [.. Enumerable.Range(0, count).Select(i => sink.File($"file {i}"))];
            try
            {
                foreach (FileStream file in files)
                {
                    types.Fd(file.SafeFileHandle);
                }

                Assert.True(display.Flush());
                display.Roundtrip();
            }
            finally
            {
                files.ForEach(f => f.Dispose());
            }

            Assert.Equal(Enumerable.Range(0, count).Select(i => $"fd file {i}"), sink.Lines(count));
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Fact]
    public void A_request_with_two_descriptors_across_the_28th_keeps_both_and_the_order_holds()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (FdSink sink = FdSink.Start())
        using (WaylandDisplay display = WaylandDisplay.Connect(sink.SocketPath))
        {
            using WltTypes types = Bind(display);
            List<FileStream> files = [.. Enumerable.Range(0, 61).Select(i => sink.File($"file {i}"))];
            List<string> expected = [];
            try
            {
                // One descriptor, then 30 requests of two: the 14th pair holds descriptors 28 and 29.
                types.Fd(files[0].SafeFileHandle);
                expected.Add("fd file 0");
                for (int i = 0; i < 30; i++)
                {
                    types.Mixed(i, "s", files[1 + (2 * i)].SafeFileHandle, [1, 2, 3], (uint)(100 + i), files[2 + (2 * i)].SafeFileHandle);
                    expected.Add($"mixed {i} file {1 + (2 * i)} {100 + i} file {2 + (2 * i)}");
                }

                display.Roundtrip();
            }
            finally
            {
                files.ForEach(f => f.Dispose());
            }

            Assert.Equal(expected, sink.Lines(expected.Count));
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Fact]
    public void Files_disposed_right_after_their_requests_still_reach_the_server_and_close_once_sent()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (FdSink sink = FdSink.Start())
        using (WaylandDisplay display = WaylandDisplay.Connect(sink.SocketPath))
        {
            using WltTypes types = Bind(display);
            List<string> expected = [];
            List<(int Fd, string? Target)> sent = [];
            for (int i = 0; i < 40; i++)
            {
                // The request does not duplicate the descriptor: it holds a reference on the handle until it is
                // sent, and disposing the stream now only marks it; the descriptor closes after the sendmsg.
                using FileStream first = sink.File($"file {i}");
                using FileStream second = sink.File($"second {i}");
                types.Mixed(i, "s", first.SafeFileHandle, [], (uint)i, second.SafeFileHandle);
                expected.Add($"mixed {i} file {i} {i} second {i}");
                foreach (FileStream file in new[] { first, second })
                {
                    int fd = (int)file.SafeFileHandle.DangerousGetHandle();
                    sent.Add((fd, OpenFds.TargetOf(fd)));
                }
            }

            Assert.All(sent, s => Assert.Equal(s.Target, OpenFds.TargetOf(s.Fd)));
            Assert.True(display.Flush());
            Assert.All(sent, s => Assert.NotEqual(s.Target, OpenFds.TargetOf(s.Fd)));
            display.Roundtrip();
            Assert.Equal(expected, sink.Lines(expected.Count));
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Fact]
    public void Files_disposed_while_their_requests_wait_are_closed_when_the_display_is_disposed()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (FdSink sink = FdSink.Start())
        {
            List<(int Fd, string? Target)> queued = [];
            using (WaylandDisplay display = WaylandDisplay.Connect(sink.SocketPath))
            {
                using WltTypes types = Bind(display);
                for (int i = 0; i < 5; i++)
                {
                    using FileStream file = sink.File($"file {i}");
                    types.Fd(file.SafeFileHandle);
                    int fd = (int)file.SafeFileHandle.DangerousGetHandle();
                    queued.Add((fd, OpenFds.TargetOf(fd)));
                }

                Assert.All(queued, q => Assert.Equal(q.Target, OpenFds.TargetOf(q.Fd)));
            }

            Assert.All(queued, q => Assert.NotEqual(q.Target, OpenFds.TargetOf(q.Fd)));
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Fact]
    public void A_closed_or_invalid_handle_is_refused_before_anything_is_sent_and_the_connection_goes_on()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (FdSink sink = FdSink.Start())
        using (WaylandDisplay display = WaylandDisplay.Connect(sink.SocketPath))
        {
            using WltTypes types = Bind(display);
            FileStream closed = sink.File("closed");
            closed.Dispose();
            using FileStream good = sink.File("good");
            using Microsoft.Win32.SafeHandles.SafeFileHandle invalid = new(-1, ownsHandle: false);

            Assert.Throws<ObjectDisposedException>(() => types.Fd(closed.SafeFileHandle));
            Assert.Throws<ArgumentException>(() => types.Fd(invalid));
            // A request with one good and one bad descriptor sends neither, and keeps no reference on the good one.
            Assert.Throws<ObjectDisposedException>(() => types.Mixed(1, "s", good.SafeFileHandle, [], 2, closed.SafeFileHandle));
            Assert.Throws<ArgumentException>(() => types.Mixed(1, "s", good.SafeFileHandle, [], 2, invalid));
            bool added = false;
            good.SafeFileHandle.DangerousAddRef(ref added);
            good.SafeFileHandle.DangerousRelease();
            Assert.True(added);

            // Nothing of the refused requests went out: the server's next lines are those of the requests after them.
            types.Fd(good.SafeFileHandle);
            types.Mixed(3, "t", good.SafeFileHandle, [9], 4, good.SafeFileHandle);
            display.Roundtrip();
            Assert.Equal(["fd good", "mixed 3 good 4 good"], sink.Lines(2));
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    private static WltTypes Bind(WaylandDisplay display)
    {
        using WlRegistry registry = display.GetRegistry();
        uint name = 0;
        registry.Global += (_, n, iface, _) => name = iface == "wlt_types" ? n : name;
        display.Roundtrip();
        Assert.NotEqual(0u, name);
        return registry.Bind<WltTypes>(name, 1);
    }

    /// <summary>tests/native/fd-sink-server in a private runtime directory, its output lines collected.</summary>
    private sealed class FdSink : IDisposable
    {
        private readonly Process _process;
        private readonly BlockingCollection<string> _lines = [];
        private readonly RuntimeDirectory _runtime;
        private int _files;

        private FdSink(Process process, RuntimeDirectory runtime)
        {
            _process = process;
            _runtime = runtime;
        }

        public string SocketPath => System.IO.Path.Combine(_runtime.Path, "wayland-sink");

        public static FdSink Start()
        {
            RuntimeDirectory runtime = RuntimeDirectory.Create("fd-sink");
            ProcessStartInfo info = new(NativePeers.Path("fd-sink-server"), ["--socket", System.IO.Path.Combine(runtime.Path, "wayland-sink")])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.Environment.Remove("WAYLAND_DEBUG");
            Process process = Process.Start(info) ?? throw new InvalidOperationException("fd-sink-server did not start");
            FdSink sink = new(process, runtime);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is { } line)
                {
                    sink._lines.Add(line);
                }
            };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (sink.Lines(1) is not ["ready"])
            {
                sink.Dispose();
                throw new InvalidOperationException("fd-sink-server did not become ready");
            }

            return sink;
        }

        /// <summary>A new file in the runtime directory holding <paramref name="text"/>, open for reading.</summary>
        public FileStream File(string text)
        {
            string path = System.IO.Path.Combine(_runtime.Path, $"file-{_files++}");
            System.IO.File.WriteAllText(path, text + "\n");
            return new FileStream(path, FileMode.Open, FileAccess.Read);
        }

        /// <summary>The next <paramref name="count"/> lines the server printed (fewer if it goes quiet for 20 s).</summary>
        public List<string> Lines(int count)
        {
            List<string> lines = [];
            while (lines.Count < count && _lines.TryTake(out string? line, TimeSpan.FromSeconds(20)))
            {
                lines.Add(line);
            }

            return lines;
        }

        public void Dispose()
        {
            try
            {
                PeerProcess.Stop(_process);
                // Only now: the output handler adds to it until the pipe's end has been read.
                _lines.Dispose();
            }
            finally
            {
                _runtime.Dispose();
            }
        }
    }
}
