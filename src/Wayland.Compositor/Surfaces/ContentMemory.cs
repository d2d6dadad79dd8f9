using System.Diagnostics.CodeAnalysis;
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
/// Content lives in native memory (<see cref="ContentImage"/>), freed as soon as a surface lets it go, so what clients
/// that left had made the compositor hold goes back to the system at once, with no garbage collection to wait for.
/// Only touched on the event loop's thread, but for <see cref="NativeBytes"/>, which content freed on another thread
/// (the last access to end, or the finalizer) updates too.
/// </summary>
internal sealed class ContentMemory(long maxBytesPerClient)
{
    /// <summary>The widest and tallest buffer accepted, in pixels: the usual limit of GPU textures.</summary>
    public const int MaxBufferSide = 16384;

    /// <summary>Bytes the surfaces and regions of each client process hold now, by <see cref="Client.ProcessKey"/> (a process holding none has no entry).</summary>
    private readonly Dictionary<int, long> _held = [];

    private long _nativeBytes;

    /// <summary>Bytes of content pixels allocated and not yet freed, for all clients (any thread).</summary>
    public long NativeBytes => Interlocked.Read(ref _nativeBytes);

    /// <summary>A <see cref="ContentImage"/> of <paramref name="bytes"/> was made.</summary>
    public void NativeAllocated(long bytes) => Interlocked.Add(ref _nativeBytes, bytes);

    /// <summary>A <see cref="ContentImage"/> of <paramref name="bytes"/> was freed (any thread).</summary>
    public void NativeFreed(long bytes) => Interlocked.Add(ref _nativeBytes, -bytes);

    /// <summary>Bytes of content and regions the surfaces of <paramref name="client"/>'s process hold now, all its connections together.</summary>
    public long HeldBy(Client client) => _held.GetValueOrDefault(client.ProcessKey);

    /// <summary>
    /// Makes a content image of <paramref name="width"/> × <paramref name="height"/> for <paramref name="surface"/> in
    /// place of <paramref name="replacing"/> when that is within <see cref="MaxBufferSide"/> and within its client
    /// process's budget, and the memory can be had. When not, its client gets <c>no_memory</c> (and is disconnected)
    /// and nothing is allocated.
    /// </summary>
    public bool TryMake(WlSurface surface, int width, int height, ContentImage? replacing, [NotNullWhen(true)] out ContentImage? made)
    {
        made = null;
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
            made = ContentImage.TryCreate(this, width, height);
            if (made is not null)
            {
                return true;
            }

            refusal = $"wl_surface#{surface.Id}: no memory for a {width}x{height} buffer";
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
    public void Replaced(Client client, ContentImage? old, ContentImage? now)
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

    /// <summary>
    /// A repaint draws every pixel a surface covers, however few its content holds: a one-pixel buffer stretched by a
    /// viewport (or a small one enlarged on an output of a larger scale) costs almost no memory, and a client stacked
    /// hundreds of them over the whole output, each repaint drawing them all. So a surface is charged, beyond its
    /// content, for the <paramref name="pixelsDrawn"/> (4 bytes each) a repaint may draw of it that its content does
    /// not pay for already (<see cref="Scene.MostPixelsDrawn"/>: no more than the framebuffers hold, however large the
    /// surface). False after posting <c>no_memory</c> when the charge would take its process over the budget.
    /// </summary>
    public bool TryHoldDrawn(Surface surface, long pixelsDrawn)
    {
        long needed = Math.Max(0, (pixelsDrawn * 4) - SizeOf(surface.Content));
        long more = needed - surface.DrawnBytes;
        Client client = surface.Resource.Client;
        long after = HeldBy(client) + more;
        if (more > 0 && maxBytesPerClient > 0 && after > maxBytesPerClient)
        {
            client.DisplayResource.PostError((uint)WlDisplayError.NoMemory,
                $"wl_surface#{surface.Resource.Id}: drawing {surface.Width}x{surface.Height} would take the surfaces of process {client.ProcessId} to {Size(after)} of content, over {Size(maxBytesPerClient)}");
            return false;
        }

        Change(client, more);
        surface.DrawnBytes = needed;
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

    private static long SizeOf(ContentImage? image) => image?.Bytes ?? 0;
}
