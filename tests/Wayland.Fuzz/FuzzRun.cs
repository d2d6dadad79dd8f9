using System.Diagnostics;
using System.Globalization;
using Wayland.Testing;

namespace Wayland.Fuzz;

/// <summary>
/// One target's run: sessions of (server process, bystander, hostile connections) until the time is up. Without
/// --keep-going a crash ends the run; with it, the crash is recorded and a fresh server takes over.
/// </summary>
internal sealed class FuzzRun(string target, int seconds, int connections, bool keepGoing, double maxMutationRate, int seed)
{
    /// <summary>Time for descriptors to come back after the hostile connections hang up (the server closes them as it
    /// reads each hang-up; a flooded server may need a moment).</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(10);

    /// <summary>Growth of the resident set allowed between the baseline and the end, in KiB, plus a quarter of the
    /// baseline: the hostile connections make the server copy buffers of up to 16 MiB, 8 connections can hold one each
    /// at a time, and the GC keeps freed heap committed for reuse. A leak of 10 KiB per connection exceeds it within
    /// a minute (about 15 000 connections); smaller leaks show only in the long runs.</summary>
    private const long RssToleranceKib = 128 * 1024;

    private readonly FuzzStats _stats = new();
    private readonly List<string> _failures = [];
    private readonly List<(TimeSpan At, string Exit, string Tail)> _crashes = [];
    private readonly Random _random = new(seed);
    private List<string> _baselineTargets = [];

    internal bool Execute()
    {
        Console.WriteLine($"== {target}: sub-seed {seed}");
        Stopwatch clock = Stopwatch.StartNew();
        TimeSpan end = TimeSpan.FromSeconds(seconds);
        Bystander? lastBystander = null;
        (int Total, int ClientCaused, long Rss) baseline = default, final = default;
        while (clock.Elapsed < end)
        {
            using RuntimeDirectory runtime = RuntimeDirectory.Create("fuzz");
            using ServerProcess server = ServerProcess.Start(target, runtime);
            (Bystander bystander, Thread bystanderThread, Func<bool> bystanderRunning, Action stopBystander) = StartBystander(server.SocketPath);
            lastBystander = bystander;
            if (!WaitFor(() => bystander.Roundtrips >= 2 || bystander.Failure is not null || server.HasExited, TimeSpan.FromSeconds(30)) || bystander.Failure is not null)
            {
                _failures.Add($"the bystander could not start: {bystander.Failure ?? "no answer in 30 s"} ({server.ExitDescription}) {server.Tail}");
                stopBystander();
                break;
            }

            Thread.Sleep(500);
            (int total, int clientCaused, List<string> baselineTargets) = server.Descriptors();
            _baselineTargets = baselineTargets;
            baseline = (total, clientCaused, server.RssKib());
            Console.WriteLine($"   server pid {server.Pid}: baseline {baseline.Total} descriptors ({baseline.ClientCaused} sockets/shm/memfd/pipes), RSS {baseline.Rss / 1024.0:F1} MiB");

            bool sessionRunning = true;
            Func<bool> running = () => Volatile.Read(ref sessionRunning);
            List<Thread> threads = [];
            for (int i = 0; i < connections; i++)
            {
                HostileClient client = new(i, _random.Next(), server.SocketPath, _stats, running, maxMutationRate);
                Console.WriteLine($"   connection {client.Slot}: sub-seed {client.Seed}");
                threads.Add(new Thread(client.Run) { IsBackground = true, Name = $"hostile {i}" });
            }

            int truncatorSeed = _random.Next();
            threads.Add(new Thread(() => PoolFile.RunTruncator(new Random(truncatorSeed), running, _stats)) { IsBackground = true, Name = "truncator" });
            threads.ForEach(t => t.Start());

            bool crashed = false;
            while (clock.Elapsed < end)
            {
                Thread.Sleep(50);
                if (server.HasExited)
                {
                    crashed = true;
                    break;
                }

                if (bystander.Failure is not null || bystander.Stalled)
                {
                    // A dying server resets the bystander's connection a moment before the process is reaped.
                    if (WaitFor(() => server.HasExited, TimeSpan.FromSeconds(1)))
                    {
                        crashed = true;
                    }
                    else
                    {
                        _failures.Add(bystander.Failure is not null ? $"the bystander failed: {bystander.Failure}" : $"the bystander waited more than {Bystander.StallLimit.TotalSeconds} s for a roundtrip");
                    }

                    break;
                }
            }

            Volatile.Write(ref sessionRunning, false);
            threads.ForEach(t => t.Join());
            if (crashed || server.HasExited)
            {
                Thread.Sleep(200); // let the crash report reach the tail
                _crashes.Add((clock.Elapsed, server.ExitDescription, server.Tail));
                Console.WriteLine($"   CRASH after {clock.Elapsed.TotalSeconds:F1} s: {server.ExitDescription}");
                Console.WriteLine(Indent(server.Tail));
                stopBystander();
                bystanderThread.Join();
                if (keepGoing)
                {
                    continue;
                }

                break;
            }

            if (_failures.Count == 0)
            {
                try
                {
                    final = CheckResources(server, baseline);
                }
                catch (DirectoryNotFoundException) when (server.HasExited)
                {
                    // It died just as the run ended: counted as the crash it is.
                    _crashes.Add((clock.Elapsed, server.ExitDescription, server.Tail));
                    Console.WriteLine($"   CRASH at the end: {server.ExitDescription}");
                    Console.WriteLine(Indent(server.Tail));
                }
            }

            stopBystander();
            bystanderThread.Join();
            if (bystander.Failure is not null && !server.HasExited && _failures.Count == 0)
            {
                _failures.Add($"the bystander failed: {bystander.Failure}");
            }

            break;
        }

        // wl_display.implementation means the server's own code failed on a request: a client's mistake must get the
        // protocol's error instead.
        if (_stats.Errors.TryGetValue("wl_display.3", out (long Count, string Example) implementation))
        {
            _failures.Add($"{implementation.Count} wl_display.implementation errors, e.g. \"{implementation.Example}\"");
        }

        Report(clock.Elapsed, lastBystander, baseline, final);
        return _failures.Count == 0 && _crashes.Count == 0;
    }

    private (int Total, int ClientCaused, long Rss) CheckResources(ServerProcess server, (int Total, int ClientCaused, long Rss) baseline)
    {
        Stopwatch settle = Stopwatch.StartNew();
        (int Total, int ClientCaused, List<string> Targets) now = server.Descriptors();
        while (now.ClientCaused > baseline.ClientCaused && settle.Elapsed < SettleTime)
        {
            Thread.Sleep(100);
            now = server.Descriptors();
        }

        // Memory: give the GC the rest of the settle time to hand back what the attack made it commit.
        long allowed = RssToleranceKib + baseline.Rss / 4;
        long rss = server.RssKib();
        while (rss - baseline.Rss > allowed && settle.Elapsed < SettleTime)
        {
            Thread.Sleep(200);
            rss = server.RssKib();
        }

        if (now.ClientCaused != baseline.ClientCaused)
        {
            // What changed, by kind (a socket's inode differs from connection to connection).
            Dictionary<string, int> change = [];
            foreach (string kind in now.Targets.Where(ServerProcess.IsClientCaused).Select(t => t.Split('[')[0]))
            {
                change[kind] = change.GetValueOrDefault(kind) + 1;
            }

            foreach (string kind in _baselineTargets.Where(ServerProcess.IsClientCaused).Select(t => t.Split('[')[0]))
            {
                change[kind] = change.GetValueOrDefault(kind) - 1;
            }

            _failures.Add($"the server holds {now.ClientCaused} sockets/shm/memfd/pipe descriptors, {baseline.ClientCaused} at the start: "
                + string.Join(", ", change.Where(c => c.Value != 0).Select(c => $"{c.Value:+#;-#} {c.Key}")));
        }

        if (rss - baseline.Rss > allowed)
        {
            _failures.Add($"the server's RSS grew from {baseline.Rss / 1024.0:F1} MiB to {rss / 1024.0:F1} MiB (at most {allowed / 1024.0:F0} MiB of growth allowed)");
        }

        return (now.Total, now.ClientCaused, rss);
    }

    private static (Bystander, Thread, Func<bool>, Action) StartBystander(string socketPath)
    {
        Bystander bystander = new(socketPath);
        bool running = true;
        Func<bool> isRunning = () => Volatile.Read(ref running);
        Thread thread = new(() => bystander.Run(isRunning)) { IsBackground = true, Name = "bystander" };
        thread.Start();
        return (bystander, thread, isRunning, () => Volatile.Write(ref running, false));
    }

    private void Report(TimeSpan elapsed, Bystander? bystander, (int Total, int ClientCaused, long Rss) baseline, (int Total, int ClientCaused, long Rss) final)
    {
        Console.WriteLine($"   {target}: {elapsed.TotalSeconds:F0} s, {_stats.Sent} messages sent ({_stats.Mutated} mutated, {_stats.FdsSent} fds), "
            + $"{_stats.Connections} connections ({_stats.ErrorsReceived} ended by a protocol error, {_stats.ErrorsOnUnmutatedTraffic} of them without a mutation, {_stats.DisconnectsWithoutError} dropped without one, "
            + $"{_stats.Stalls} gave up waiting), {_stats.Truncations} truncations, crashes {_crashes.Count}");
        if (bystander is not null)
        {
            Console.WriteLine($"   bystander: {bystander.Roundtrips} roundtrips, slowest {bystander.Slowest.TotalMilliseconds:F1} ms");
        }

        if (final != default)
        {
            Console.WriteLine($"   server descriptors {baseline.Total} -> {final.Total} (sockets/shm/memfd/pipes {baseline.ClientCaused} -> {final.ClientCaused}), "
                + $"RSS {baseline.Rss / 1024.0:F1} -> {final.Rss / 1024.0:F1} MiB");
        }

        Console.WriteLine("   errors received:");
        foreach ((string key, (long count, string example)) in _stats.Errors.OrderByDescending(e => e.Value.Count))
        {
            Console.WriteLine($"     {count,8} {key}  e.g. \"{Shorten(example)}\"");
        }

        foreach ((TimeSpan at, string exit, _) in _crashes)
        {
            Console.WriteLine($"   crash at {at.TotalSeconds:F1} s: {exit}");
        }

        foreach (string failure in _failures)
        {
            Console.WriteLine($"   FAIL: {failure}");
        }

        Console.WriteLine(_failures.Count == 0 && _crashes.Count == 0 ? $"   {target}: PASS" : $"   {target}: FAIL");
    }

    private static string Shorten(string text) => text.Length > 100 ? text[..100] + "…" : text;

    private static string Indent(string text) => string.Join(Environment.NewLine, text.Split('\n').Select(l => "     | " + l.TrimEnd()));

    private static bool WaitFor(Func<bool> condition, TimeSpan timeout)
    {
        Stopwatch clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            Thread.Sleep(20);
        }

        return true;
    }
}
