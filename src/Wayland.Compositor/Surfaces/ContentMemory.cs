using Wayland.Server;

namespace Wayland.Compositor.Surfaces;

/// <summary>
/// Content images are large objects, which the GC frees only in full collections, and an idle compositor makes none:
/// after clients that made tens of MiB of images leave, their memory would stay with the process for good. So this
/// counts the content bytes surfaces allocate, and when a client goes and 16 MiB or more was allocated since the last
/// trim, a compacting full collection runs, at most once a second (a trim that comes too soon waits for the second to
/// pass). Only touched on the event loop's thread.
/// </summary>
internal sealed class ContentMemory(EventLoop loop)
{
    private const long Threshold = 16L << 20;

    /// <summary>Bytes of surface content allocated since the last trim.</summary>
    private long _bytesSinceTrim;
    private long _lastTrim;
    private TimerEventSource? _trimTimer;
    private bool _trimPending;

    /// <summary>A surface allocated a new content image of <paramref name="bytes"/> (a new buffer size).</summary>
    public void Allocated(long bytes) => _bytesSinceTrim += bytes;

    /// <summary>A client left: trims (soon) when enough content was allocated since the last trim.</summary>
    public void ClientLeft()
    {
        if (_bytesSinceTrim < Threshold || _trimTimer is not null && _trimPending)
        {
            return;
        }

        _trimTimer ??= loop.AddTimer(() =>
        {
            _trimPending = false;
            _bytesSinceTrim = 0;
            _lastTrim = Environment.TickCount64;
            System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        });
        _trimPending = true;
        long wait = 1000 - (Environment.TickCount64 - _lastTrim);
        _trimTimer.Update((int)Math.Clamp(wait, 1, 1000));
    }
}
