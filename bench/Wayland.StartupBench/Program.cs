using System.Diagnostics;
using System.Globalization;
using Wayland.Testing;

// Usage: dotnet run -c Release --project bench/Wayland.StartupBench -- [--wl-info PATH] [--baseline PATH] [--runs N]
// Whole-process wall time, from fork to exit, of the NativeAOT wl-info (scripts/publish-aot.sh; default
// artifacts/aot/wl-info) and of Debian's wayland-info, each connecting to the same headless weston, listing its
// globals and exiting. The two alternate run by run (which one goes first alternates too), so load on the machine
// falls on both alike. Also timed: `wl-info --version` (runtime start and exit, no Wayland at all) and
// `wl-info --display missing` (plus the failed connect), which split wl-info's time into runtime and protocol work,
// and /bin/true: the cost of starting and reaping any process at all, which every row includes. --baseline adds an
// older wl-info build as one more row of the same interleaved runs, for a before/after under the same load.
// Prints a markdown table; exits 1 when wl-info's median is above 1.5x wayland-info's.
const double Target = 1.5;
string wlInfo = Path.Combine(NativePeers.RepositoryRoot, "artifacts", "aot", "wl-info");
string? baseline = null;
int runs = 200;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--wl-info" when i + 1 < args.Length:
            wlInfo = Path.GetFullPath(args[++i]);
            break;
        case "--baseline" when i + 1 < args.Length:
            baseline = Path.GetFullPath(args[++i]);
            break;
        case "--runs" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out runs) && runs > 0:
            i++;
            break;
        default:
            Console.Error.WriteLine("usage: Wayland.StartupBench [--wl-info PATH] [--baseline PATH] [--runs N]");
            return 64;
    }
}

foreach (string binary in new[] { wlInfo, baseline ?? wlInfo })
{
    if (!File.Exists(binary))
    {
        Console.Error.WriteLine($"startup: {binary} does not exist; run scripts/publish-aot.sh first");
        return 1;
    }
}

using HeadlessWeston weston = HeadlessWeston.Start();
(string Name, string Program, string[] Arguments)[] cases =
[
    ("wl-info (NativeAOT)", wlInfo, []),
    ("wayland-info (libwayland, C)", "wayland-info", []),
    ("wl-info --version (runtime only)", wlInfo, ["--version"]),
    ("wl-info --display missing (runtime + failed connect)", wlInfo, ["--display", "missing"]),
    ("/bin/true (process start and exit alone)", "/bin/true", []),
    .. baseline is null ? [] : new[] { ("wl-info baseline (--baseline)", baseline, Array.Empty<string>()) },
];
List<double>[] times = [.. cases.Select(_ => new List<double>())];

// Warm-up: page cache, weston's first-client work.
for (int i = 0; i < 5; i++)
{
    foreach ((_, string program, string[] arguments) in cases)
    {
        Time(program, arguments, expectSuccess: false);
    }
}

for (int run = 0; run < runs; run++)
{
    for (int k = 0; k < cases.Length; k++)
    {
        int c = run % 2 == 0 ? k : cases.Length - 1 - k;
        times[c].Add(Time(cases[c].Program, cases[c].Arguments, expectSuccess: cases[c].Arguments.Length != 2));
    }
}

double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
double Percentile(List<double> values, double p) => values.Order().ElementAt((int)(p * (values.Count - 1)));
double reference = Median(times[1]);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"startup: {runs} interleaved runs each on headless weston, {Environment.ProcessorCount} cores, load average {File.ReadAllText("/proc/loadavg").Trim()}"));
Console.WriteLine();
Console.WriteLine("| process | median ms | p10 ms | p90 ms | vs wayland-info |");
Console.WriteLine("|---|---:|---:|---:|---:|");
for (int k = 0; k < cases.Length; k++)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| {cases[k].Name} | {Median(times[k]):F2} | {Percentile(times[k], 0.1):F2} | {Percentile(times[k], 0.9):F2} | {Median(times[k]) / reference:F2}x |"));
}

double ratio = Median(times[0]) / reference;
Console.WriteLine();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"startup: wl-info takes {ratio:F2}x wayland-info's wall time (target at most {Target}x)"));
return ratio <= Target ? 0 : 1;

// Start to exit of one run. Output goes to pipes read after the exit: both tools print far less than a pipe
// holds (64 KiB), so neither ever waits for us.
double Time(string program, string[] arguments, bool expectSuccess)
{
    ProcessStartInfo info = new(program, arguments) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    weston.ApplyClientEnvironment(info);
    long start = Stopwatch.GetTimestamp();
    using Process process = Process.Start(info)!;
    process.WaitForExit();
    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
    if (expectSuccess && process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}");
    }

    return ms;
}
