using System.Diagnostics;
using System.Text.RegularExpressions;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Client.Tests;

/// <summary>
/// <c>WAYLAND_DEBUG</c> output of our client against the output of a libwayland client making the same
/// requests to the same server, line by line, with only what legitimately differs masked.
/// </summary>
public partial class DebugLogComparisonTests
{
    /// <summary>Masks what differs legitimately between libwayland 1.21 and the upstream format we print
    /// (timestamps, queue names, '@' versus '#') and between two processes (descriptor numbers).</summary>
    internal static string Mask(string line) =>
        FdNumber().Replace(QueueName().Replace(Timestamp().Replace(line, "[T] "), ""), "fd N").Replace('@', '#');

    [GeneratedRegex(@"^\[[^\]]*\] ")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"(?<=^\[T\] )\{[^}]*\} ")]
    private static partial Regex QueueName();

    [GeneratedRegex(@"\bfd -?\d+\b")]
    private static partial Regex FdNumber();

    private static string[] MaskedLines(string log) =>
        log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('[')).Select(Mask).ToArray();

    [Fact]
    public void WAYLAND_DEBUG_lines_match_a_libwayland_client_doing_the_same()
    {
        using NativeTestServer server = NativeTestServer.Start();

        ProcessStartInfo info = new(NativePeers.Path("test-client"), ["--socket", server.SocketPath!, "--scenario", "globals"]);
        info.Environment["WAYLAND_DEBUG"] = "client";
        (int exit, _, string stderr) = ProcessRunner.Run(info, TimeSpan.FromSeconds(30));
        Assert.True(exit == 0, stderr);
        string[] theirs = MaskedLines(stderr);

        StringWriter log = new();
        using (WaylandDisplay display = WaylandDisplay.Connect(server.SocketPath, new ProtocolLogger(log)))
        {
            using WlRegistry registry = display.GetRegistry();
            registry.Global += (_, _, _, _) => { };
            display.Roundtrip();
        }

        Assert.NotEmpty(theirs);
        Assert.Equal(theirs, MaskedLines(log.ToString()));
    }

    [Fact]
    public void WAYLAND_DEBUG_lines_match_a_libwayland_client_through_binds_fds_arrays_fixed_and_destructors()
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        string[] theirs, ours;
        using (RuntimeDirectory runtime = RuntimeDirectory.Create("debug-sequence"))
        {
            // A fresh server for each client, so that both get the same names, ids and serials.
            string theirSocket = Path.Combine(runtime.Path, "theirs");
            using (DebugSequenceServer server = new(theirSocket))
            {
                ProcessStartInfo info = new(NativePeers.Path("client-debug-sequence"), ["--socket", theirSocket]);
                info.Environment["WAYLAND_DEBUG"] = "client";
                (int exit, _, string stderr) = ProcessRunner.Run(info, TimeSpan.FromSeconds(60));
                Assert.True(exit == 0, stderr);
                theirs = MaskedLines(stderr);
            }

            string ourSocket = Path.Combine(runtime.Path, "ours");
            StringWriter log = new();
            using (DebugSequenceServer server = new(ourSocket))
            {
                RunSequence(ourSocket, new ProtocolLogger(log));
            }

            ours = MaskedLines(log.ToString());
        }

        Assert.Equal(theirs, ours);

        // The sequence does cover what it is meant to (the C twin prints the same, or the comparison failed).
        Assert.Contains(ours, l => l.StartsWith("[T]  -> wl_registry#2.bind(", StringComparison.Ordinal) && l.Contains("\"wl_seat\", 5, new id [unknown]#"));
        Assert.Contains(ours, l => l.StartsWith("[T]  -> wl_shm#", StringComparison.Ordinal) && l.Contains(".create_pool(new id wl_shm_pool#") && l.EndsWith(", fd N, 4096)", StringComparison.Ordinal));
        Assert.Contains(ours, l => l.StartsWith("[T] wl_keyboard#", StringComparison.Ordinal) && l.Contains(".keymap(1, fd N, 15)"));
        Assert.Contains(ours, l => l.StartsWith("[T] wl_keyboard#", StringComparison.Ordinal) && l.Contains(".enter(7, wl_surface#") && l.EndsWith(", array[8])", StringComparison.Ordinal));
        Assert.Contains(ours, l => l.StartsWith("[T] wl_pointer#", StringComparison.Ordinal) && l.EndsWith(", 10.50000000, -3.25000000)", StringComparison.Ordinal));
        Assert.Contains(ours, l => l.StartsWith("[T]  -> wl_surface#", StringComparison.Ordinal) && l.EndsWith(".attach(nil, 0, 0)", StringComparison.Ordinal));
        Assert.Contains(ours, l => l.StartsWith("[T]  -> wl_seat#", StringComparison.Ordinal) && l.EndsWith(".release()", StringComparison.Ordinal));
        Assert.Contains(ours, l => l.StartsWith("[T] wl_display#1.delete_id(", StringComparison.Ordinal));
        OpenFds.AssertUnchanged(fdsBefore);
    }

    /// <summary>The C# twin of tests/native/client-debug-sequence.c: the same requests in the same order.</summary>
    private static void RunSequence(string socketPath, ProtocolLogger logger)
    {
        using WaylandDisplay display = WaylandDisplay.Connect(socketPath, logger);
        using WlRegistry registry = display.GetRegistry();
        uint compositorName = 0, shmName = 0, seatName = 0;
        registry.Global += (_, name, iface, _) =>
        {
            switch (iface)
            {
                case "wl_compositor":
                    compositorName = name;
                    break;
                case "wl_shm":
                    shmName = name;
                    break;
                case "wl_seat":
                    seatName = name;
                    break;
            }
        };
        display.Roundtrip();

        using WlCompositor compositor = registry.Bind<WlCompositor>(compositorName, 4);
        using WlShm shm = registry.Bind<WlShm>(shmName, 1);
        WlSeat seat = registry.Bind<WlSeat>(seatName, 5);
        display.Roundtrip();

        ShmPool pool = ShmPool.Create(shm, 4096);
        WlBuffer buffer = pool.Proxy.CreateBuffer(0, 16, 16, 64, WlShmFormat.Argb8888);
        WlSurface surface = compositor.CreateSurface();
        surface.Attach(buffer, 0, 0);
        surface.DamageBuffer(0, 0, 16, 16);
        surface.SetBufferScale(1);
        surface.Commit();
        WlKeyboard keyboard = seat.GetKeyboard();
        WlPointer pointer = seat.GetPointer();
        display.Roundtrip();

        surface.Attach(null, 0, 0);
        buffer.Dispose();
        pool.Dispose();
        keyboard.Dispose();
        pointer.Dispose();
        surface.Dispose();
        display.Roundtrip();

        seat.Dispose();
        display.Roundtrip();
    }
}
