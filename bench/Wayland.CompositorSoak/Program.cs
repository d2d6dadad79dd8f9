using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Wayland.Compositor;
using Wayland.CompositorSoak;
using Wayland.Testing;

// Usage: dotnet run -c Release --project bench/Wayland.CompositorSoak -- [--seconds N] [--interval S] [--weston] [--multi]
// Runs the headless compositor in this process with weston-simple-shm (a real libwayland client, paced by our frame
// callbacks at 60 Hz) animating on it for N seconds (default 60), and samples every S seconds (default 5): working
// set, GC heap, allocations, collections, CPU, frames, frame callbacks, open descriptors. Prints a markdown table
// and a verdict (exit 1 when it fails). --weston then runs weston's headless backend (pixman renderer) under the same
// client for as long and prints the compositors' CPU side by side. --multi makes the output 1920x1080 and runs four
// clients instead of one: three small animating ones (weston-simple-shm twice, weston-simple-damage) over a static
// full-screen one (weston-fullscreen, 1920x1080), which starts first; the others wait until it has mapped, so that it
// lies below them. The first weston-simple-shm is the client whose frames are counted on weston.
const int SteadyFromSeconds = 15;
const double WorkingSetLimit = 1.10;
// The working set takes one step of about 4 MiB between 15 and 25 s in every run (tier-1 code and the GC's regions
// refilled after the first full collection), then stays flat or shrinks: growth is measured from after that step.
const int WorkingSetFromSeconds = 25;
// The warm-up samples until no method has been compiled for this long (or the limit passes): see SoakOurs.
const int WarmUpQuietSeconds = 2;
const int WarmUpLimitSeconds = 30;
const double CpuPerFrameLimit = 1.5;
const long LiveHeapLimit = 64 * 1024; // a leak of 24 B per frame shows within 45 s at 60 Hz
int seconds = 60;
int interval = 5;
bool compareWeston = false;
bool multi = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seconds" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out seconds) && seconds > 0:
        case "--interval" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out interval) && interval > 0:
            i++;
            break;
        case "--weston":
            compareWeston = true;
            break;
        case "--multi":
            multi = true;
            break;
        default:
            Console.Error.WriteLine("usage: Wayland.CompositorSoak [--seconds N] [--interval S] [--weston] [--multi]");
            return 64;
    }
}

HeadlessCompositorOptions options = multi ? new() { Width = 1920, Height = 1080 } : new();
(string Program, string[] Arguments)[] clients = multi
    ? [("weston-fullscreen", ["-w", "1920", "-h", "1080"]), ("weston-simple-shm", []), ("weston-simple-shm", []), ("weston-simple-damage", [])]
    : [("weston-simple-shm", [])];
string clientNames = string.Join(" + ", clients.Select(c => string.Join(' ', [c.Program, .. c.Arguments])));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"soak: {clientNames} on Wayland.Compositor (in-process, {options.Width}x{options.Height} @ {options.RefreshMilliHertz / 1000.0} Hz) for {seconds} s, sampled every {interval} s; load average {File.ReadAllText("/proc/loadavg").Trim()}"));
List<(int Second, long Bytes)> liveHeap = [];
List<SortedSet<string>> fdSnapshots = [];
List<Sample> ours = SoakOurs(options, clients, seconds, interval, liveHeap, fdSnapshots);
Console.WriteLine();
PrintTable(ours);
Console.WriteLine();
bool passed = PrintVerdict(ours, options.RefreshMilliHertz / 1000.0, liveHeap, fdSnapshots);

if (compareWeston)
{
    Console.WriteLine();
    Console.WriteLine($"weston: {clientNames} on weston headless (pixman renderer, {options.Width}x{options.Height}) for {seconds} s; load average {File.ReadAllText("/proc/loadavg").Trim()}");
    List<WestonSample> weston = SoakWeston(options, clients, seconds, interval);
    Console.WriteLine();
    PrintComparison(ours, weston, clientNames);
}

return passed ? 0 : 1;

static List<Sample> SoakOurs(HeadlessCompositorOptions options, (string Program, string[] Arguments)[] clients, int seconds, int interval, List<(int Second, long Bytes)> liveHeap, List<SortedSet<string>> fds)
{
    using RuntimeDirectory runtime = RuntimeDirectory.Create("soak");
    using HeadlessCompositor compositor = new(options);
    string socket = compositor.AddSocket(Path.Combine(runtime.Path, "wayland-soak"));
    compositor.Start();
    List<Process> started = [StartClient(runtime, socket, clients[0].Program, clients[0].Arguments)];
    if (clients.Length > 1)
    {
        // The later clients map above the first one (a new window is raised).
        WaitFor(() => compositor.GetWindows().Count >= 1, "the first client's window");
        started.AddRange(clients.Skip(1).Select(c => StartClient(runtime, socket, c.Program, c.Arguments)));
    }

    Process client = started[CountedClient(clients)];
    try
    {
        Console.Error.WriteLine("  sampling (progress on stderr)"); // opens stderr's stream before the first descriptor count
        WaitFor(() => compositor.FramesRendered > 0, "the client's first frame");
        using Process self = Process.GetCurrentProcess();

        // Run the sampling code to its optimized tier first, until the JIT has compiled nothing for a while. The
        // runtime counts calls only once its start-up compiling has paused, which the compositor's own start
        // postpones past any fixed number of warm-up samples; the library methods the sampling reaches (/proc
        // parsing, the descriptor listing) are called a few times per sample, so they were compiled to tier 1
        // (twice, with PGO instrumentation first) 15 to 35 s into the run, and their compiling was counted as the
        // compositor's CPU (no compositor method is compiled after the first seconds: the JIT column shows it).
        // Left in the run, that JIT work also showed as a step in the working set.
        Stopwatch warmUp = Stopwatch.StartNew(), quiet = Stopwatch.StartNew();
        long compiled = JitInfo.GetCompiledMethodCount();
        int warmUpSamples = 0;
        while (quiet.Elapsed.TotalSeconds < WarmUpQuietSeconds && warmUp.Elapsed.TotalSeconds < WarmUpLimitSeconds)
        {
            _ = Sample.Take(TimeSpan.Zero, self, compositor, client.Id, OpenFds().Count);
            warmUpSamples++;
            Thread.Sleep(10);
            if (JitInfo.GetCompiledMethodCount() is long now && now != compiled)
            {
                compiled = now;
                quiet.Restart();
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"warm-up: {warmUpSamples} samples in {warmUp.Elapsed.TotalSeconds:F1} s, {compiled} methods compiled so far"));

        List<Sample> samples = [];
        Stopwatch clock = Stopwatch.StartNew();
        for (int next = 0; next <= seconds; next += interval)
        {
            SleepUntil(clock, next);
            SortedSet<string> open = OpenFds();

            if (next == SteadyFromNearest(seconds, interval) || next + interval > seconds)
            {
                // What is still reachable (a leak), apart from garbage not yet collected: only at these two points,
                // so that the samples in between show the heap as the run leaves it. Before the sample, so that
                // the working set both compared samples show has been through the same full collection (a
                // compacting collection itself touches memory: taken after the first sample, it once moved the
                // working set by 4 MiB between the two).
                liveHeap.Add((next, GC.GetTotalMemory(forceFullCollection: true)));
            }

            // Keep one set while nothing changes: retaining a copy per sample would itself grow the live heap.
            fds.Add(fds.Count > 0 && fds[^1].SetEquals(open) ? fds[^1] : open);
            samples.Add(Sample.Take(clock.Elapsed, self, compositor, client.Id, open.Count));

            Console.Error.Write($"\r  {next} s / {seconds} s");
            if (started.Find(p => p.HasExited) is { } exited)
            {
                throw new InvalidOperationException($"{exited.StartInfo.FileName} exited ({exited.ExitCode}); compositor errors: {string.Join("; ", compositor.Errors)}");
            }
        }

        Console.Error.WriteLine();
        return samples;
    }
    finally
    {
        StopAll(started);
    }
}

// The sample time nearest SteadyFromSeconds that the sampling hits (or the first interval in a short run).
static int SteadyFromNearest(int seconds, int interval) =>
    Math.Min(Math.Max(interval, (int)Math.Round(SteadyFromSeconds / (double)interval) * interval), seconds / interval * interval);

// This process's descriptors as "number → target" (sockets, memfds, pipes, files; not assemblies).
static SortedSet<string> OpenFds()
{
    SortedSet<string> open = new(StringComparer.Ordinal);
    foreach (string fd in Directory.GetFiles("/proc/self/fd"))
    {
        try
        {
            // Assemblies the runtime maps as it loads them lazily are not the compositor's descriptors.
            if (new FileInfo(fd).LinkTarget is { } target && !target.EndsWith(".dll", StringComparison.Ordinal))
            {
                open.Add($"{Path.GetFileName(fd)} → {target}");
            }
        }
        catch (IOException)
        {
            // Closed while listing (the directory handle itself).
        }
    }

    return open;
}

static List<WestonSample> SoakWeston(HeadlessCompositorOptions options, (string Program, string[] Arguments)[] clients, int seconds, int interval)
{
    using RuntimeDirectory runtime = RuntimeDirectory.Create("soak-weston");
    ProcessStartInfo info = new("weston")
    {
        UseShellExecute = false,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    foreach (string argument in (string[])["--backend=headless-backend.so", "--use-pixman", $"--width={options.Width}", $"--height={options.Height}", "--socket=wayland-soak", "--idle-time=0"])
    {
        info.ArgumentList.Add(argument);
    }

    runtime.Apply(info);
    using Process weston = Process.Start(info) ?? throw new InvalidOperationException("weston did not start");
    weston.OutputDataReceived += (_, _) => { };
    weston.ErrorDataReceived += (_, _) => { };
    weston.BeginOutputReadLine();
    weston.BeginErrorReadLine();
    try
    {
        WaitFor(() => File.Exists(Path.Combine(runtime.Path, "wayland-soak")) || weston.HasExited, "weston's socket");
        // weston reports no frame count, and its headless output does not repaint at 60 Hz: count the frame callbacks
        // the first client receives from its WAYLAND_DEBUG log (which makes the client's CPU figure not comparable).
        long frames = 0;
        int counted = CountedClient(clients);
        List<Process> started = [];
        for (int i = 0; i < clients.Length; i++)
        {
            started.Add(StartClient(runtime, "wayland-soak", clients[i].Program, clients[i].Arguments, i != counted ? null : line =>
            {
                if (line.Contains("wl_callback@", StringComparison.Ordinal) && line.Contains(".done(", StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref frames);
                }
            }));

            if (i == 0 && clients.Length > 1)
            {
                // weston says nothing about its windows: the first client gets two seconds to map before the others.
                Thread.Sleep(TimeSpan.FromSeconds(2));
            }
        }

        Process client = started[counted];
        try
        {
            WaitFor(() => Interlocked.Read(ref frames) > 0, "the client's first frame on weston");
            List<WestonSample> samples = [];
            Stopwatch clock = Stopwatch.StartNew();
            for (int next = 0; next <= seconds; next += interval)
            {
                SleepUntil(clock, next);
                samples.Add(new WestonSample(clock.Elapsed, ProcessCpu.Of(weston.Id), ProcessCpu.Of(client.Id), Interlocked.Read(ref frames)));
                Console.Error.Write($"\r  {next} s / {seconds} s");
                if (weston.HasExited || started.Exists(p => p.HasExited))
                {
                    throw new InvalidOperationException("weston or one of its clients exited during the soak");
                }
            }

            Console.Error.WriteLine();
            return samples;
        }
        finally
        {
            StopAll(started);
        }
    }
    finally
    {
        Stop(weston);
    }
}

// The client whose CPU is sampled and whose frames are counted on weston: the first weston-simple-shm.
static int CountedClient((string Program, string[] Arguments)[] clients) =>
    Array.FindIndex(clients, c => c.Program == "weston-simple-shm");

static Process StartClient(RuntimeDirectory runtime, string display, string program, string[] arguments, Action<string>? debugLog = null)
{
    ProcessStartInfo info = new(program) { UseShellExecute = false, RedirectStandardError = debugLog is not null };
    foreach (string argument in arguments)
    {
        info.ArgumentList.Add(argument);
    }

    runtime.Apply(info);
    info.Environment["WAYLAND_DISPLAY"] = display;
    if (debugLog is not null)
    {
        info.Environment["WAYLAND_DEBUG"] = "client";
    }

    Process client = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
    if (debugLog is not null)
    {
        client.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                debugLog(line);
            }
        };
        client.BeginErrorReadLine();
    }

    return client;
}

static void StopAll(List<Process> processes)
{
    foreach (Process process in processes)
    {
        Stop(process);
        process.Dispose();
    }
}

static void Stop(Process process)
{
    if (!process.HasExited)
    {
        process.Kill(entireProcessTree: true);
    }

    process.WaitForExit();
}

static void WaitFor(Func<bool> condition, string what)
{
    Stopwatch clock = Stopwatch.StartNew();
    while (!condition())
    {
        if (clock.Elapsed > TimeSpan.FromSeconds(30))
        {
            throw new TimeoutException($"timed out waiting for {what}");
        }

        Thread.Sleep(20);
    }
}

static void SleepUntil(Stopwatch clock, int second)
{
    TimeSpan left = TimeSpan.FromSeconds(second) - clock.Elapsed;
    if (left > TimeSpan.Zero)
    {
        Thread.Sleep(left);
    }
}

static void PrintTable(List<Sample> samples)
{
    Console.WriteLine("| t (s) | working set (MiB) | GC heap (KiB) | GCs gen0/1/2 | CPU % | frames/s | frame callbacks/s | allocated B/frame (loop thread / process) | open fds | client CPU % |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (int i = 0; i < samples.Count; i++)
    {
        Sample s = samples[i];
        string rates = "– | – | – | – ";
        if (i > 0)
        {
            Sample p = samples[i - 1];
            double wall = (s.Elapsed - p.Elapsed).TotalSeconds;
            long frames = s.Frames - p.Frames;
            string perFrame = frames > 0
                ? string.Create(CultureInfo.InvariantCulture, $"{(s.LoopAllocated - p.LoopAllocated) / (double)frames:F0} / {(s.Allocated - p.Allocated) / (double)frames:F0}")
                : "–";
            rates = string.Create(CultureInfo.InvariantCulture,
                $"{Percent(s.Cpu - p.Cpu, wall):F1} | {frames / wall:F1} | {(s.FrameCallbacks - p.FrameCallbacks) / wall:F1} | {perFrame} ");
        }

        string clientCpu = i > 0 ? Percent(s.ClientCpu - samples[i - 1].ClientCpu, (s.Elapsed - samples[i - 1].Elapsed).TotalSeconds).ToString("F1", CultureInfo.InvariantCulture) : "–";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {s.Elapsed.TotalSeconds:F0} | {s.WorkingSet / 1048576.0:F1} | {s.GcHeap / 1024.0:F0} | {s.Gen0}/{s.Gen1}/{s.Gen2} | {rates}| {s.OpenFds} | {clientCpu} |"));
    }
}

static bool PrintVerdict(List<Sample> samples, double refreshHz, List<(int Second, long Bytes)> liveHeap, List<SortedSet<string>> fds)
{
    Sample steady = samples.Find(s => s.Elapsed.TotalSeconds >= SteadyFromSeconds - 0.5) ?? samples[Math.Min(1, samples.Count - 1)];
    Sample last = samples[^1];
    List<Sample> tail = samples.FindAll(s => s.Elapsed >= steady.Elapsed);
    bool heapAlwaysGrew = tail.Count >= 3;
    for (int i = 1; i < tail.Count; i++)
    {
        heapAlwaysGrew &= tail[i].GcHeap > tail[i - 1].GcHeap;
    }

    Sample afterStep = samples.Find(s => s.Elapsed.TotalSeconds >= WorkingSetFromSeconds - 0.5 && s != last) ?? steady;
    double workingSetRatio = last.WorkingSet / (double)afterStep.WorkingSet;
    bool workingSetFlat = workingSetRatio <= WorkingSetLimit;
    long liveGrowth = liveHeap[^1].Bytes - liveHeap[0].Bytes;
    bool liveFlat = liveGrowth <= LiveHeapLimit;

    // The client's second buffer (and its pool's memfd) arrives after the first frames: count from the first interval.
    List<Sample> settled = samples.Count > 1 ? samples.GetRange(1, samples.Count - 1) : samples;
    int fdsMin = settled.Min(s => s.OpenFds), fdsMax = settled.Max(s => s.OpenFds);
    double wall = (last.Elapsed - samples[0].Elapsed).TotalSeconds;
    double fps = (last.Frames - samples[0].Frames) / wall;
    // Faster than the refresh rate would mean frames are not paced by the timer (a busy loop): that fails. Slower
    // only says the machine was busy (the compositor never renders ahead), so it is reported, not failed.
    bool paced = fps <= refreshHz * 1.02;
    string pacing = !paced ? "FAIL (faster than the refresh rate)" : fps >= refreshHz * 0.9 ? "ok" : "ok, but below 90 % of the refresh rate: was the machine busy?";
    double allocatedPerFrame = (last.LoopAllocated - steady.LoopAllocated) / (double)Math.Max(1, last.Frames - steady.Frames);

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"- working set: {last.WorkingSet / 1048576.0:F1} MiB at {last.Elapsed.TotalSeconds:F0} s, {workingSetRatio:F3}× the {afterStep.Elapsed.TotalSeconds:F0} s sample (limit {WorkingSetLimit:F2}×): {Verdict(workingSetFlat)}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"- live heap (after a full GC) at {liveHeap[0].Second} s and {liveHeap[^1].Second} s: {liveHeap[0].Bytes / 1024.0:F0} → {liveHeap[^1].Bytes / 1024.0:F0} KiB ({liveGrowth / 1024.0:+0;-0;0} KiB, limit +{LiveHeapLimit / 1024} KiB): {Verdict(liveFlat)}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"- GC heap between collections from {steady.Elapsed.TotalSeconds:F0} s on: {tail.Min(s => s.GcHeap) / 1024.0:F0}–{tail.Max(s => s.GcHeap) / 1024.0:F0} KiB, {(heapAlwaysGrew ? "grew at every sample (garbage awaiting a gen0 collection, see the live heap)" : "not growing monotonically")}; {allocatedPerFrame:F0} B allocated per frame on the compositor's loop thread"));
    // A leak stays open; a descriptor the runtime opens and closes between two samples is listed but is not one.
    bool fdsKept = fds[^1].SetEquals(fds[samples.Count - settled.Count]);
    Console.WriteLine($"- open descriptors from {settled[0].Elapsed.TotalSeconds:F0} s on: {(fdsMin == fdsMax ? $"{fdsMin} at every sample" : $"{fdsMin} to {fdsMax}")}; "
        + $"the same ones at {settled[0].Elapsed.TotalSeconds:F0} s and at the end: {Verdict(fdsKept)}");
    for (int i = 1; i < fds.Count; i++)
    {
        PrintFdChanges(string.Create(CultureInfo.InvariantCulture, $"  {samples[i - 1].Elapsed.TotalSeconds:F0} s → {samples[i].Elapsed.TotalSeconds:F0} s"), fds[i - 1], fds[i]);
    }
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"- pacing: {fps:F1} frames/s over the run at {refreshHz:0.##} Hz (at most +2%): {pacing}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"- JIT: {last.JitMethods - samples[0].JitMethods} methods compiled ({(last.JitTime - samples[0].JitTime).TotalMilliseconds:F0} ms) over the run, {last.JitMethods - steady.JitMethods} ({(last.JitTime - steady.JitTime).TotalMilliseconds:F0} ms) from {steady.Elapsed.TotalSeconds:F0} s on"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"- CPU: {Percent(last.Cpu - samples[0].Cpu, wall):F1} % of one core over the run, {Percent(last.Cpu - steady.Cpu, (last.Elapsed - steady.Elapsed).TotalSeconds):F1} % from {steady.Elapsed.TotalSeconds:F0} s on"));
    // CPU flat: the compositor's CPU time per frame in the second half of the steady part is not far above the
    // first half's (CPU time, not wall time, so a busy machine moves it less than it moves latencies).
    Sample middle = tail[tail.Count / 2];
    double firstHalf = CpuPerFrame(steady, middle), secondHalf = CpuPerFrame(middle, last);
    bool cpuFlat = tail.Count < 3 || secondHalf <= firstHalf * CpuPerFrameLimit;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"- CPU per frame: {firstHalf:F0} µs ({steady.Elapsed.TotalSeconds:F0}–{middle.Elapsed.TotalSeconds:F0} s), {secondHalf:F0} µs ({middle.Elapsed.TotalSeconds:F0}–{last.Elapsed.TotalSeconds:F0} s), limit {CpuPerFrameLimit:F1}×: {Verdict(cpuFlat)}"));
    return workingSetFlat && liveFlat && fdsKept && paced && cpuFlat;
}

static void PrintFdChanges(string label, SortedSet<string> before, SortedSet<string> after)
{
    List<string> opened = [.. after.Except(before)], closed = [.. before.Except(after)];
    if (opened.Count + closed.Count > 0)
    {
        Console.WriteLine($"{label}: opened [{string.Join(", ", opened)}] closed [{string.Join(", ", closed)}]");
    }
}

static void PrintComparison(List<Sample> ours, List<WestonSample> weston, string clientNames)
{
    Rate o = Rates(ours.ConvertAll(s => (s.Elapsed, s.Cpu, s.Frames)));
    Rate w = Rates(weston.ConvertAll(s => (s.Elapsed, s.Cpu, s.Frames)));
    Rate oursClient = Rates(ours.ConvertAll(s => (s.Elapsed, s.ClientCpu, s.Frames)));
    Console.WriteLine($"| compositor, {clientNames} on it | CPU % whole run | CPU % from {SteadyFromSeconds} s | frames/s from {SteadyFromSeconds} s | CPU µs per frame from {SteadyFromSeconds} s | client CPU % from {SteadyFromSeconds} s |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| Wayland.Compositor (in-process, .NET) | {o.WholeRun:F2} | {o.Steady:F2} | {o.FramesPerSecond:F1} | {o.MicrosecondsPerFrame:F0} | {oursClient.Steady:F2} |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| weston 10 headless, pixman renderer | {w.WholeRun:F2} | {w.Steady:F2} | {w.FramesPerSecond:F1} | {w.MicrosecondsPerFrame:F0} | (logging frames) |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"| ours / weston | {o.WholeRun / w.WholeRun:F2} | {o.Steady / w.Steady:F2} | | {o.MicrosecondsPerFrame / w.MicrosecondsPerFrame:F2} | |"));
}

static Rate Rates(List<(TimeSpan Elapsed, TimeSpan Cpu, long Frames)> samples)
{
    (TimeSpan Elapsed, TimeSpan Cpu, long Frames) first = samples[0], last = samples[^1];
    (TimeSpan Elapsed, TimeSpan Cpu, long Frames) steady = samples.Find(s => s.Elapsed.TotalSeconds >= SteadyFromSeconds - 0.5);
    if (steady == default)
    {
        steady = first;
    }

    double steadySeconds = (last.Elapsed - steady.Elapsed).TotalSeconds;
    long steadyFrames = last.Frames - steady.Frames;
    return new Rate(
        Percent(last.Cpu - first.Cpu, (last.Elapsed - first.Elapsed).TotalSeconds),
        Percent(last.Cpu - steady.Cpu, steadySeconds),
        steadySeconds > 0 ? steadyFrames / steadySeconds : 0,
        steadyFrames > 0 ? (last.Cpu - steady.Cpu).TotalMicroseconds / steadyFrames : 0);
}

static double Percent(TimeSpan cpu, double wallSeconds) => wallSeconds > 0 ? cpu.TotalSeconds / wallSeconds * 100 : 0;

static double CpuPerFrame(Sample from, Sample to) =>
    (to.Cpu - from.Cpu).TotalMicroseconds / Math.Max(1, to.Frames - from.Frames);

static string Verdict(bool ok) => ok ? "ok" : "FAIL";

/// <summary>CPU use over a soak: % of one core over the whole run and from the steady point on, with the frame rate.</summary>
internal readonly record struct Rate(double WholeRun, double Steady, double FramesPerSecond, double MicrosecondsPerFrame);
