using System.Runtime.InteropServices;
using Wayland.Client.Protocol;

namespace Wayland.Client;

/// <summary>A <c>wl_buffer</c> in a <see cref="ShmPool"/>, with its pixels as a span.</summary>
public sealed class ShmBuffer : IDisposable
{
    private readonly ShmPool _pool;
    private readonly int _offset;

    internal ShmBuffer(ShmPool pool, WlBuffer buffer, int offset, int width, int height, int stride)
    {
        _pool = pool;
        _offset = offset;
        Buffer = buffer;
        Width = width;
        Height = height;
        Stride = stride;
        buffer.Release += (_) => IsBusy = false;
    }

    /// <summary>The <c>wl_buffer</c> proxy, to attach to a surface.</summary>
    public WlBuffer Buffer { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Bytes per row.</summary>
    public int Stride { get; }

    /// <summary>Whether the compositor may still read the buffer: set by <see cref="MarkBusy"/> when you
    /// commit it, cleared by <c>wl_buffer.release</c>. Draw only into buffers that are not busy.</summary>
    public bool IsBusy { get; private set; }

    /// <summary>The buffer's bytes (rows of <see cref="Stride"/> bytes).</summary>
    public Span<byte> Bytes => _pool.View(_offset, Stride * Height);

    /// <summary>The buffer as 32-bit pixels (ARGB8888/XRGB8888: 0xAARRGGBB in host order), row by row with
    /// <see cref="Stride"/>/4 pixels per row.</summary>
    public Span<uint> Pixels => MemoryMarshal.Cast<byte, uint>(Bytes);

    /// <summary>Notes that the buffer was attached and committed; it stays busy until the compositor releases it.</summary>
    public void MarkBusy() => IsBusy = true;

    /// <summary>Destroys the <c>wl_buffer</c>.</summary>
    public void Dispose() => Buffer.Dispose();
}
