using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Wayland.Server;
using Wayland.Trace.Decoding;
using Wayland.Trace.Output;
using Wayland.Trace.Proxy;
using Wayland.Wire;

// wl-trace overhead. Usage: dotnet run -c Release --project bench/Wayland.TraceBench [-- --reps N --scale X]
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

ProtocolSet protocols = ProtocolSet.Load([]);
Console.WriteLine($"wl-trace overhead, {reps} alternating runs, medians; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
Console.WriteLine();
Roundtrips(protocols, reps, (int)(20_000 * scale));
Console.WriteLine();
Decoding(protocols, reps, (int)(200_000 * scale));

static void Roundtrips(ProtocolSet protocols, int reps, int count)
{
    string directory = Directory.CreateTempSubdirectory("wl-trace-bench-").FullName;
    try
    {
        using Display display = new();
        string server = display.AddSocket(Path.Combine(directory, "server"));
        Task serverTask = display.RunAsync();
        using FileStream devNull = new("/dev/null", FileMode.Open, FileAccess.Write);
        using TraceOutput output = new(devNull, ownsStream: false);
        Tracer tracer = new(protocols, new WaylandDebugFormat(output), Filter.All);
        using TraceProxy proxy = new(tracer, server, tagAll: false);
        string proxied = Path.Combine(directory, "proxy");
        proxy.Listen(proxied);
        // The same proxy with a filter that hides every line: relaying and decoding without formatting.
        using TraceProxy quiet = new(new Tracer(protocols, new WaylandDebugFormat(output), Filter.Parse("!*", out _)!), server, tagAll: false);
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
                    lock (output)
                    {
                        output.Flush();
                    }
                }

                allocated[index] = GC.GetAllocatedBytesForCurrentThread() - start;
            }) { IsBackground = true };
            loop.Start();
            loops.Add(loop);
        }

        SyncLoop(server, count / 10);
        SyncLoop(proxied, count / 10);
        SyncLoop(quietPath, count / 10);
        Volatile.Write(ref measuring, true);
        proxy.Loop.Wake();
        quiet.Loop.Wake();
        Thread.Sleep(200);
        List<double> direct = [], traced = [], relayed = [];
        for (int r = 0; r < reps; r++)
        {
            direct.Add(SyncLoop(server, count));
            traced.Add(SyncLoop(proxied, count));
            relayed.Add(SyncLoop(quietPath, count));
        }

        Console.WriteLine($"roundtrip (wl_display.sync until done + delete_id, raw client, our server; proxy decodes and prints to /dev/null), {count} per run:");
        Console.WriteLine();
        Console.WriteLine("| path | median µs/roundtrip | ratio |");
        Console.WriteLine("|---|---:|---:|");
        double d = Median(direct), t = Median(traced);
        Console.WriteLine($"| direct | {d:F2} | 1.00 |");
        Console.WriteLine($"| through wl-trace | {t:F2} | {t / d:F2} |");
        double q = Median(relayed);
        Console.WriteLine($"| through wl-trace, --filter '!*' (decoded, nothing printed) | {q:F2} | {q / d:F2} |");
        Volatile.Write(ref stop, true);
        proxy.Loop.Wake();
        quiet.Loop.Wake();
        loops.ForEach(l => l.Join());
        // A one-off cost (tiering, first use) shows as the same total at any --scale; per message it is 0 when the
        // total does not grow with the number of roundtrips.
        Console.WriteLine();
        Console.WriteLine($"allocated on the two proxy threads while measuring: {allocated[0]} and {allocated[1]} bytes " +
            $"for {reps * count} roundtrips each (compare runs with different --scale: per-message cost is the growth)");
        display.Terminate();
        serverTask.Wait();
    }
    finally
    {
        Directory.Delete(directory, recursive: true);
    }
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
