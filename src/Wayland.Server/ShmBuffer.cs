using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Server;

/// <summary>
/// A shared-memory <c>wl_buffer</c> (<c>wl_shm_buffer</c>): geometry, format, and safe access to the client's pixels.
/// </summary>
/// <remarks>
/// <para>The bytes live in a file the client owns and may truncate at any time. Touching a mapped page past the end
/// of the file raises SIGBUS; libwayland catches it with a signal handler and swaps in anonymous memory, but a .NET
/// process cannot do that safely — the runtime turns the fault into a fatal AccessViolationException. So:</para>
/// <list type="bullet">
/// <item><description>If the file was sealed with <c>F_SEAL_SHRINK</c> (a memfd, as weston's clients send) and covers
/// the pool, faults are impossible and <see cref="TryAccess(ShmAccessCallback)"/> maps directly
/// (<see cref="CannotFault"/> is true).</description></item>
/// <item><description>Otherwise <see cref="TryAccess(ShmAccessCallback)"/> re-reads the file's size (statx) right before
/// each access and refuses — posting <c>wl_shm.error.invalid_fd</c> "error accessing SHM buffer", as libwayland does
/// after a SIGBUS — when the buffer is no longer backed. A client that truncates its file <em>during</em> the callback
/// can still crash the process: keep callbacks short, or use <see cref="TryCopyTo"/>.</description></item>
/// <item><description><see cref="TryCopyTo"/> reads with <c>pread</c>, which returns a short count instead of faulting:
/// it is safe against any client, at the cost of a copy.</description></item>
/// </list>
/// <para>Access methods are thread-safe (a render thread may call them); the buffer's resource belongs to the loop's
/// thread. Once the <c>wl_buffer</c> is destroyed, access fails; copy what you need to keep.</para>
/// </remarks>
public sealed class ShmBuffer
{
    private readonly ShmPool _pool;
    private volatile bool _released;

    internal ShmBuffer(ShmPool pool, WlBuffer resource, int offset, int width, int height, int stride, WlShmFormat format)
    {
        _pool = pool;
        Resource = resource;
        Offset = offset;
        Width = width;
        Height = height;
        Stride = stride;
        Format = format;
    }

    /// <summary>The <c>wl_buffer</c> resource.</summary>
    public WlBuffer Resource { get; }

    /// <summary>Byte offset of the first row within the pool.</summary>
    public int Offset { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Bytes from the start of one row to the start of the next.</summary>
    public int Stride { get; }

    /// <summary>Pixel format.</summary>
    public WlShmFormat Format { get; }

    /// <summary>Bytes the buffer spans: <see cref="Stride"/> × <see cref="Height"/>.</summary>
    public int Size => Stride * Height;

    /// <summary>Whether the pool's file is sealed against shrinking and covers the pool, so no access can fault.</summary>
    public bool CannotFault => _pool.CannotShrink;

    /// <summary>The shared-memory buffer behind <paramref name="buffer"/>, or null when it is not one
    /// (<c>wl_shm_buffer_get</c>).</summary>
    public static ShmBuffer? FromResource(WlBuffer? buffer) => buffer?.ShmBuffer;

    /// <summary>
    /// Calls <paramref name="callback"/> with the buffer's bytes, mapped directly (no copy). The pool's mapping neither
    /// moves nor goes during the call.
    /// </summary>
    /// <returns>False, without calling back, when the buffer is destroyed or its file no longer backs it (the client is
    /// then sent <c>invalid_fd</c> "error accessing SHM buffer").</returns>
    public bool TryAccess(ShmAccessCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return TryAccess(callback, static (pixels, callback) => callback(pixels));
    }

    /// <summary>As <see cref="TryAccess(ShmAccessCallback)"/>, passing <paramref name="state"/> (no closure needed).</summary>
    public bool TryAccess<TState>(TState state, ShmAccessCallback<TState> callback)
        where TState : allows ref struct
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (_released || !_pool.BeginAccess(out nint address, out bool cannotShrink))
        {
            return false;
        }

        try
        {
            if (!cannotShrink && _pool.FileSize() < (long)Offset + Size)
            {
                ReportAccessError();
                return false;
            }

            callback(Interop.SharedMemoryOps.View(address, Offset, Size), state);
            return true;
        }
        finally
        {
            _pool.EndAccess();
        }
    }

    /// <summary>
    /// Copies the buffer's <see cref="Size"/> bytes into <paramref name="destination"/> by reading the client's file
    /// (<c>pread</c>): never faults, whatever the client does to its file.
    /// </summary>
    /// <returns>False when the buffer is destroyed or the file is too short (the client is then sent <c>invalid_fd</c>).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is smaller than <see cref="Size"/>.</exception>
    public bool TryCopyTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"the destination holds {destination.Length} bytes; the buffer has {Size}", nameof(destination));
        }

        if (_released || !_pool.BeginAccess(out _, out _))
        {
            return false;
        }

        try
        {
            if (_pool.ReadFile(destination[..Size], Offset) == Size)
            {
                return true;
            }

            ReportAccessError();
            return false;
        }
        finally
        {
            _pool.EndAccess();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Resource} {Width}x{Height} stride {Stride} {Format}";

    internal void ResourceDestroyed()
    {
        _released = true;
        _pool.Release();
    }

    /// <summary>As libwayland after a SIGBUS: <c>invalid_fd</c> on the buffer, or an implementation error when the
    /// buffer is gone. Posted on the loop's thread.</summary>
    private void ReportAccessError()
    {
        WlBuffer resource = Resource;
        Client client = resource.Client;
        client.Display.Loop.Post(() =>
        {
            if (!resource.IsDestroyed)
            {
                resource.PostError((uint)WlShmError.InvalidFd, "error accessing SHM buffer");
            }
            else if (!client.IsDestroyed)
            {
                client.PostImplementationError("Error accessing SHM buffer of a wl_buffer resource which has already been destroyed");
            }
        });
    }
}
