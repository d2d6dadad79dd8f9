using Wayland.Matrix.Peer.Server;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Matrix;

/// <summary>
/// Our side of the server column: a bare <see cref="Display"/> (no compositor) offering what
/// bench/native/bench-server.c offers, with handlers that do as little: <c>wl_compositor</c> whose regions ignore
/// <c>add</c>, the library's <c>wl_shm</c> (pools mapped and unmapped), and <c>wlb_bench</c>.
/// </summary>
internal sealed class MatrixServer : WlCompositor.IHandler, WlRegion.IHandler, WlbBench.IHandler
{
    private long _lastMark;
    private TimeSpan _lastCpu;

    /// <summary>Serves <paramref name="socketPath"/> until standard input closes (the driver closes it).</summary>
    public static int Run(string socketPath)
    {
        using Display display = new();
        MatrixServer handlers = new();
        display.CreateGlobal<WlCompositor>(4, compositor => compositor.Handler = handlers);
        _ = new Shm(display);
        display.CreateGlobal<WlbBench>(1, bench =>
        {
            bench.Handler = handlers;
        });
        display.AddSocket(socketPath);
        Task loop = display.RunAsync();
        Console.WriteLine("ready");
        Console.Out.Flush();
        Console.In.ReadToEnd();
        display.Terminate();
        loop.Wait();
        return 0;
    }

    void WlCompositor.IHandler.CreateRegion(WlCompositor resource, WlRegion id) => id.Handler = this;

    void WlbBench.IHandler.Flood(WlbBench resource, uint count)
    {
        for (uint i = 0; i < count; i++)
        {
            resource.SendTick(i);
        }
    }

    /// <summary>Bytes the event-loop thread (where every request is handled) allocated since the last mark, and
    /// the process's CPU time since then.</summary>
    void WlbBench.IHandler.Mark(WlbBench resource)
    {
        long now = GC.GetAllocatedBytesForCurrentThread();
        long bytes = now - _lastMark;
        _lastMark = now;
        TimeSpan cpu = Environment.CpuUsage.TotalTime;
        uint cpuMicroseconds = (uint)(cpu - _lastCpu).TotalMicroseconds;
        _lastCpu = cpu;
        resource.SendMarked((uint)(bytes >> 32), (uint)bytes, cpuMicroseconds);
    }
}
