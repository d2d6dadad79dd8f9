using System.Runtime.InteropServices;

namespace Wayland.Compositor.Surfaces;

/// <summary>
/// The pixels of a surface's content: <see cref="Width"/> × <see cref="Height"/> premultiplied 0xAARRGGBB, row after row
/// without padding, in native memory of their own (zeroed when made) rather than a GC array. Content is freed the moment
/// the surface lets it go (<see cref="SafeHandle.Dispose()"/>: a new size, a NULL buffer, the surface destroyed), so
/// memory a client made the compositor hold goes back to the C allocator at once, and from there to the system (big
/// blocks are mapped of their own and unmapped when freed), where a GC array would wait, as garbage, for a full
/// collection that an idle compositor never makes.
///
/// Every read and write goes through <see cref="Open"/>, which holds the memory until the access is disposed: memory
/// freed while an access is open is released when the access ends, and <see cref="Open"/> on freed content throws
/// <see cref="ObjectDisposedException"/>. Nothing can read freed memory, whichever thread frees it (surfaces are only
/// touched on the loop's thread; this holds even when a host misuses the compositor from two threads). Should content
/// never be disposed, the finalizer frees it.
/// </summary>
internal sealed unsafe class ContentImage : SafeHandle
{
    /// <summary>
    /// Content of this many bytes or more is freed on a thread of its own (see Releaser): giving a big block back to the system takes
    /// time in proportion to its pages (a client leaving with 2 GiB of content held the loop 0.35 s freeing it there).
    /// </summary>
    private const long FreeElsewhereFrom = 1 << 20;

    private readonly ContentMemory _memory;

    private ContentImage(ContentMemory memory, int width, int height)
        : base(0, ownsHandle: true)
    {
        _memory = memory;
        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Bytes the pixels take: 4 a pixel.</summary>
    public long Bytes => (long)Width * Height * 4;

    public override bool IsInvalid => handle == 0;

    /// <summary>Zeroed content of <paramref name="width"/> × <paramref name="height"/> (each 1 or more), or null when the memory cannot be had.</summary>
    public static ContentImage? TryCreate(ContentMemory memory, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ContentImage image = new(memory, width, height);
        void* pixels = NativeMemory.AllocZeroed((nuint)image.Bytes);
        if (pixels == null)
        {
            GC.SuppressFinalize(image);
            return null;
        }

        image.SetHandle((nint)pixels);
        memory.NativeAllocated(image.Bytes);
        return image;
    }

    /// <summary>Access to the pixels, holding them until it is disposed.</summary>
    /// <exception cref="ObjectDisposedException">The content was freed.</exception>
    public Access Open()
    {
        bool added = false;
        DangerousAddRef(ref added);
        return new Access(this, new Span<uint>((void*)handle, Width * Height));
    }

    protected override bool ReleaseHandle()
    {
        if (Bytes < FreeElsewhereFrom)
        {
            Free((handle, Bytes, _memory));
        }
        else
        {
            Releaser.Queue(handle, Bytes, _memory);
        }

        return true;
    }

    private static void Free((nint Pixels, long Bytes, ContentMemory Memory) block)
    {
        NativeMemory.Free((void*)block.Pixels);
        block.Memory.NativeFreed(block.Bytes);
    }

    /// <summary>
    /// One thread, started on first use, that frees big content one block after the other: not the loop's thread, so
    /// that the loop goes on meanwhile, and one thread only, so that freeing takes at most one core from it (freed on
    /// thread-pool threads, 2 GiB leaving at once kept both cores of a 2-core machine busy, and the loop waited 0.28 s).
    /// </summary>
    private static class Releaser
    {
        private static readonly System.Collections.Concurrent.ConcurrentQueue<(nint, long, ContentMemory)> Blocks = new();
        private static readonly SemaphoreSlim Pending = new(0);
        private static int _started;

        public static void Queue(nint pixels, long bytes, ContentMemory memory)
        {
            Blocks.Enqueue((pixels, bytes, memory));
            if (Interlocked.Exchange(ref _started, 1) == 0)
            {
                new Thread(Run) { IsBackground = true, Name = "wayland-content-free" }.Start();
            }

            Pending.Release();
        }

        private static void Run()
        {
            while (true)
            {
                Pending.Wait();
                // Not paced: paced to 2 GiB a second, a client churning 16 MiB surfaces outran it and the queue
                // held 3.7 GB.
                if (Blocks.TryDequeue(out (nint, long, ContentMemory) block))
                {
                    Free(block);
                }
            }
        }
    }

    public override string ToString() => $"content {Width}x{Height}";

    /// <summary>The pixels of a <see cref="ContentImage"/> while open; dispose it exactly once.</summary>
    public readonly ref struct Access
    {
        private readonly ContentImage _owner;

        internal Access(ContentImage owner, Span<uint> pixels)
        {
            _owner = owner;
            Pixels = pixels;
        }

        /// <summary>All of them, row-major: pixel (x, y) is at <c>y * Width + x</c>.</summary>
        public Span<uint> Pixels { get; }

        public int Width => _owner.Width;

        public int Height => _owner.Height;

        /// <summary>Row <paramref name="y"/> (bounds-checked).</summary>
        public Span<uint> GetRow(int y) => Pixels.Slice(y * _owner.Width, _owner.Width);

        public void Dispose() => _owner.DangerousRelease();
    }
}
