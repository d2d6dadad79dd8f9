using System.Diagnostics;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Matrix.Peer.Client;
using Wayland.Wire;

namespace Wayland.Matrix;

/// <summary>
/// Our side of the client column: the steps of bench/native/matrix-client.c, one for one, on the public
/// <c>Wayland.Client</c> API. Prints <c>ns_per_op server_bytes_per_op client_bytes_per_op client_cpu_ns_per_op
/// server_cpu_ns_per_op</c> (CPU: user + system time of each whole process, runtime threads included).
/// </summary>
internal sealed class MatrixClient
{
    private const int SyncFlush = 256;
    private const int SyncWindow = 2048;
    private const int RegionFlush = 128;
    private const int ShmFlush = 28;
    private const int ShmRoundtrip = 1000;
    private const int FloodBurst = 1000;

    private readonly WaylandDisplay _display;
    private readonly WlCompositor _compositor;
    private readonly WlShm _shm;
    private readonly WlbBench _bench;
    private readonly SafeFileHandle _memfd;
    private readonly WlCallback.DoneHandler _onSyncDone;
    private long _callbacksDone;
    private long _ticks;
    private long _markedBytes;
    private uint _markedCpuMicroseconds;
    private bool _marked;

    private MatrixClient(WaylandDisplay display, WlCompositor compositor, WlShm shm, WlbBench bench, SafeFileHandle memfd)
    {
        _display = display;
        _compositor = compositor;
        _shm = shm;
        _bench = bench;
        _memfd = memfd;
        // The display's pooled callbacks: destroyed by the runtime after done, reused once their ids are released.
        _onSyncDone = (_, _) => _callbacksDone++;
        _bench.Tick += (_, _) => _ticks++;
        _bench.Marked += (_, hi, lo, cpu) =>
        {
            _markedCpuMicroseconds = cpu;
            _markedBytes = hi == uint.MaxValue && lo == uint.MaxValue ? -1 : (long)(((ulong)hi << 32) | lo);
            _marked = true;
        };
    }

    public static int Run(string socket, string workload, long count, long warmup)
    {
        using WaylandDisplay display = WaylandDisplay.Connect(socket);
        using WlRegistry registry = display.GetRegistry();
        WlCompositor? compositor = null;
        WlShm? shm = null;
        WlbBench? bench = null;
        registry.Global += (r, name, iface, _) =>
        {
            switch (iface)
            {
                case "wl_compositor":
                    compositor = r.Bind<WlCompositor>(name, 4);
                    break;
                case "wl_shm":
                    shm = r.Bind<WlShm>(name, 1);
                    break;
                case "wlb_bench":
                    bench = r.Bind<WlbBench>(name, 1);
                    break;
            }
        };
        display.Roundtrip();
        if (compositor is null || shm is null || bench is null)
        {
            throw new InvalidOperationException("the server lacks wl_compositor, wl_shm or wlb_bench");
        }

        // A shared-memory file like the C client's memfd: created in /dev/shm and unlinked at once.
        string path = Path.Combine("/dev/shm", $"matrix-client-{Environment.ProcessId}");
        using SafeFileHandle memfd = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        File.Delete(path);
        RandomAccess.SetLength(memfd, 4096);

        MatrixClient client = new(display, compositor, shm, bench, memfd);
        if (warmup > 0)
        {
            client.RunWorkload(workload, warmup);
        }

        client.Mark();
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        TimeSpan cpu = Environment.CpuUsage.TotalTime;
        long start = Stopwatch.GetTimestamp();
        client.RunWorkload(workload, count);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        cpu = Environment.CpuUsage.TotalTime - cpu;
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        long serverBytes = client.Mark();

        double serverPerOp = serverBytes < 0 ? -1 : (double)serverBytes / count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{elapsed.TotalNanoseconds / count:F1} {serverPerOp:F2} {(double)allocated / count:F2} {cpu.TotalNanoseconds / count:F1} {client._markedCpuMicroseconds * 1000.0 / count:F1}"));
        bench.Dispose();
        shm.Dispose();
        compositor.Dispose();
        display.Roundtrip();
        return 0;
    }

    private void RunWorkload(string workload, long count)
    {
        switch (workload)
        {
            case "roundtrip":
                for (long i = 0; i < count; i++)
                {
                    _display.Roundtrip();
                }

                break;
            case "sync":
                RunSync(count);
                break;
            case "region":
                RunRegion(count);
                break;
            case "shm":
                RunShm(count);
                break;
            case "events":
                RunEvents(count);
                break;
            default:
                throw new ArgumentException($"unknown workload '{workload}'", nameof(workload));
        }
    }

    private void RunSync(long count)
    {
        _callbacksDone = 0;
        for (long i = 0; i < count; i++)
        {
            if (i - _callbacksDone >= SyncWindow)
            {
                FlushAll();
                while (i - _callbacksDone >= SyncWindow)
                {
                    _display.Dispatch();
                }
            }

            _display.Sync(_onSyncDone);
            if ((i + 1) % SyncFlush == 0)
            {
                FlushAll();
                ReadReadable();
            }
        }

        FlushAll();
        while (_callbacksDone < count)
        {
            _display.Dispatch();
        }
    }

    private void RunRegion(long count)
    {
        WlRegion region = _compositor.CreateRegion();
        for (long i = 0; i < count; i++)
        {
            region.Add(0, 0, 1, 1);
            if ((i + 1) % RegionFlush == 0)
            {
                FlushAll();
            }
        }

        region.Dispose();
        FlushAll();
        _display.Roundtrip();
    }

    private void RunShm(long count)
    {
        for (long i = 0; i < count; i++)
        {
            _shm.CreatePool(_memfd, 4096).Dispose();
            if ((i + 1) % ShmFlush == 0)
            {
                FlushAll();
            }

            if ((i + 1) % ShmRoundtrip == 0)
            {
                _display.Roundtrip();
            }
        }

        FlushAll();
        _display.Roundtrip();
    }

    private void RunEvents(long count)
    {
        long sent = 0;
        _ticks = 0;
        while (sent < count)
        {
            long burst = Math.Min(FloodBurst, count - sent);
            _bench.Flood((uint)burst);
            sent += burst;
            FlushAll();
            while (_ticks < sent)
            {
                _display.Dispatch();
            }
        }
    }

    private long Mark()
    {
        _marked = false;
        _bench.Mark();
        while (!_marked)
        {
            _display.Roundtrip();
        }

        return _markedBytes;
    }

    /// <summary>Flushes everything; while the socket is full, reads and dispatches what arrives (as the C client).</summary>
    private void FlushAll()
    {
        while (!_display.Flush())
        {
            while (!_display.PrepareRead())
            {
                _display.DispatchPending();
            }

            if (UnixSocket.Wait(_display.Socket, writable: false, TimeSpan.Zero))
            {
                _display.ReadEvents();
            }
            else
            {
                _display.CancelRead();
                UnixSocket.Wait(_display.Socket, writable: true, TimeSpan.FromMilliseconds(10));
            }

            _display.DispatchPending();
        }
    }

    /// <summary>prepare_read, poll(0), read_events, dispatch_pending: once.</summary>
    private void ReadReadable()
    {
        while (!_display.PrepareRead())
        {
            _display.DispatchPending();
        }

        if (UnixSocket.Wait(_display.Socket, writable: false, TimeSpan.Zero))
        {
            _display.ReadEvents();
        }
        else
        {
            _display.CancelRead();
        }

        _display.DispatchPending();
    }
}
