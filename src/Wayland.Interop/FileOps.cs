namespace Wayland.Interop;

/// <summary>Small fd operations over <see cref="LibC"/> that report errno instead of throwing.</summary>
internal static unsafe class FileOps
{
    /// <summary>fcntl(F_DUPFD_CLOEXEC): a new close-on-exec descriptor for the same file, or -1.</summary>
    internal static int DupCloexec(int fd, out int errno)
    {
        int result = LibC.Fcntl(fd, Native.F_DUPFD_CLOEXEC, 0);
        errno = result < 0 ? Errno.Last : 0;
        return result;
    }

    /// <summary>The process's soft limit on descriptors (RLIMIT_NOFILE): every descriptor number is below it. -1
    /// when it cannot be read; <see cref="int.MaxValue"/> when it is larger or unlimited.</summary>
    internal static int DescriptorLimit()
    {
        RLimit limit;
        if (LibC.GetRLimit(Native.RLIMIT_NOFILE, &limit) < 0)
        {
            return -1;
        }

        return limit.Current >= int.MaxValue ? int.MaxValue : (int)limit.Current;
    }

    /// <summary>Sets or clears O_NONBLOCK.</summary>
    internal static int SetNonBlocking(int fd, bool nonBlocking, out int errno)
    {
        int flags = LibC.Fcntl(fd, Native.F_GETFL, 0);
        if (flags < 0)
        {
            errno = Errno.Last;
            return -1;
        }

        int wanted = nonBlocking ? flags | Native.O_NONBLOCK : flags & ~Native.O_NONBLOCK;
        int result = wanted == flags ? 0 : LibC.Fcntl(fd, Native.F_SETFL, wanted);
        errno = result < 0 ? Errno.Last : 0;
        return result;
    }

    /// <summary>Sets or clears FD_CLOEXEC.</summary>
    internal static int SetCloseOnExec(int fd, bool closeOnExec, out int errno)
    {
        int flags = LibC.Fcntl(fd, Native.F_GETFD, 0);
        if (flags < 0)
        {
            errno = Errno.Last;
            return -1;
        }

        int wanted = closeOnExec ? flags | Native.FD_CLOEXEC : flags & ~Native.FD_CLOEXEC;
        int result = LibC.Fcntl(fd, Native.F_SETFD, wanted);
        errno = result < 0 ? Errno.Last : 0;
        return result;
    }

    /// <summary>Device and inode of an open descriptor (statx with AT_EMPTY_PATH).</summary>
    internal static int Identity(int fd, out ulong device, out ulong inode, out ulong size, out int errno)
    {
        StatxBuffer buffer = default;
        byte empty = 0;
        int result = LibC.Statx(fd, &empty, Native.AT_EMPTY_PATH, Native.STATX_BASIC_STATS, &buffer);
        errno = result < 0 ? Errno.Last : 0;
        device = ((ulong)buffer.DevMajor << 32) | buffer.DevMinor;
        inode = buffer.Inode;
        size = buffer.Size;
        return result;
    }

    /// <summary>socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC [| SOCK_NONBLOCK]).</summary>
    internal static int SocketPair(bool nonBlocking, out int first, out int second, out int errno)
    {
        LinuxOnly.Check();
        int* sv = stackalloc int[2];
        int type = Native.SOCK_STREAM | Native.SOCK_CLOEXEC | (nonBlocking ? Native.SOCK_NONBLOCK : 0);
        int result = LibC.SocketPair(Native.AF_UNIX, type, 0, sv);
        errno = result < 0 ? Errno.Last : 0;
        first = result < 0 ? -1 : sv[0];
        second = result < 0 ? -1 : sv[1];
        return result;
    }

    /// <summary>memfd_create with the given flags; the name is cut to its first 80 UTF-16 units (the kernel takes 249 bytes).</summary>
    internal static int MemfdCreate(string name, uint flags, out int errno)
    {
        LinuxOnly.Check();
        // 80 units are at most 240 UTF-8 bytes, which leaves room for the NUL in the buffer and fits the kernel's limit.
        Span<byte> utf8 = stackalloc byte[256];
        int length = System.Text.Encoding.UTF8.GetBytes(name.AsSpan(0, Math.Min(name.Length, 80)), utf8);
        utf8[length] = 0;
        fixed (byte* p = utf8)
        {
            int fd = LibC.MemfdCreate(p, flags);
            errno = fd < 0 ? Errno.Last : 0;
            return fd;
        }
    }

    /// <summary>Waits until the descriptor is readable or writable (poll); returns revents, 0 on timeout, -1 on error.</summary>
    internal static int Poll(int fd, bool readable, bool writable, int timeoutMs, out int errno)
    {
        PollFd pfd = new()
        {
            Fd = fd,
            Events = (short)((readable ? Native.POLLIN : 0) | (writable ? Native.POLLOUT : 0)),
        };
        int result;
        do
        {
            result = LibC.Poll(&pfd, 1, timeoutMs);
            errno = result < 0 ? Errno.Last : 0;
        }
        while (result < 0 && errno == Errno.EINTR);
        return result < 0 ? -1 : (result == 0 ? 0 : pfd.REvents);
    }

    /// <summary>Fills a sockaddr_un; returns false when the path does not fit (108 bytes with its NUL).</summary>
    internal static bool TryMakeAddress(string path, out SockAddrUn address, out uint length)
    {
        address = default;
        address.Family = Native.AF_UNIX;
        Span<byte> utf8 = stackalloc byte[Native.SunPathLength * 4];
        int count = System.Text.Encoding.UTF8.GetMaxByteCount(path.Length) <= utf8.Length
            ? System.Text.Encoding.UTF8.GetBytes(path, utf8)
            : int.MaxValue;
        length = 0;
        if (count >= Native.SunPathLength)
        {
            return false;
        }

        fixed (byte* target = address.Path)
        {
            utf8[..count].CopyTo(new Span<byte>(target, Native.SunPathLength));
            target[count] = 0;
        }

        length = (uint)(sizeof(ushort) + count + 1);
        return true;
    }

    /// <summary>Creates a close-on-exec AF_UNIX stream socket connected to <paramref name="address"/>, or -1.</summary>
    internal static int ConnectUnix(in SockAddrUn address, uint length, out int errno)
    {
        LinuxOnly.Check();
        int fd = LibC.Socket(Native.AF_UNIX, Native.SOCK_STREAM | Native.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            errno = Errno.Last;
            return -1;
        }

        SockAddrUn copy = address;
        int result;
        do
        {
            result = LibC.Connect(fd, &copy, length);
            errno = result < 0 ? Errno.Last : 0;
        }
        while (result < 0 && errno == Errno.EINTR);

        if (result < 0)
        {
            LibC.Close(fd);
            return -1;
        }

        return fd;
    }
}
