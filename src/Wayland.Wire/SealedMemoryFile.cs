using Wayland.Interop;

namespace Wayland.Wire;

/// <summary>
/// Read-only anonymous files for handing fixed data to a peer by descriptor — for example a compositor's XKB keymap in
/// <c>wl_keyboard.keymap</c>, which the client maps <c>MAP_PRIVATE</c>. The file is sealed so that neither side can
/// change its size or contents afterwards, so one file can be sent to every client.
/// </summary>
public static class SealedMemoryFile
{
    /// <summary>Every seal there is: no shrinking, no growing, no writing, no further seals.</summary>
    private const int AllSeals = Native.F_SEAL_SHRINK | Native.F_SEAL_GROW | Native.F_SEAL_WRITE | Native.F_SEAL_SEAL;

    /// <summary>The seals to fall back on when <see cref="AllSeals"/> is refused: the size at least stays fixed.</summary>
    private const int SizeSeals = Native.F_SEAL_SHRINK | Native.F_SEAL_GROW | Native.F_SEAL_SEAL;

    /// <summary>
    /// Creates a close-on-exec memfd holding exactly <paramref name="contents"/>, file offset 0, sealed against
    /// shrinking, growing, writing and further sealing. Sealing is best effort: where the kernel refuses seals the
    /// file is returned unsealed (or with the size seals only).
    /// </summary>
    /// <param name="name">Name of the file, seen only in <c>/proc/&lt;pid&gt;/fd</c> (as <c>/memfd:name</c>); long names are cut.</param>
    /// <param name="contents">The bytes the file holds.</param>
    /// <returns>The descriptor; the caller owns it.</returns>
    /// <exception cref="WaylandIOException">memfd_create or pwrite failed (for example EMFILE or ENOMEM).</exception>
    public static SafeFdHandle Create(string name, ReadOnlySpan<byte> contents)
    {
        ArgumentNullException.ThrowIfNull(name);
        int fd = FileOps.MemfdCreate(name, Native.MFD_CLOEXEC | Native.MFD_ALLOW_SEALING, out int errno);
        if (fd < 0 && errno == Errno.EINVAL)
        {
            // Kernels or file systems without sealing: an unsealed file still carries the data.
            fd = FileOps.MemfdCreate(name, Native.MFD_CLOEXEC, out errno);
        }

        if (fd < 0)
        {
            throw new WaylandIOException(errno, "memfd_create");
        }

        SafeFdHandle handle = new(fd);
        try
        {
            if (SharedMemoryOps.WriteAt(fd, contents, 0, out errno) < 0)
            {
                throw new WaylandIOException(errno, "pwrite");
            }

            if (SharedMemoryOps.AddSeals(fd, AllSeals, out _) < 0)
            {
                SharedMemoryOps.AddSeals(fd, SizeSeals, out _);
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }
}
