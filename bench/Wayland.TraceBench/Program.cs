using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Wayland.Server;
using Wayland.Trace;
using Wayland.Trace.Decoding;
using Wayland.Trace.Output;
using Wayland.Trace.Proxy;
using Wayland.Wire;

// wl-trace overhead. Usage: dotnet run -c Release --project bench/Wayland.TraceBench [-- --reps N --scale X --compare WL_TRACE]
// --compare adds a row for another wl-trace executable (an older build, say), measured in the same interleaved runs.
int reps = 5;
double scale = 1;
string? compare = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--compare")
    {
        compare = args[++i];
    }
    else if (args[i] == "--reps")
    {
        reps = int.Parse(args[++i], CultureInfo.InvariantCulture);
    }
    else if (args[i] == "--scale")
    {
        scale = double.Parse(args[++i], CultureInfo.InvariantCulture);
    }
}

ProtocolSet protocols = ProtocolSet.Load([]);
Console.WriteLine($"wl-trace overhead, {reps} alternating runs, medians; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine();
Roundtrips(protocols, reps, (int)(20_000 * scale), compare);
Console.WriteLine();
LibwaylandRoundtrips(reps, (int)(100_000 * scale), compare);
Console.WriteLine();
Decoding(protocols, reps, (int)(200_000 * scale));

// A libwayland client (tests/native/build/test-client: wl_display_roundtrip N times) against weston's headless backend:
// direct, through the wl-trace program and through the C relay, in interleaved runs. Skipped without the peers.
static void LibwaylandRoundtrips(int reps, int count, string? compare)
{
    string? repository = AppContext.BaseDirectory;
    while (repository is not null && !File.Exists(Path.Combine(repository, "tests", "native", "build", "test-client")))
    {
        repository = Path.GetDirectoryName(repository.TrimEnd('/'));
    }

    if (repository is null)
    {
        Console.WriteLine("(tests/native/build/test-client not built — make -C tests/native — so the libwayland/weston rows are left out)");
        return;
    }

    string client = Path.Combine(repository, "tests", "native", "build", "test-client");
    string directory = Directory.CreateTempSubdirectory("wl-trace-bench-").FullName;
    List<Process> processes = [];
    try
    {
        ProcessStartInfo westonInfo = new("weston") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in (string[])["--backend=headless-backend.so", "--socket=weston", "--idle-time=0", "--no-config"])
        {
            westonInfo.ArgumentList.Add(argument);
        }

        westonInfo.Environment["XDG_RUNTIME_DIR"] = directory;
        Process weston;
        try
        {
            weston = Process.Start(westonInfo)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Console.WriteLine("(no weston: the libwayland/weston rows are left out)");
            return;
        }

        weston.OutputDataReceived += (_, _) => { };
        weston.ErrorDataReceived += (_, _) => { };
        weston.BeginOutputReadLine();
        weston.BeginErrorReadLine();
        processes.Add(weston);
        string westonPath = Path.Combine(directory, "weston");
        WaitFor(westonPath);
        List<(string Name, string Path)> paths = [("direct", westonPath)];
        paths.Add(("through the wl-trace program (`-o /dev/null`)", Start(Path.Combine(AppContext.BaseDirectory, "wl-trace"), "trace", true)));
        if (compare is not null)
        {
            paths.Add(($"through `{compare}`", Start(compare, "compare", true)));
        }

        if (BuildRelay(directory) is { } relay)
        {
            paths.Add(("through the minimal C relay", Start(relay, "relay", false)));
        }

        string Start(string executable, string name, bool isTrace)
        {
            string path = Path.Combine(directory, name);
            processes.Add(StartRelay(executable, path, westonPath, isTrace));
            return path;
        }

        double Run(string path, int n)
        {
            ProcessStartInfo info = new(client) { UseShellExecute = false, RedirectStandardOutput = true };
            foreach (string argument in (string[])["--socket", path, "--scenario", "roundtrips", n.ToString(CultureInfo.InvariantCulture)])
            {
                info.ArgumentList.Add(argument);
            }

            Stopwatch clock = Stopwatch.StartNew();
            using Process process = Process.Start(info)!;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0 || !output.Contains("ok", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"test-client failed on {path}: {output}");
            }

            return clock.Elapsed.TotalMicroseconds;
        }

        foreach ((string _, string path) in paths)
        {
            Run(path, count / 10);
        }

        // Per roundtrip: the whole run over count (the client's start-up, a few ms, is in it: about 1 % at 10 000).
        List<double>[] times = [.. paths.Select(_ => new List<double>())];
        for (int r = 0; r < reps; r++)
        {
            for (int p = 0; p < paths.Count; p++)
            {
                times[p].Add(Run(paths[p].Path, count) / count);
            }
        }

        Console.WriteLine($"roundtrip (libwayland client, wl_display_roundtrip, against weston {WestonVersion()} headless), {count} per run:");
        Console.WriteLine();
        PrintRatios(paths.Select(p => p.Name).ToList(), times);
    }
    finally
    {
        foreach (Process process in processes)
        {
            Stop(process);
        }

        Directory.Delete(directory, recursive: true);
    }
}

static string WestonVersion()
{
    using Process process = Process.Start(new ProcessStartInfo("weston", ["--version"]) { UseShellExecute = false, RedirectStandardOutput = true })!;
    string text = process.StandardOutput.ReadToEnd().Trim();
    process.WaitForExit();
    return text.Replace("weston ", "", StringComparison.Ordinal);
}

// wl-trace (isTrace) or the C relay listening on listenPath and relaying to upstream, once its socket exists.
static Process StartRelay(string executable, string listenPath, string upstream, bool isTrace)
{
    ProcessStartInfo info = new(executable) { UseShellExecute = false };
    foreach (string argument in isTrace ? (string[])["--listen", listenPath, "--display", upstream, "-o", "/dev/null"] : [listenPath, upstream])
    {
        info.ArgumentList.Add(argument);
    }

    Process process = Process.Start(info)!;
    WaitFor(listenPath);
    return process;
}

static void WaitFor(string path)
{
    for (int i = 0; i < 400 && !File.Exists(path); i++)
    {
        Thread.Sleep(50);
    }

    if (!File.Exists(path))
    {
        throw new InvalidOperationException($"{path} did not appear");
    }
}

// SIGTERM first (wl-trace --listen exits 0 and removes its socket), SIGKILL after 10 s.
static void Stop(Process program)
{
    using (Process kill = Process.Start("kill", ["-TERM", program.Id.ToString(CultureInfo.InvariantCulture)]))
    {
        kill.WaitForExit();
    }

    if (!program.WaitForExit(TimeSpan.FromSeconds(10)))
    {
        program.Kill();
        program.WaitForExit();
    }

    program.Dispose();
}

// The table: median per path and the median of the per-run ratios to the first path (runs are interleaved, so a
// ratio within one run is less disturbed by a load that comes and goes than a ratio of medians).
static void PrintRatios(List<string> names, List<double>[] times)
{
    // The best run is the one least disturbed by other processes: its ratio is the cleanest on a shared machine.
    Console.WriteLine("| path | median µs/roundtrip | ratio (median of runs) | best run µs | ratio of best runs | ratios per run |");
    Console.WriteLine("|---|---:|---:|---:|---:|---|");
    for (int p = 0; p < names.Count; p++)
    {
        List<double> ratios = [.. times[p].Select((t, r) => t / times[0][r])];
        string perRun = string.Join(" ", ratios.Select(x => x.ToString("F2", CultureInfo.InvariantCulture)));
        Console.WriteLine($"| {names[p]} | {Median(times[p]):F2} | {Median(ratios):F2} | {times[p].Min():F2} | {times[p].Min() / times[0].Min():F2} | {perRun} |");
    }
}

static void Roundtrips(ProtocolSet protocols, int reps, int count, string? compare)
{
    string directory = Directory.CreateTempSubdirectory("wl-trace-bench-").FullName;
    try
    {
        using Display display = new();
        string server = display.AddSocket(Path.Combine(directory, "server"));
        Task serverTask = display.RunAsync();
        // In-process proxies on threads of their own, wired as wl-trace wires them for -o FILE: lines to /dev/null,
        // written out in FlushDelay batches. The second hides every line: relaying and decoding without formatting.
        using FileStream devNull = new("/dev/null", FileMode.Open, FileAccess.Write);
        using TraceOutput output = new(devNull, ownsStream: false);
        using TraceOutput quietOutput = new(devNull, ownsStream: false);
        using TraceProxy proxy = new(new Tracer(protocols, new WaylandDebugFormat(output), Filter.All), server, tagAll: false,
            output, TraceSession.FlushDelay);
        string proxied = Path.Combine(directory, "proxy");
        proxy.Listen(proxied);
        using TraceProxy quiet = new(new Tracer(protocols, new WaylandDebugFormat(quietOutput), Filter.Parse("!*", out _)!), server,
            tagAll: false, quietOutput, TraceSession.FlushDelay);
        string quietPath = Path.Combine(directory, "quiet");
        quiet.Listen(quietPath);
        bool stop = false;
        bool measuring = false;
        long[] allocated = new long[2];
        List<Thread> loops = [];
        foreach ((TraceProxy each, int index) in (ReadOnlySpan<(TraceProxy, int)>)[(proxy, 0), (quiet, 1)])
        {
            Thread loop = new(() =>
            {
                long start = -1;
                while (!Volatile.Read(ref stop))
                {
                    if (start < 0 && Volatile.Read(ref measuring))
                    {
                        start = GC.GetAllocatedBytesForCurrentThread();
                    }

                    each.Dispatch(100);
                }

                allocated[index] = GC.GetAllocatedBytesForCurrentThread() - start;
            }) { IsBackground = true };
            loop.Start();
            loops.Add(loop);
        }

        // The wl-trace program itself, in its own process, as a user runs it (and the one to compare with).
        List<Process> programs = [];
        try
        {
            List<(string Name, string Path)> paths =
            [
                ("direct", server),
                ("through wl-trace (in this process, on its own thread)", proxied),
                ("through wl-trace, --filter '!*' (decoded, nothing printed)", quietPath),
                ("through the wl-trace program (`wl-trace --listen -o /dev/null`, own process)", StartProgram(Path.Combine(AppContext.BaseDirectory, "wl-trace"), "process")),
            ];
            if (compare is not null)
            {
                paths.Add(($"through `{compare}` (same options)", StartProgram(compare, "compare")));
            }

            // The floor: a minimal C relay (relay.c) on the same machine in the same runs, when cc can build it.
            if (BuildRelay(directory) is { } relay)
            {
                paths.Add(("through a minimal C relay (relay.c: epoll, recvmsg → sendmsg; no decoding)", StartProgram(relay, "relay", isTrace: false)));
            }

            string StartProgram(string executable, string name, bool isTrace = true)
            {
                string path = Path.Combine(directory, name);
                programs.Add(StartRelay(executable, path, server, isTrace));
                return path;
            }

            foreach ((string _, string path) in paths)
            {
                SyncLoop(path, count / 10);
            }

            Volatile.Write(ref measuring, true);
            proxy.Loop.Wake();
            quiet.Loop.Wake();
            Thread.Sleep(200);
            List<double>[] times = [.. paths.Select(_ => new List<double>())];
            for (int r = 0; r < reps; r++)
            {
                for (int p = 0; p < paths.Count; p++)
                {
                    times[p].Add(SyncLoop(paths[p].Path, count));
                }
            }

            Console.WriteLine($"roundtrip (wl_display.sync until done + delete_id, raw client, our server; the proxies decode and print to /dev/null), {count} per run:");
            Console.WriteLine();
            PrintRatios(paths.Select(p => p.Name).ToList(), times);
        }
        finally
        {
            programs.ForEach(Stop);
        }

        Volatile.Write(ref stop, true);
        proxy.Loop.Wake();
        quiet.Loop.Wake();
        loops.ForEach(l => l.Join());
        // Each run is a new connection, and a connection allocates its two relay buffers (2 × 256 KiB): so the total
        // grows with --reps. Per message it is 0 when the total does not grow with --scale (the roundtrips per run).
        Console.WriteLine();
        Console.WriteLine($"allocated on the two proxy threads while measuring: {allocated[0]} and {allocated[1]} bytes " +
            $"for {reps} connections and {reps * count} roundtrips each: {allocated[0] / reps} and {allocated[1] / reps} bytes per connection " +
            "(compare runs with different --scale: per-message cost is the growth)");
        display.Terminate();
        serverTask.Wait();
    }
    finally
    {
        Directory.Delete(directory, recursive: true);
    }
}

// Builds relay.c with cc -O2; null (and a note) when there is no C compiler.
static string? BuildRelay(string directory)
{
    string output = Path.Combine(directory, "relay-program");
    try
    {
        using Process cc = Process.Start(new ProcessStartInfo("cc", ["-O2", "-o", output, Path.Combine(AppContext.BaseDirectory, "relay.c")])
        {
            UseShellExecute = false,
        })!;
        cc.WaitForExit();
        if (cc.ExitCode == 0)
        {
            return output;
        }
    }
    catch (System.ComponentModel.Win32Exception)
    {
        // No cc.
    }

    Console.WriteLine("(no C compiler: the C relay row is left out)");
    return null;
}

// One connection: count times, send wl_display.sync(new id 2) and read wl_callback.done + wl_display.delete_id (24 bytes).
static double SyncLoop(string path, int count)
{
    using SafeFdHandle socket = UnixSocket.Connect(path);
    byte[] sync = new byte[12];
    BinaryPrimitives.WriteUInt32LittleEndian(sync, 1);
    BinaryPrimitives.WriteUInt32LittleEndian(sync.AsSpan(4), (12u << 16) | 0);
    BinaryPrimitives.WriteUInt32LittleEndian(sync.AsSpan(8), 2);
    byte[] buffer = new byte[4096];
    int[] fds = new int[UnixSocket.MaxFdsPerReceive];
    Stopwatch clock = Stopwatch.StartNew();
    for (int i = 0; i < count; i++)
    {
        if (UnixSocket.Send(socket, sync, default) != sync.Length)
        {
            throw new InvalidOperationException("short send");
        }

        int got = 0;
        while (got < 24)
        {
            UnixSocket.Wait(socket, writable: false, Timeout.InfiniteTimeSpan);
            int n = UnixSocket.Receive(socket, buffer.AsSpan(got), fds, out _);
            if (n == 0)
            {
                throw new InvalidOperationException("the server hung up");
            }

            got += Math.Max(0, n);
        }
    }

    return clock.Elapsed.TotalMicroseconds / count;
}

static void Decoding(ProtocolSet protocols, int reps, int iterations)
{
    (byte[] setupRequests, byte[] requests, byte[] events) = Traffic();
    int messagesPerIteration = 7;
    foreach (bool json in (bool[])[false, true])
    {
        List<double> rates = [];
        double allocated = 0;
        for (int r = 0; r < reps + 1; r++)
        {
            using FileStream devNull = new("/dev/null", FileMode.Open, FileAccess.Write);
            using TraceOutput output = new(devNull, ownsStream: false);
            ITraceFormat format = json ? new JsonLinesFormat(output) : new WaylandDebugFormat(output);
            Tracer tracer = new(protocols, format, Filter.All);
            ConnectionTrace trace = new(tracer, new TraceClient(1, 1234, "bench", tagged: false));
            trace.Decode(true, setupRequests);
            trace.Decode(true, requests);
            trace.Decode(false, events);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Stopwatch clock = Stopwatch.StartNew();
            for (int i = 0; i < iterations; i++)
            {
                if ((i & 63) == 0)
                {
                    tracer.Tick();
                }

                trace.Decode(true, requests);
                trace.Decode(false, events);
            }

            output.Flush();
            double seconds = clock.Elapsed.TotalSeconds;
            if (r > 0)
            {
                rates.Add(iterations * messagesPerIteration / seconds);
                allocated = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)(iterations * messagesPerIteration);
            }
        }

        Console.WriteLine($"decode + format ({(json ? "--json" : "WAYLAND_DEBUG text")}) to /dev/null on one thread: " +
            $"{Median(rates) / 1e6:F2} M messages/s, {allocated:F3} bytes allocated per message");
    }

    Console.WriteLine("(mix per round: wl_surface.attach, damage, frame, commit; wl_pointer.motion, wl_callback.done, wl_display.delete_id)");
}

static (byte[] Setup, byte[] Requests, byte[] Events) Traffic()
{
    List<byte> setup = [];
    Add(setup, Message(1, 1, 2u));                            // get_registry -> 2
    Add(setup, Message(2, 0, 1u, "wl_compositor", 4u, 3u));   // bind -> wl_compositor 3
    Add(setup, Message(3, 0, 4u));                            // create_surface -> 4
    Add(setup, Message(2, 0, 2u, "wl_seat", 7u, 5u));         // bind -> wl_seat 5
    Add(setup, Message(5, 0, 6u));                            // get_pointer -> 6
    List<byte> requests = [];
    Add(requests, Message(4, 1, 0u, 0, 0));                   // attach(nil, 0, 0)
    Add(requests, Message(4, 2, 0, 0, 250, 250));             // damage
    Add(requests, Message(4, 3, 7u));                         // frame -> wl_callback 7
    Add(requests, Message(4, 6));                             // commit
    List<byte> events = [];
    Add(events, Message(6, 2, 1000u, 100 * 256 + 128, 50 * 256)); // motion(time, 100.5, 50.0)
    Add(events, Message(7, 0, 123456u));                      // done
    Add(events, Message(1, 1, 7u));                           // delete_id(7)
    return ([.. setup], [.. requests], [.. events]);
}

static void Add(List<byte> stream, byte[] message) => stream.AddRange(message);

static byte[] Message(uint objectId, ushort opcode, params object[] arguments)
{
    List<byte> body = [];
    foreach (object argument in arguments)
    {
        if (argument is string s)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(s + "\0");
            Word(body, (uint)utf8.Length);
            body.AddRange(utf8);
            while (body.Count % 4 != 0)
            {
                body.Add(0);
            }
        }
        else
        {
            Word(body, argument is int i ? (uint)i : (uint)argument);
        }
    }

    List<byte> message = [];
    Word(message, objectId);
    Word(message, ((uint)(body.Count + 8) << 16) | opcode);
    message.AddRange(body);
    return [.. message];
}

static void Word(List<byte> bytes, uint word)
{
    byte[] four = new byte[4];
    BinaryPrimitives.WriteUInt32LittleEndian(four, word);
    bytes.AddRange(four);
}

static double Median(List<double> values)
{
    List<double> sorted = [.. values.Order()];
    return sorted[sorted.Count / 2];
}
