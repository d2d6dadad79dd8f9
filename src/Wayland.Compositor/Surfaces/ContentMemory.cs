using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Surfaces;

/// <summary>
/// What surfaces' content and regions cost, and two limits on it. Each surface keeps a copy of its last committed buffer
/// (4 bytes a pixel), so one client could make the compositor hold any amount by committing a big buffer on many
/// surfaces (or a region changed a little before each set_input_region on many): the surfaces and regions of one
/// client process, all its connections together, may hold at most a budget of bytes
/// (<see cref="HeadlessCompositorOptions.MaxContentBytesPerClient"/>), and no buffer may be wider or taller than
/// <see cref="MaxBufferSide"/>. A commit over either gets <c>wl_display.error</c> <c>no_memory</c> (as the object limit
/// answers), and only the connection that sent it is disconnected. The budget is per process because a process may
/// open as many connections as it likes: counted per connection, 16 connections of one process made the compositor
/// hold 4 GiB.
///
/// Content images are large objects, which the GC frees only in full collections, and an idle compositor makes none:
/// after clients that made tens of MiB of images leave, their images would stay in the heap as garbage, and a client
/// that connects, commits big buffers and leaves, over and over, would make the heap grow (by up to 2.7 GB in 8 s with
/// no collection, against 0.7 GB with one). So this counts the content bytes surfaces allocate, and when a client goes
/// and 16 MiB or more was allocated since the last trim, a full collection runs, at most once a second (a trim that
/// comes too soon waits for the second to pass). It is a background collection, neither blocking nor compacting, so
/// that a client churning this way cannot stall the loop: it frees the dead images for the next ones to reuse. The
/// runtime keeps the memory it freed committed for reuse, so the process's RSS does not shrink (nor did it with the
/// blocking, compacting collection this once ran). Only touched on the event loop's thread.
/// </summary>
internal sealed class ContentMemory(EventLoop loop, long maxBytesPerClient)
{
    /// <summary>The widest and tallest buffer accepted, in pixels: the usual limit of GPU textures.</summary>
    public const int MaxBufferSide = 16384;

    private const long Threshold = 16L << 20;

    /// <summary>Bytes the surfaces and regions of each client process hold now, by <see cref="Client.ProcessKey"/> (a process holding none has no entry).</summary>
    private readonly Dictionary<int, long> _held = [];

    /// <summary>Bytes of surface content allocated since the last trim.</summary>
    private long _bytesSinceTrim;
    private long _lastTrim;
    private TimerEventSource? _trimTimer;
    private bool _trimPending;

    /// <summary>A surface allocated a new content image of <paramref name="bytes"/> (a new buffer size).</summary>
    public void Allocated(long bytes) => _bytesSinceTrim += bytes;

    /// <summary>Bytes of content and regions the surfaces of <paramref name="client"/>'s process hold now, all its connections together.</summary>
    public long HeldBy(Client client) => _held.GetValueOrDefault(client.ProcessKey);

    /// <summary>
    /// Whether <paramref name="surface"/> may make a content image of <paramref name="width"/> × <paramref name="height"/>
    /// in place of <paramref name="replacing"/>: within <see cref="MaxBufferSide"/> and within its client process's
    /// budget. When not, its client gets <c>no_memory</c> (and is disconnected) and nothing is allocated.
    /// </summary>
    public bool TryMake(WlSurface surface, int width, int height, Image? replacing)
    {
        Client client = surface.Client;
        long bytes = (long)width * height * 4;
        long after = HeldBy(client) - SizeOf(replacing) + bytes;
        string? refusal = width > MaxBufferSide || height > MaxBufferSide
            ? $"wl_surface#{surface.Id}: a {width}x{height} buffer is larger than {MaxBufferSide} pixels a side"
            : maxBytesPerClient > 0 && after > maxBytesPerClient
                ? $"wl_surface#{surface.Id}: a {width}x{height} buffer would take the surfaces of process {client.ProcessId} to {Size(after)} of content, over {Size(maxBytesPerClient)}"
                : null;
        if (refusal is null)
        {
            return true;
        }

        client.DisplayResource.PostError((uint)WlDisplayError.NoMemory, refusal);
        return false;
    }

    /// <summary>A byte count for an error message: in MiB from 1 MiB on, else in bytes (a small limit set for a test
    /// would otherwise read "0 MiB").</summary>
    private static string Size(long bytes) => bytes >= 1 << 20
        ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes / (double)(1 << 20):0.#} MiB")
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{bytes} bytes");

    /// <summary>A surface of <paramref name="client"/> now holds <paramref name="now"/> instead of <paramref name="old"/> (either may be null).</summary>
    public void Replaced(Client client, Image? old, Image? now)
    {
        if (old != now)
        {
            Change(client, SizeOf(now) - SizeOf(old));
        }
    }

    /// <summary>
    /// Counts <paramref name="bytes"/> more of region boxes toward the budget of <paramref name="resource"/>'s client process;
    /// false, after posting <c>no_memory</c> (the client is disconnected), when that would go over it.
    /// </summary>
    public bool TryHoldRegion(Resource resource, long bytes)
    {
        Client client = resource.Client;
        long after = HeldBy(client) + bytes;
        if (maxBytesPerClient > 0 && after > maxBytesPerClient)
        {
            client.DisplayResource.PostError((uint)WlDisplayError.NoMemory,
                $"{resource}: regions would take the surfaces of process {client.ProcessId} to {Size(after)}, over {Size(maxBytesPerClient)}");
            return false;
        }

        Change(client, bytes);
        return true;
    }

    /// <summary>
    /// wl_surface.set_input_region and set_opaque_region: a surface may hold a snapshot of each kind in each of its
    /// pending, current and cached state, so it is charged six times the largest snapshot it was ever given (until it
    /// is destroyed): what its regions hold never exceeds its charge, whatever order requests come in. False after
    /// posting <c>no_memory</c>.
    /// </summary>
    public bool TryHoldRegion(Surface surface, Region? snapshot)
    {
        long needed = 6 * (snapshot?.Bytes ?? 0);
        if (needed <= surface.RegionBytes)
        {
            return true;
        }

        if (!TryHoldRegion(surface.Resource, needed - surface.RegionBytes))
        {
            return false;
        }

        surface.RegionBytes = needed;
        return true;
    }

    /// <summary><paramref name="bytes"/> held for <paramref name="client"/> were let go (a region or surface destroyed).</summary>
    public void Release(Client client, long bytes) => Change(client, -bytes);

    private void Change(Client client, long bytes)
    {
        long held = HeldBy(client) + bytes;
        if (held > 0)
        {
            _held[client.ProcessKey] = held;
        }
        else
        {
            _held.Remove(client.ProcessKey);
        }
    }

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
            // Not blocking and not compacting: a background collection, which frees the images of clients that left
            // while the loop goes on (it is paused only to start and end it: under 5 ms). The blocking, compacting one
            // this once ran paused the loop 0.6 s after 2 GiB of content left, and up to 40 ms each second under a
            // churning client, and gave no more memory back to the system. Where background collections are turned
            // off (System.GC.Concurrent false), a forced one would be blocking: the runtime's own collections do then.
            if (!AppContext.TryGetSwitch("System.GC.Concurrent", out bool concurrent) || concurrent)
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: false, compacting: false);
            }
        });
        _trimPending = true;
        long wait = 1000 - (Environment.TickCount64 - _lastTrim);
        _trimTimer.Update((int)Math.Clamp(wait, 1, 1000));
    }

    private static long SizeOf(Image? image) => image is null ? 0 : (long)image.Width * image.Height * 4;
}
