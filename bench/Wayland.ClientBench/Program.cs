using System.Diagnostics;
using System.Globalization;
using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.ClientBench.Peer.Client;
using Wayland.Testing;
using Wayland.Wire;

// Usage: dotnet run -c Release --project bench/Wayland.ClientBench -- [--reps R] [--scale S]
// Prints a markdown table: per mode, the median ns/op of libwayland's client and ours, and ours/theirs.
int reps = 5;
double scale = 1;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--reps")
    {
        reps = int.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--scale")
    {
        scale = double.Parse(args[++i], CultureInfo.InvariantCulture);
    }
}

(string Mode, long Count)[] modes = [("roundtrip", (long)(20_000 * scale)), ("sync-pipelined", (long)(200_000 * scale)), ("flood", (long)(1_000_000 * scale))];
using NativeTestServer server = NativeTestServer.Start();
string benchClient = NativePeers.Path("bench-client");
Console.WriteLine($"server: libwayland test-server; {reps} alternating runs per side; median ns/op");
Console.WriteLine();
Console.WriteLine("| mode | count | libwayland client ns/op | Wayland for .NET ns/op | ours / libwayland |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach ((string mode, long count) in modes)
{
    RunOurs(server.SocketPath!, mode, Math.Max(1, count / 10)); // warm-up (JIT, tiering)
    List<double> theirs = [], ours = [];
    for (int r = 0; r < reps; r++)
    {
        theirs.Add(RunTheirs(benchClient, server.SocketPath!, mode, count));
        ours.Add(RunOurs(server.SocketPath!, mode, count));
    }

    double t = Median(theirs), o = Median(ours);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mode} | {count} | {t:F1} | {o:F1} | {o / t:F2} |"));
}

return 0;

static double Median(List<double> values)
{
    values.Sort();
    return values[values.Count / 2];
}

static double RunTheirs(string benchClient, string socket, string mode, long count)
{
    ProcessStartInfo info = new(benchClient, ["--socket", socket, "--mode", mode, "--count", count.ToString(CultureInfo.InvariantCulture)]);
    (int exit, string stdout, string stderr) = ProcessRunner.Run(info, TimeSpan.FromMinutes(5));
    if (exit != 0)
    {
        throw new InvalidOperationException($"bench-client failed: {stderr}");
    }

    return double.Parse(stdout.Trim().Split(' ')[3], CultureInfo.InvariantCulture);
}

static double RunOurs(string socket, string mode, long count)
{
    using WaylandDisplay display = WaylandDisplay.Connect(socket);
    using WlRegistry registry = display.GetRegistry();
    uint peerName = 0;
    registry.Global += (_, name, iface, _) => peerName = iface == "wlt_peer" ? name : peerName;
    display.Roundtrip();
    using WltPeer peer = registry.Bind<WltPeer>(peerName, 1);
    display.Roundtrip();

    Stopwatch clock = Stopwatch.StartNew();
    switch (mode)
    {
        case "roundtrip":
            for (long i = 0; i < count; i++)
            {
                display.Roundtrip();
            }

            break;
        case "sync-pipelined":
            long done = 0;
            WlCallback.DoneHandler onDone = (callback, _) =>
            {
                done++;
                callback.Dispose();
            };
            for (long i = 0; i < count; i++)
            {
                if (i - done >= 1024)
                {
                    FlushAll(display);
                    while (i - done >= 1024)
                    {
                        display.Dispatch();
                    }
                }

                display.Proxy.Sync().Done += onDone;
                if ((i & 255) == 255)
                {
                    FlushAll(display);
                }
            }

            FlushAll(display);
            while (done < count)
            {
                display.Dispatch();
            }

            break;
        case "flood":
            for (long i = 0; i < count; i++)
            {
                peer.Nop();
                if ((i & 383) == 383)
                {
                    FlushAll(display); // 384 x 8 bytes = 3072, the C client's flush threshold
                }
            }

            display.Roundtrip();
            break;
    }

    return clock.Elapsed.TotalNanoseconds / count;
}

// As the C client: flush; while the socket is full, read and dispatch what arrives so neither side stalls.
static void FlushAll(WaylandDisplay display)
{
    while (!display.Flush())
    {
        if (display.PrepareRead())
        {
            if (UnixSocket.Wait(display.Socket, writable: false, TimeSpan.FromMilliseconds(1)))
            {
                display.ReadEvents();
            }
            else
            {
                display.CancelRead();
            }
        }

        display.DispatchPending();
    }
}
