using System.Buffers;
using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Server;

/// <summary>
/// A shared-memory <c>wl_buffer</c> (<c>wl_shm_buffer</c>): geometry, format, and access to the client's pixels that
/// no client can turn into a crash.
/// </summary>
/// <remarks>
/// <para>The bytes live in a file the client owns and may truncate at any time. Touching a mapped page past the end
/// of the file raises SIGBUS; libwayland catches it with a signal handler and swaps in anonymous memory, but a .NET
/// process cannot do that safely — the runtime turns the fault into a fatal AccessViolationException. So this type
/// never hands out memory that can fault:</para>
/// <list type="bullet">
/// <item><description>If the file is sealed with <c>F_SEAL_SHRINK</c> (a memfd, as weston's and this library's
/// clients send) and covers the pool, it cannot shrink, faults are impossible, and reads come straight from the
/// mapping (<see cref="IsZeroCopy"/> is true).</description></item>
/// <item><description>Otherwise the bytes are copied out of the file with <c>pread</c>, which returns a short count
/// instead of faulting, into server-owned memory (a pooled array: no allocation in steady state). A short read is
/// refused: the client gets <c>wl_shm.error.invalid_fd</c> "error accessing SHM buffer", as libwayland sends after
/// a SIGBUS.</description></item>
/// </list>
/// <para>Every access also checks the buffer's geometry against the pool's current mapping. Access methods are
/// thread-safe (a render thread may call them); the buffer's resource belongs to the loop's thread. Once the
/// <c>wl_buffer</c> is destroyed, access fails; copy what you need to keep. See docs/shm-safety.md.</para>
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

    /// <summary>
    /// Whether reads come straight from the mapping: the pool's file is sealed against shrinking and covers the pool,
    /// so no access can fault. When false, each read copies the bytes out of the file with <c>pread</c>.
    /// </summary>
    public bool IsZeroCopy => _pool.CannotShrink;

    /// <summary>The shared-memory buffer behind <paramref name="buffer"/>, or null when it is not one
    /// (<c>wl_shm_buffer_get</c>).</summary>
    public static ShmBuffer? FromResource(WlBuffer? buffer) => buffer?.ShmBuffer;

    /// <summary>
    /// Calls <paramref name="callback"/> with the buffer's bytes: the mapping itself when <see cref="IsZeroCopy"/>,
    /// else a copy read from the client's file. Either way nothing the client does to its file can fault the process.
    /// </summary>
    /// <returns>False, without calling back, when the buffer is destroyed or its file no longer backs it (the client is
    /// then sent <c>invalid_fd</c> "error accessing SHM buffer").</returns>
    public bool TryRead(ShmReadCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return TryRead(callback, static (pixels, callback) => callback(pixels));
    }

    /// <summary>As <see cref="TryRead(ShmReadCallback)"/>, passing <paramref name="state"/> (no closure needed).</summary>
    public bool TryRead<TState>(TState state, ShmReadCallback<TState> callback)
        where TState : allows ref struct => TryRead(0, Height, state, callback);

    /// <summary>
    /// As <see cref="TryRead{TState}(TState, ShmReadCallback{TState})"/>, for rows <paramref name="firstRow"/> to
    /// <paramref name="firstRow"/> + <paramref name="rowCount"/> only: the callback gets <paramref name="rowCount"/> ×
    /// <see cref="Stride"/> bytes, from the first byte of row <paramref name="firstRow"/>. When the buffer is not
    /// <see cref="IsZeroCopy"/>, only those rows are copied out of the client's file, so a compositor that needs a
    /// small damaged part of a big buffer does not pay for all of it. The checks are those of a whole read: the file
    /// must back the whole buffer.
    /// </summary>
    /// <returns>False, without calling back, when the buffer is destroyed or its file no longer backs it (the client is
    /// then sent <c>invalid_fd</c> "error accessing SHM buffer").</returns>
    /// <exception cref="ArgumentOutOfRangeException">The rows do not lie within the buffer's <see cref="Height"/>.</exception>
    public bool TryRead<TState>(int firstRow, int rowCount, TState state, ShmReadCallback<TState> callback)
        where TState : allows ref struct
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentOutOfRangeException.ThrowIfNegative(firstRow);
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rowCount, Height - firstRow);
        if (!Begin(out nint address, out bool zeroCopy))
        {
            return false;
        }

        int start = Offset + (firstRow * Stride), length = rowCount * Stride;
        if (zeroCopy)
        {
            try
            {
                callback(Interop.SharedMemoryOps.View(address, start, length), state);
                return true;
            }
            finally
            {
                _pool.EndAccess();
            }
        }

        byte[]? staging = null;
        try
        {
            // Refuse a file that is already too short before taking memory for it: a client cannot make the server
            // allocate more than its own file holds.
            if (_pool.FileSize() >= (long)Offset + Size)
            {
                staging = length == 0 ? [] : _pool.Shm.Staging.Rent(length);
                if (length != 0 && _pool.ReadFile(staging.AsSpan(0, length), start) != length)
                {
                    _pool.Shm.Staging.Return(staging);
                    staging = null;
                }
            }
        }
        finally
        {
            _pool.EndAccess();
        }

        if (staging is null)
        {
            ReportAccessError();
            return false;
        }

        try
        {
            callback(staging.AsSpan(0, length), state);
            return true;
        }
        finally
        {
            if (length != 0)
            {
                _pool.Shm.Staging.Return(staging);
            }
        }
    }

    /// <summary>
    /// Copies the buffer's <see cref="Size"/> bytes into <paramref name="destination"/>: from the mapping when
    /// <see cref="IsZeroCopy"/>, else by reading the client's file (<c>pread</c>). Never faults.
    /// </summary>
    /// <returns>False when the buffer is destroyed or the file is too short (the client is then sent <c>invalid_fd</c>).</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is smaller than <see cref="Size"/>.</exception>
    public bool TryCopyTo(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException($"the destination holds {destination.Length} bytes; the buffer has {Size}", nameof(destination));
        }

        if (!Begin(out nint address, out bool zeroCopy))
        {
            return false;
        }

        bool complete;
        try
        {
            if (zeroCopy)
            {
                Interop.SharedMemoryOps.View(address, Offset, Size).CopyTo(destination);
                complete = true;
            }
            else
            {
                complete = _pool.ReadFile(destination[..Size], Offset) == Size;
            }
        }
        finally
        {
            _pool.EndAccess();
        }

        if (!complete)
        {
            ReportAccessError();
        }

        return complete;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Resource} {Width}x{Height} stride {Stride} {Format}";

    internal void ResourceDestroyed()
    {
        _released = true;
        _pool.Release();
    }

    /// <summary>Starts an access (end with <see cref="ShmPool.EndAccess"/> when true): the buffer is alive and lies
    /// within the pool's mapping, which will neither move nor go until the access ends.</summary>
    private bool Begin(out nint address, out bool zeroCopy)
    {
        zeroCopy = false;
        address = 0;
        if (_released)
        {
            return false;
        }

        switch (_pool.BeginAccess((long)Offset + Size, out address, out zeroCopy))
        {
            case ShmPool.AccessResult.Started:
                return true;
            case ShmPool.AccessResult.OutOfBounds:
                ReportAccessError();
                return false;
            default:
                return false;
        }
    }

    /// <summary>As libwayland after a SIGBUS: <c>invalid_fd</c> on the buffer, or an implementation error when the
    /// buffer is gone. Posted on the loop's thread.</summary>
    private void ReportAccessError()
    {
        WlBuffer resource = Resource;
        Client client = resource.Client;
        if (client.Display.Loop.IsDispatchingOnCurrentThread)
        {
            // On the loop thread (a compositor reading buffers in its commit handler) the wl_buffer is still alive:
            // the error goes out now, on the buffer, as libwayland's end_access does.
            PostAccessError(resource, client);
        }
        else
        {
            client.Display.Loop.Post(() => PostAccessError(resource, client));
        }
    }

    private static void PostAccessError(WlBuffer resource, Client client)
    {
        if (!resource.IsDestroyed)
        {
            resource.PostError((uint)WlShmError.InvalidFd, "error accessing SHM buffer");
        }
        else if (!client.IsDestroyed)
        {
            // Only reachable when the buffer was read off the loop thread and destroyed before the error could be
            // posted; libwayland reports the same case the same way.
            client.PostImplementationError("Error accessing SHM buffer of a wl_buffer resource which has already been destroyed");
        }
    }
}
