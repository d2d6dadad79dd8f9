using System.Diagnostics;
using System.Globalization;
using Wayland.Server;
using Wayland.ServerBench.Peer.Server;
using Wayland.Testing;

// Usage: dotnet run -c Release --project bench/Wayland.ServerBench -- [--reps R] [--scale S]
// Prints a markdown table: per mode, the median ns/op of libwayland's C client (tests/native/bench-client) against
// libwayland's server (tests/native/test-server) and against ours, and ours/theirs.
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
string benchClient = NativePeers.Path("bench-client");
using NativeTestServer theirServer = NativeTestServer.Start();
using RuntimeDirectory runtime = RuntimeDirectory.Create("server-bench");
using Display display = new();
PeerHandler peerHandler = new();
display.CreateGlobal<WltPeer>(1, peer => peer.Handler = peerHandler);
string ourSocket = display.AddSocket(Path.Combine(runtime.Path, "wayland-ours"));
Task ourServer = display.RunAsync();

Console.WriteLine($"client: libwayland bench-client; {reps} alternating runs per server; median ns/op");
Console.WriteLine();
Console.WriteLine("| mode | count | libwayland server ns/op | Wayland for .NET server ns/op | ours / libwayland |");
Console.WriteLine("|---|---:|---:|---:|---:|");
foreach ((string mode, long count) in modes)
{
    Run(benchClient, ourSocket, mode, Math.Max(1, count / 10)); // warm-up (JIT, tiering)
    List<double> theirs = [], ours = [];
    for (int r = 0; r < reps; r++)
    {
        theirs.Add(Run(benchClient, theirServer.SocketPath!, mode, count));
        ours.Add(Run(benchClient, ourSocket, mode, count));
    }

    double t = Median(theirs), o = Median(ours);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mode} | {count} | {t:F1} | {o:F1} | {o / t:F2} |"));
}

display.Terminate();
ourServer.Wait();
return 0;

static double Median(List<double> values)
{
    values.Sort();
    return values[values.Count / 2];
}

static double Run(string benchClient, string socket, string mode, long count)
{
    ProcessStartInfo info = new(benchClient, ["--socket", socket, "--mode", mode, "--count", count.ToString(CultureInfo.InvariantCulture)]);
    info.Environment.Remove("WAYLAND_DEBUG");
    (int exit, string stdout, string stderr) = ProcessRunner.Run(info, TimeSpan.FromMinutes(5));
    if (exit != 0)
    {
        throw new InvalidOperationException($"bench-client failed against {socket}: {stderr}");
    }

    return double.Parse(stdout.Trim().Split(' ')[3], CultureInfo.InvariantCulture);
}

/// <summary><c>wlt_peer</c> as tests/native/test-server implements the requests the benchmark sends:
/// ping answers pong, nop does nothing.</summary>
internal sealed class PeerHandler : WltPeer.IHandler
{
    public void Ping(WltPeer resource, uint value) => resource.SendPong(value);
}
