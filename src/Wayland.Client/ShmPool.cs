using System.Runtime.InteropServices;
using Wayland.Client.Protocol;
using Wayland.Interop;
using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Client;

/// <summary>
/// Client-side shared memory for <c>wl_shm</c>: a memfd sealed against shrinking (so the compositor can
/// never be made to fault on it), mapped into this process and shared with the compositor as a
/// <c>wl_shm_pool</c>. Buffers are carved out of it with <see cref="CreateBuffer"/>; drawing is writing
/// to <see cref="ShmBuffer.Pixels"/>.
/// </summary>
/// <remarks>
/// Spans handed out stay valid until <see cref="Resize"/> or <see cref="Dispose"/>, which unmap or move
/// the memory: do not keep them across those calls. Not thread-safe.
/// </remarks>
public sealed class ShmPool : IDisposable
{
    private readonly SafeFdHandle _memfd;
    private nint _address;

    private ShmPool(SafeFdHandle memfd, nint address, int size, WlShmPool proxy)
    {
        _memfd = memfd;
        _address = address;
        Size = size;
        Proxy = proxy;
    }

    /// <summary>The <c>wl_shm_pool</c> proxy.</summary>
    public WlShmPool Proxy { get; }

    /// <summary>Current size in bytes.</summary>
    public int Size { get; private set; }

    /// <summary>Whether the memfd is sealed against shrinking (kernels without sealing leave it unsealed).</summary>
    public bool IsSealed { get; private set; }

    /// <summary>The whole pool's memory.</summary>
    public Span<byte> Memory
    {
        get
        {
            ObjectDisposedException.ThrowIf(_address == 0, this);
            return SharedMemoryOps.View(_address, 0, Size);
        }
    }

    /// <summary>Creates a pool of <paramref name="size"/> bytes and sends <c>wl_shm.create_pool</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The size is not positive.</exception>
    /// <exception cref="WaylandIOException">memfd_create, ftruncate or mmap failed.</exception>
    public static ShmPool Create(WlShm shm, int size)
    {
        ArgumentNullException.ThrowIfNull(shm);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        int fd = FileOps.MemfdCreate("wayland-dotnet-shm", Native.MFD_CLOEXEC | Native.MFD_ALLOW_SEALING, out int errno);
        if (fd < 0)
        {
            throw new WaylandIOException(errno, "memfd_create");
        }

        SafeFdHandle memfd = new(fd);
        nint address = 0;
        try
        {
            if (SharedMemoryOps.Truncate(fd, size, out errno) < 0)
            {
                throw new WaylandIOException(errno, "ftruncate");
            }

            bool sealedShrink = SharedMemoryOps.AddSeals(fd, Native.F_SEAL_SHRINK, out _) == 0;
            address = SharedMemoryOps.Map(fd, size, out errno);
            if (address == 0)
            {
                throw new WaylandIOException(errno, "mmap");
            }

            WlShmPool proxy = shm.CreatePool(memfd, size);
            return new ShmPool(memfd, address, size, proxy) { IsSealed = sealedShrink };
        }
        catch
        {
            SharedMemoryOps.Unmap(address, size);
            memfd.Dispose();
            throw;
        }
    }

    /// <summary>Creates a buffer of the pool (<c>wl_shm_pool.create_buffer</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The buffer does not fit in the pool.</exception>
    public ShmBuffer CreateBuffer(int offset, int width, int height, int stride, WlShmFormat format = WlShmFormat.Argb8888)
    {
        ObjectDisposedException.ThrowIf(_address == 0, this);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfLessThan(stride, width);
        if ((long)offset + (long)stride * height > Size)
        {
            throw new ArgumentOutOfRangeException(nameof(height), $"a {stride}x{height} buffer at offset {offset} does not fit in a {Size}-byte pool");
        }

        return new ShmBuffer(this, Proxy.CreateBuffer(offset, width, height, stride, format), offset, width, height, stride);
    }

    /// <summary>Grows the pool (the protocol allows growing only): the file, the mapping and the compositor's view.</summary>
    public void Resize(int size)
    {
        ObjectDisposedException.ThrowIf(_address == 0, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, Size);
        if (SharedMemoryOps.Truncate(_memfd.Fd, size, out int errno) < 0)
        {
            throw new WaylandIOException(errno, "ftruncate");
        }

        nint moved = SharedMemoryOps.Remap(_address, Size, size, out errno);
        if (moved == 0)
        {
            throw new WaylandIOException(errno, "mremap");
        }

        _address = moved;
        Size = size;
        Proxy.Resize(size);
    }

    internal Span<byte> View(int offset, int length) => SharedMemoryOps.View(_address, offset, length);

    /// <summary>Destroys the pool proxy (buffers made from it stay valid on the compositor's side), unmaps and closes the memfd.</summary>
    public void Dispose()
    {
        if (_address == 0)
        {
            return;
        }

        Proxy.Dispose();
        SharedMemoryOps.Unmap(_address, Size);
        _address = 0;
        _memfd.Dispose();
    }
}
