using Wayland.Interop;
using Wayland.Protocols;
using Wayland.Server.Protocol;
using Wayland.Wire;

namespace Wayland.Server;

/// <summary>
/// One client pool: a shared mapping of the client's file (read directly only when the file is sealed against
/// shrinking), and the descriptor (for pread, the only way an unsealed file is read).
/// The mapping lives while the pool resource, any of its buffers, or an access in progress needs it; a resize is
/// deferred while an access is in progress (the mapping may move), as libwayland defers it while the compositor
/// holds external references. A big pool is unmapped, and its file closed, off the loop's thread (see
/// <see cref="ShmUnmapper"/>).
/// </summary>
internal sealed class ShmPool : WlShmPool.IHandler
{
    private readonly Lock _lock = new();
    private readonly Shm _shm;

    /// <summary>The wl_shm this pool was made by.</summary>
    internal Shm Shm => _shm;
    private readonly SafeFdHandle _fd;
    private WlShmPool? _resource;
    private nint _address;
    private long _size;
    private long _pendingSize;
    private int _references = 1;
    private int _accesses;
    private bool _cannotShrink;

    private readonly Client _client;

    internal ShmPool(Shm shm, WlShmPool resource, SafeFdHandle fd, nint address, long size, bool cannotShrink)
    {
        _shm = shm;
        _resource = resource;
        _fd = fd;
        _address = address;
        _size = size;
        _pendingSize = size;
        _cannotShrink = cannotShrink;
        _client = resource.Client;
        Interlocked.Increment(ref _client.MappedShmPools);
        Interlocked.Increment(ref _client.Display.MappedShmPools);
    }

    /// <summary>Mapped size in bytes.</summary>
    internal long Size
    {
        get
        {
            lock (_lock)
            {
                return _size;
            }
        }
    }

    /// <summary>Whether the file is sealed against shrinking and covers the whole mapping.</summary>
    internal bool CannotShrink
    {
        get
        {
            lock (_lock)
            {
                return _cannotShrink;
            }
        }
    }

    /// <summary><c>wl_shm_pool.create_buffer</c>, with <c>wayland-shm.c</c>'s checks in its order.</summary>
    void WlShmPool.IHandler.CreateBuffer(WlShmPool resource, WlBuffer id, int offset, int width, int height, int stride, WlShmFormat format)
    {
        if (!_shm.IsSupported(format))
        {
            resource.PostError((uint)WlShmError.InvalidFormat, $"invalid format 0x{(uint)format:x}");
            return;
        }

        // stride < width also rules out stride 0 before the division.
        if (offset < 0 || width <= 0 || height <= 0 || stride < width || int.MaxValue / stride < height
            || offset > Size - ((long)stride * height))
        {
            resource.PostError((uint)WlShmError.InvalidStride, $"invalid width, height or stride ({width}x{height}, {(uint)stride})");
            return;
        }

        lock (_lock)
        {
            _references++;
        }

        ShmBuffer buffer = new(this, id, offset, width, height, stride, format);
        id.ShmBuffer = buffer;
        id.Released += static resource => ((WlBuffer)resource).ShmBuffer!.ResourceDestroyed();
    }

    /// <summary><c>wl_shm_pool.resize</c>: grow only; deferred while an access is in progress.</summary>
    void WlShmPool.IHandler.Resize(WlShmPool resource, int size)
    {
        string? error;
        lock (_lock)
        {
            if (size < _size)
            {
                error = "shrinking pool invalid";
            }
            else
            {
                _pendingSize = size;
                error = _accesses == 0 ? FinishResizeLocked() : null;
            }
        }

        if (error is not null)
        {
            resource.PostError((uint)WlShmError.InvalidFd, error);
        }
    }

    /// <summary>The pool resource is gone; buffers may still use the mapping.</summary>
    internal void ResourceDestroyed()
    {
        _resource = null;
        Release();
    }

    /// <summary>A buffer (or the pool resource) no longer needs the mapping.</summary>
    internal void Release()
    {
        lock (_lock)
        {
            _references--;
            FreeIfUnusedLocked();
        }
    }

    /// <summary>How <see cref="BeginAccess"/> went.</summary>
    internal enum AccessResult
    {
        /// <summary>The access started: call <see cref="EndAccess"/>.</summary>
        Started,

        /// <summary>The pool is already freed.</summary>
        Freed,

        /// <summary>The range does not lie within the mapping.</summary>
        OutOfBounds,
    }

    /// <summary>Starts an access to the first <paramref name="end"/> bytes: the mapping will neither move nor go until
    /// <see cref="EndAccess"/>.</summary>
    internal AccessResult BeginAccess(long end, out nint address, out bool cannotShrink)
    {
        lock (_lock)
        {
            address = _address;
            cannotShrink = _cannotShrink;
            if (_address == 0)
            {
                return AccessResult.Freed;
            }

            if (end > _size)
            {
                return AccessResult.OutOfBounds;
            }

            _accesses++;
            return AccessResult.Started;
        }
    }

    /// <summary>Ends an access; runs a deferred resize and frees an unused pool.</summary>
    internal void EndAccess()
    {
        string? error = null;
        lock (_lock)
        {
            if (--_accesses == 0)
            {
                error = FinishResizeLocked();
                FreeIfUnusedLocked();
            }
        }

        if (error is not null)
        {
            ReportResizeError(error);
        }
    }

    /// <summary>A deferred resize failed, perhaps on a render thread: reports it on the loop's thread. (Kept apart
    /// from <see cref="EndAccess"/> so that the closure is only allocated when there is an error.)</summary>
    private void ReportResizeError(string error)
    {
        WlShmPool? resource = _resource;
        _shm.Display.Loop.Post(() =>
        {
            if (resource is { IsDestroyed: false })
            {
                resource.PostError((uint)WlShmError.InvalidFd, error);
            }
        });
    }

    /// <summary>The file's current size (to check an unsealed pool before an access), or -1.</summary>
    internal long FileSize() => SharedMemoryOps.FileSize(_fd.Fd, out _);

    /// <summary>Copies file bytes with pread, which cannot fault even if the file was truncated (call within an access,
    /// which keeps the descriptor open).</summary>
    internal long ReadFile(Span<byte> destination, long offset)
    {
        long read = SharedMemoryOps.ReadAt(_fd.Fd, destination, offset, out _);
        if (read > 0)
        {
            _shm.Display.Metrics.ShmBytesRead.Add(read);
        }

        return read;
    }

    private string? FinishResizeLocked()
    {
        if (_pendingSize == _size || _address == 0)
        {
            return null;
        }

        nint moved = SharedMemoryOps.Remap(_address, _size, _pendingSize, out _);
        if (moved == 0)
        {
            _pendingSize = _size;
            return "failed mremap";
        }

        _address = moved;
        _size = _pendingSize;
        _cannotShrink = (SharedMemoryOps.Seals(_fd.Fd) & Native.F_SEAL_SHRINK) != 0 && FileSize() >= _size;
        return null;
    }

    private void FreeIfUnusedLocked()
    {
        if (_references > 0 || _accesses > 0 || _address == 0)
        {
            return;
        }

        // Forget the address before handing it over: nothing may touch it once the unmapper has it.
        ShmUnmapper.Mapping mapping = new(_address, _size, _fd, _client);
        _address = 0;
        _shm.Display.ShmUnmapper.Free(mapping);
    }
}
