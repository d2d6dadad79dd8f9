using System.Diagnostics;
using System.Runtime;
using Wayland.Compositor;

namespace Wayland.CompositorSoak;

/// <summary>One reading of this process (the compositor's) and of the client, at <see cref="Elapsed"/> into the soak.</summary>
/// <remarks><see cref="LoopAllocated"/> counts the compositor's event-loop thread alone (where all protocol work and
/// repainting happen), so it is free of what the sampling itself allocates; <see cref="Allocated"/> is the process's.
/// <see cref="JitMethods"/> and <see cref="JitTime"/> are the process's JIT work so far (all tiers, any thread).</remarks>
internal sealed record Sample(
    TimeSpan Elapsed,
    long WorkingSet,
    long GcHeap,
    long Allocated,
    long LoopAllocated,
    int Gen0,
    int Gen1,
    int Gen2,
    TimeSpan Cpu,
    long Frames,
    long FrameCallbacks,
    int OpenFds,
    TimeSpan ClientCpu,
    long JitMethods,
    TimeSpan JitTime)
{
    public static Sample Take(TimeSpan elapsed, Process self, HeadlessCompositor compositor, int clientPid, int openFds)
    {
        self.Refresh();
        return new Sample(
            elapsed,
            self.WorkingSet64,
            GC.GetTotalMemory(forceFullCollection: false),
            GC.GetTotalAllocatedBytes(precise: false),
            compositor.Invoke(() => GC.GetAllocatedBytesForCurrentThread()),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            self.TotalProcessorTime,
            compositor.FramesRendered,
            compositor.FrameCallbacksDone,
            openFds,
            ProcessCpu.Of(clientPid),
            JitInfo.GetCompiledMethodCount(),
            JitInfo.GetCompilationTime());
    }
}
