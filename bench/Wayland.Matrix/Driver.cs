using System.Diagnostics;
using System.Globalization;
using System.Text;
using Wayland.Testing;

namespace Wayland.Matrix;

/// <summary>Options of the driver.</summary>
internal sealed record DriverOptions(int Reps, double Scale, int IdleClients, string? OutFile, bool Smoke, string[]? Only = null)
{
    public static DriverOptions Parse(string[] args)
    {
        int reps = 5;
        double scale = 1;
        int idle = 1000;
        string? outFile = null;
        bool smoke = false;
        string[]? only = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--reps":
                    reps = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--scale":
                    scale = double.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--idle-clients":
                    idle = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                case "--out":
                    outFile = args[++i];
                    break;
                case "--smoke":
                    smoke = true;
                    break;
                case "--workloads":
                    only = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    break;
                default:
                    throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }

        // Smoke size: every path once, in seconds, no figures worth reading.
        return smoke ? new DriverOptions(1, 0.02, 10, outFile, true, only) : new DriverOptions(reps, scale, idle, outFile, false, only);
    }
}

/// <summary>Runs the matrix and writes the tables.</summary>
internal static class Driver
{
    private static readonly (string Name, string Description, long Count)[] AllWorkloads =
    [
        ("roundtrip", "roundtrip (`wl_display.sync`, wait for `done`)", 20_000),
        ("sync", "sync pipeline: flush every 256, ≤ 2048 unanswered, after each flush prepare_read → poll(0) → read_events → dispatch_pending", 200_000),
        ("region", "request flood: `wl_region.add` × N, flush every 128, one roundtrip", 500_000),
        ("shm", "shm: `wl_shm.create_pool` (memfd) + `destroy` × N, flush every 28, roundtrip every 1000", 50_000),
        ("events", "event flood: `wlb_bench.flood(1000)` answered by 1000 `tick` events", 1_000_000),
    ];

    /// <summary>The four pairs: (our client?, our server?).</summary>
    private static readonly (bool OurClient, bool OurServer)[] Pairs = [(false, false), (true, false), (false, true), (true, true)];

    public static int Run(DriverOptions options)
    {
        string root = NativePeers.RepositoryRoot;
        string native = Path.Combine(root, "bench", "native");
        Make(native);
        string cServer = Path.Combine(native, "build", "bench-server");
        string cClient = Path.Combine(native, "build", "matrix-client");
        string[] self = SelfCommand();
        (string Name, string Description, long Count)[] workloads = options.Only is null ? AllWorkloads : [.. AllWorkloads.Where(w => options.Only.Contains(w.Name))];
        if (options.Only is not null && workloads.Length != options.Only.Length)
        {
            throw new ArgumentException($"unknown workload in '{string.Join(',', options.Only)}'; the workloads are {string.Join(',', AllWorkloads.Select(w => w.Name))}");
        }

        StringBuilder report = new();
        report.AppendLine(CultureInfo.InvariantCulture, $"Run of {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC: {Machine()}; load average {Load()} at the start.");
        report.AppendLine(CultureInfo.InvariantCulture,
            $"Medians of {options.Reps} interleaved repetitions (the four pairs in rotating order), ns per operation; our server is a bare `Wayland.Server.Display` (bench/Wayland.Matrix/MatrixServer.cs), libwayland's is bench/native/bench-server.c; ratio < 1: ours is faster.");
        report.AppendLine();

        using RuntimeDirectory runtime = RuntimeDirectory.Create("matrix");
        Dictionary<(bool Pinned, string Workload, int Pair), List<Result>> results = [];
        foreach (bool pinned in new[] { true, false })
        {
            string[] pin = pinned ? ["taskset", "-c", "0"] : [];
            using ServerProcess theirs = ServerProcess.Start([.. pin, cServer, "--socket"], Path.Combine(runtime.Path, $"c-{pinned}"));
            using ServerProcess ours = ServerProcess.Start([.. pin, .. self, "--serve"], Path.Combine(runtime.Path, $"ours-{pinned}"));
            foreach ((string workload, _, long fullCount) in workloads)
            {
                long count = Math.Max(1, (long)(fullCount * options.Scale));
                for (int rep = 0; rep < options.Reps; rep++)
                {
                    for (int k = 0; k < Pairs.Length; k++)
                    {
                        int pair = (k + rep) % Pairs.Length;
                        (bool ourClient, bool ourServer) = Pairs[pair];
                        string socket = (ourServer ? ours : theirs).Socket;
                        string[] command = ourClient
                            ? [.. pin, .. self, "--client", socket, workload, Str(count), Str(count)]
                            : [.. pin, cClient, "--socket", socket, "--workload", workload, "--count", Str(count), "--warmup", Str(count)];
                        Result result = RunClient(command);
                        if (!results.TryGetValue((pinned, workload, pair), out List<Result>? list))
                        {
                            results[(pinned, workload, pair)] = list = [];
                        }

                        list.Add(result);
                        Console.Error.WriteLine($"{(pinned ? "pinned" : "unpinned")} {workload} rep {rep} {Name(pair)}: {result.NsPerOp:F1} ns/op");
                    }
                }
            }
        }

        foreach (bool pinned in new[] { true, false })
        {
            report.AppendLine(pinned ? "### Pinned: both processes on CPU 0 (`taskset -c 0`)" : "### Unpinned");
            report.AppendLine();
            report.AppendLine("| workload | count | libwayland client × libwayland server | our client × libwayland server | libwayland client × our server | our client × our server | our client / libwayland's (libwayland server) | our client / libwayland's (our server) | our server / libwayland's (libwayland client) | our server / libwayland's (our client) |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach ((string workload, string description, long fullCount) in workloads)
            {
                double[] m = [.. Enumerable.Range(0, Pairs.Length).Select(p => Median(results[(pinned, workload, p)].Select(r => r.NsPerOp)))];
                report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {description} | {Math.Max(1, (long)(fullCount * options.Scale))} | {m[0]:F1} | {m[1]:F1} | {m[2]:F1} | {m[3]:F1} | **{m[1] / m[0]:F2}** | **{m[3] / m[2]:F2}** | {m[2] / m[0]:F2} | {m[3] / m[1]:F2} |"));
            }

            report.AppendLine();
            report.AppendLine(pinned ? "CPU time per operation, pinned (user + system time of each whole process, medians; on a loaded machine less noisy than elapsed time):" : "CPU time per operation, unpinned:");
            report.AppendLine();
            report.AppendLine("| workload | libwayland client CPU ns | our client CPU ns | our client / libwayland's | libwayland server CPU ns | our server CPU ns | our server / libwayland's |");
            report.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach ((string workload, _, _) in workloads)
            {
                // Clients measured against libwayland's server (pairs 0 and 1), servers under libwayland's client (0 and 2).
                double theirClient = Median(results[(pinned, workload, 0)].Select(r => r.ClientCpu));
                double ourClient = Median(results[(pinned, workload, 1)].Select(r => r.ClientCpu));
                double theirServer = Median(results[(pinned, workload, 0)].Select(r => r.ServerCpu));
                double ourServer = Median(results[(pinned, workload, 2)].Select(r => r.ServerCpu));
                report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {workload} | {theirClient:F1} | {ourClient:F1} | **{ourClient / theirClient:F2}** | {theirServer:F1} | {ourServer:F1} | **{ourServer / theirServer:F2}** |"));
            }

            report.AppendLine();
            if (pinned)
            {
                // On one CPU the two processes take turns, so the elapsed time is about the sum of their CPU times: a
                // client that cost nothing would save exactly libwayland's client's CPU time, and no better ratio exists.
                FloorTable(true, "The floor, pinned: the client ratio a client costing no CPU at all would reach, 1 − (libwayland client's CPU / elapsed) of the libwayland-client pair on each server (medians over the repetitions):",
                    r => 1 - (r.ClientCpu / r.NsPerOp));
            }
            else
            {
                // On two CPUs the processes run side by side. Where the server's CPU time is nearly all of the elapsed
                // time, the server is what the run waits for, and a client can go faster only by making the server do
                // less (fewer, larger reads and writes): not a hard floor, since the server's work depends on the client.
                // libwayland's server works on one thread; ours counts its runtime's threads too.
                FloorTable(false, "The server's share, unpinned: the server's CPU / elapsed of the libwayland-client pair on each server (medians over the repetitions). Near 1, the run waits for the server, and a client can be faster only by making the server's work smaller (fewer, larger reads and writes), not by being cheaper itself:",
                    r => r.ServerCpu / r.NsPerOp);
            }
        }

        void FloorTable(bool pinned, string heading, Func<Result, double> floor)
        {
            report.AppendLine(heading);
            report.AppendLine();
            report.AppendLine(pinned ? "| workload | floor (libwayland server) | our client (libwayland server) | floor (our server) | our client (our server) |" : "| workload | server's share (libwayland server) | our client (libwayland server) | server's share (our server) | our client (our server) |");
            report.AppendLine("|---|---:|---:|---:|---:|");
            foreach ((string workload, _, _) in workloads)
            {
                double Floor(int pair) => Median(results[(pinned, workload, pair)].Select(floor));
                double Ratio(int ours, int theirs) => Median(results[(pinned, workload, ours)].Select(r => r.NsPerOp)) / Median(results[(pinned, workload, theirs)].Select(r => r.NsPerOp));
                report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {workload} | {Floor(0):F2} | {Ratio(1, 0):F2} | {Floor(2):F2} | {Ratio(3, 2):F2} |"));
            }

            report.AppendLine();
        }

        report.AppendLine("### Bytes allocated per operation in steady state (unpinned runs, medians)");
        report.AppendLine();
        report.AppendLine("Client: allocated on the client's thread during the timed run (after an untimed warm-up run of the same size, which lets the JIT finish tiering up). Server: allocated on our server's event-loop thread between two `wlb_bench.mark` requests around the timed run. libwayland's sides allocate with malloc and are not counted.");
        report.AppendLine();
        report.AppendLine("| workload | our client (libwayland server) | our client (our server) | our server (libwayland client) | our server (our client) |");
        report.AppendLine("|---|---:|---:|---:|---:|");
        foreach ((string workload, _, _) in workloads)
        {
            report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {workload} | {Median(results[(false, workload, 1)].Select(r => r.ClientBytes)):F2} | {Median(results[(false, workload, 3)].Select(r => r.ClientBytes)):F2} | {Median(results[(false, workload, 2)].Select(r => r.ServerBytes)):F2} | {Median(results[(false, workload, 3)].Select(r => r.ServerBytes)):F2} |"));
        }

        // --idle-clients 0 leaves the memory table out (quick runs of a few workloads).
        if (options.IdleClients > 0)
        {
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"### Server memory per idle client ({options.IdleClients} clients)");
            report.AppendLine();
            report.AppendLine("Each client connects, gets the registry and does one roundtrip, then stays connected; resident set size (VmRSS) of the server process before and after.");
            report.AppendLine();
            report.AppendLine("| server | RSS before (KiB) | RSS with the clients (KiB) | KiB per client |");
            report.AppendLine("|---|---:|---:|---:|");
            foreach (bool ourServer in new[] { false, true })
            {
                using ServerProcess server = ourServer
                    ? ServerProcess.Start([.. self, "--serve"], Path.Combine(runtime.Path, "idle-ours"))
                    : ServerProcess.Start([cServer, "--socket"], Path.Combine(runtime.Path, "idle-c"));
                (long before, long after) = IdleClients.Measure(server, options.IdleClients);
                report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {(ourServer ? "ours (bare `Display`)" : "libwayland")} | {before} | {after} | {(double)(after - before) / options.IdleClients:F1} |"));
            }
        }

        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"Load average at the end: {Load()}.");
        string text = report.ToString();
        Console.WriteLine(text);
        if (options.OutFile is not null)
        {
            File.WriteAllText(options.OutFile, text);
        }

        return 0;
    }

    private static string Name(int pair) => (Pairs[pair].OurClient ? "our client" : "libwayland client") + " x " + (Pairs[pair].OurServer ? "our server" : "libwayland server");

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Builds bench/native with the tests/native Makefile (every *.c a program, every protocols/*.xml scanned).</summary>
    private static void Make(string native)
    {
        ProcessStartInfo make = new("make", ["-s", "-C", native, "-f", "../../tests/native/Makefile"]);
        (int exit, string stdout, string stderr) = ProcessRunner.Run(make, TimeSpan.FromMinutes(5));
        if (exit != 0)
        {
            throw new InvalidOperationException($"building bench/native failed (scripts/install-deps.sh installs what it needs):\n{stdout}{stderr}");
        }
    }

    /// <summary>The command that starts this program again (apphost, or dotnet with the assembly).</summary>
    private static string[] SelfCommand()
    {
        string process = Environment.ProcessPath ?? throw new InvalidOperationException("no process path");
        return Path.GetFileNameWithoutExtension(process) == "dotnet" ? [process, typeof(Driver).Assembly.Location] : [process];
    }

    private static Result RunClient(string[] command)
    {
        ProcessStartInfo info = new(command[0], command[1..]);
        info.Environment.Remove("WAYLAND_DEBUG");
        (int exit, string stdout, string stderr) = ProcessRunner.Run(info, TimeSpan.FromMinutes(5));
        if (exit != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', command)} failed ({exit}):\n{stdout}{stderr}");
        }

        string[] fields = stdout.Trim().Split(' ');
        double Field(int i) => i < fields.Length ? double.Parse(fields[i], CultureInfo.InvariantCulture) : double.NaN;
        return new Result(Field(0), Field(1), Field(2), Field(3), Field(4));
    }

    private static string Machine()
    {
        string model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        string libwayland = "";
        try
        {
            (int exit, string version, _) = ProcessRunner.Run(new ProcessStartInfo("pkg-config", ["--modversion", "wayland-client"]), TimeSpan.FromSeconds(30));
            libwayland = exit == 0 ? $", libwayland {version.Trim()}" : "";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No pkg-config: leave the version out.
        }

        return $"{model} ({Environment.ProcessorCount} CPUs), .NET {Environment.Version}{libwayland}";
    }

    private static string Load() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private readonly record struct Result(double NsPerOp, double ServerBytes, double ClientBytes, double ClientCpu, double ServerCpu);
}
