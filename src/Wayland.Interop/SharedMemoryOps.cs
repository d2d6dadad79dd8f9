namespace Wayland.Interop;

/// <summary>
/// Shared mappings of a peer's file (wl_shm pools): mmap, mremap, munmap, seals, size and pread.
/// Mappings are addresses (<see cref="nint"/>); <see cref="View"/> is the one place a span is made from one.
/// </summary>
internal static unsafe class SharedMemoryOps
{
    /// <summary>mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0); 0 on failure.</summary>
    internal static nint Map(int fd, long length, out int errno)
    {
        void* address = LibC.Mmap(null, (nuint)length, Native.PROT_READ | Native.PROT_WRITE, Native.MAP_SHARED, fd, 0);
        if (address == (void*)-1)
        {
            errno = Errno.Last;
            return 0;
        }

        errno = 0;
        return (nint)address;
    }

    /// <summary>mremap(address, oldLength, newLength, MREMAP_MAYMOVE); 0 on failure (the old mapping stays).</summary>
    internal static nint Remap(nint address, long oldLength, long newLength, out int errno)
    {
        void* moved = LibC.Mremap((void*)address, (nuint)oldLength, (nuint)newLength, Native.MREMAP_MAYMOVE);
        if (moved == (void*)-1)
        {
            errno = Errno.Last;
            return 0;
        }

        errno = 0;
        return (nint)moved;
    }

    /// <summary>munmap.</summary>
    internal static void Unmap(nint address, long length)
    {
        if (address != 0)
        {
            LibC.Munmap((void*)address, (nuint)length);
        }
    }

    /// <summary>
    /// A span over <paramref name="length"/> bytes at <paramref name="offset"/> of a live mapping. The caller
    /// guarantees the range lies within the mapping and keeps the mapping alive while the span is used.
    /// </summary>
    internal static Span<byte> View(nint address, long offset, int length) => new((byte*)address + offset, length);

    /// <summary>fcntl(F_GET_SEALS); 0 when the file does not support seals.</summary>
    internal static int Seals(int fd)
    {
        int seals = LibC.Fcntl(fd, Native.F_GET_SEALS, 0);
        return seals < 0 ? 0 : seals;
    }

    /// <summary>The file's current size (statx), or -1.</summary>
    internal static long FileSize(int fd, out int errno)
    {
        StatxBuffer buffer = default;
        byte empty = 0;
        int result = LibC.Statx(fd, &empty, Native.AT_EMPTY_PATH, Native.STATX_BASIC_STATS, &buffer);
        errno = result < 0 ? Errno.Last : 0;
        return result < 0 ? -1 : (long)buffer.Size;
    }

    /// <summary>pread until <paramref name="destination"/> is full, EOF or an error; returns the bytes read, or -1.</summary>
    internal static long ReadAt(int fd, Span<byte> destination, long offset, out int errno)
    {
        fixed (byte* start = destination)
        {
            return Transfer(fd, start, destination.Length, offset, write: false, out errno);
        }
    }

    /// <summary>
    /// pwrite until all of <paramref name="source"/> is written at <paramref name="offset"/>; returns the bytes
    /// written (all of them), or -1 with errno.
    /// </summary>
    internal static long WriteAt(int fd, ReadOnlySpan<byte> source, long offset, out int errno)
    {
        fixed (byte* start = source)
        {
            return Transfer(fd, start, source.Length, offset, write: true, out errno);
        }
    }

    /// <summary>pread or pwrite in a loop over partial transfers and EINTR.</summary>
    private static long Transfer(int fd, byte* start, int length, long offset, bool write, out int errno)
    {
        long total = 0;
        errno = 0;
        while (total < length)
        {
            nuint count = (nuint)(length - total);
            nint done = write
                ? LibC.PWrite(fd, start + total, count, offset + total)
                : LibC.PRead(fd, start + total, count, offset + total);
            if (done < 0)
            {
                errno = Errno.Last;
                if (errno == Errno.EINTR)
                {
                    continue;
                }

                return -1;
            }

            if (done == 0)
            {
                if (!write)
                {
                    break; // end of file
                }

                // A regular file never accepts nothing without an error; do not spin on it.
                errno = Errno.ENOSPC;
                return -1;
            }

            total += done;
        }

        return total;
    }

    /// <summary>ftruncate.</summary>
    internal static int Truncate(int fd, long length, out int errno)
    {
        int result = LibC.Ftruncate(fd, length);
        errno = result < 0 ? Errno.Last : 0;
        return result;
    }

    /// <summary>fcntl(F_ADD_SEALS).</summary>
    internal static int AddSeals(int fd, int seals, out int errno)
    {
        int result = LibC.Fcntl(fd, Native.F_ADD_SEALS, seals);
        errno = result < 0 ? Errno.Last : 0;
        return result;
    }
}
