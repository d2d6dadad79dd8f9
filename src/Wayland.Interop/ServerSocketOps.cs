namespace Wayland.Interop;

/// <summary>
/// Listening sockets, accept, peer credentials and lock files for the server side. Every call returns -1
/// with errno in an out parameter instead of throwing.
/// </summary>
internal static unsafe class ServerSocketOps
{
    private static int s_listenerCount;

    /// <summary>
    /// Creates a close-on-exec AF_UNIX stream socket listening at <paramref name="path"/>. The socket file appears at
    /// the path only once the socket listens, so whoever sees it can connect (with bind and listen on the path itself,
    /// a connection between the two is refused): it is bound under a temporary name in the same directory, listens, and is then
    /// linked to the path, which fails as bind would if anything is there, and the temporary name is removed. When the
    /// temporary name does not fit in sun_path, or the file system has no hard links, the path is bound directly.
    /// </summary>
    internal static int Listen(string path, out int errno)
    {
        LinuxOnly.Check();
        if (!FileOps.TryMakeAddress(path, out SockAddrUn address, out uint length))
        {
            errno = Errno.ENAMETOOLONG;
            return -1;
        }

        string? directory = System.IO.Path.GetDirectoryName(path);
        string temporary = System.IO.Path.Combine(directory ?? "",
            $".{System.IO.Path.GetFileName(path)}.{Environment.ProcessId}.{Interlocked.Increment(ref s_listenerCount)}.new");
        if (directory is null || !FileOps.TryMakeAddress(temporary, out SockAddrUn temporaryAddress, out uint temporaryLength))
        {
            return BindAndListen(address, length, out errno);
        }

        Unlink(temporary, out _); // a leftover of a process that had this pid and died between bind and link
        RemoveLeftovers(directory, System.IO.Path.GetFileName(path));
        int fd = BindAndListen(temporaryAddress, temporaryLength, out errno);
        if (fd < 0)
        {
            return -1;
        }

        int linked = LibC.Link(temporaryAddress.Path, address.Path);
        int linkErrno = linked < 0 ? Errno.Last : 0;
        Unlink(temporary, out _);
        if (linked == 0)
        {
            errno = 0;
            return fd;
        }

        LibC.Close(fd);
        if (linkErrno == Errno.EEXIST)
        {
            errno = Errno.EADDRINUSE; // what bind says for an existing path
            return -1;
        }

        return BindAndListen(address, length, out errno);
    }

    /// <summary>
    /// Removes the temporary names of sockets for the same path that processes no longer running left behind: a
    /// process killed between bind and link leaves one (<c>.NAME.PID.N.new</c>). A name of a running process, or
    /// one that is not a socket, is left alone; at worst a live process's link then fails and it binds the path
    /// directly.
    /// </summary>
    private static void RemoveLeftovers(string directory, string name)
    {
        try
        {
            foreach (string leftover in System.IO.Directory.EnumerateFileSystemEntries(directory, $".{name}.*.new"))
            {
                // .NAME.PID.N.new: the pid is the second field from the end, after the name.
                string[] fields = System.IO.Path.GetFileName(leftover)[(name.Length + 2)..].Split('.');
                if (fields.Length == 3 && int.TryParse(fields[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)
                    && pid > 0 && pid != Environment.ProcessId && !IsRunning(pid)
                    && LinkMode(leftover, out uint mode, out _) == 0 && (mode & Native.S_IFMT) == Native.S_IFSOCK)
                {
                    Unlink(leftover, out _);
                }
            }
        }
        catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException)
        {
            // An unreadable directory, or one that changed while it was read: leftovers stay, and the bind below
            // reports what is wrong with the directory, if anything.
        }
    }

    /// <summary>Whether process <paramref name="pid"/> exists (kill with signal 0: ESRCH when it does not).</summary>
    private static bool IsRunning(int pid) => LibC.Kill(pid, 0) == 0 || Errno.Last != Errno.ESRCH;

    private static int BindAndListen(in SockAddrUn address, uint length, out int errno)
    {
        int fd = LibC.Socket(Native.AF_UNIX, Native.SOCK_STREAM | Native.SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            errno = Errno.Last;
            return -1;
        }

        SockAddrUn copy = address;
        if (LibC.Bind(fd, &copy, length) < 0 || LibC.Listen(fd, Native.ListenBacklog) < 0)
        {
            errno = Errno.Last;
            LibC.Close(fd);
            return -1;
        }

        errno = 0;
        return fd;
    }

    /// <summary>accept4(fd, NULL, NULL, SOCK_CLOEXEC), retried on EINTR.</summary>
    internal static int Accept(int listener, out int errno)
    {
        int fd;
        do
        {
            fd = LibC.Accept4(listener, null, null, Native.SOCK_CLOEXEC);
            errno = fd < 0 ? Errno.Last : 0;
        }
        while (fd < 0 && errno == Errno.EINTR);

        return fd;
    }

    /// <summary>getsockopt(SO_PEERCRED): the peer's pid, uid and gid as of connect (or socketpair) time.</summary>
    internal static int PeerCredentials(int fd, out int pid, out uint uid, out uint gid, out int errno)
    {
        UCred cred = default;
        uint length = (uint)sizeof(UCred);
        int result = LibC.GetSockOpt(fd, Native.SOL_SOCKET, Native.SO_PEERCRED, &cred, &length);
        errno = result < 0 ? Errno.Last : 0;
        pid = cred.Pid;
        uid = cred.Uid;
        gid = cred.Gid;
        return result;
    }

    /// <summary>ioctl(SIOCOUTQ): the bytes sent on a stream socket that the peer has not read yet (for AF_UNIX, the
    /// memory its queued messages take), or -1.</summary>
    internal static int UnreadBytes(int fd)
    {
        int bytes = 0;
        return LibC.Ioctl(fd, Native.SIOCOUTQ, &bytes) < 0 ? -1 : bytes;
    }

    /// <summary>open(path, O_CREAT | O_CLOEXEC | O_RDWR, 0660) then flock(LOCK_EX | LOCK_NB).</summary>
    /// <returns>The locked descriptor, or -1: <paramref name="lockFailed"/> tells whether flock (true) or open (false) failed.</returns>
    internal static int OpenAndLock(string path, out bool lockFailed, out int errno)
    {
        lockFailed = false;
        Span<byte> utf8 = stackalloc byte[Native.SunPathLength * 4 + 16];
        if (!TryPath(path, utf8))
        {
            errno = Errno.ENAMETOOLONG;
            return -1;
        }

        int fd;
        fixed (byte* p = utf8)
        {
            fd = LibC.Open(p, Native.O_CREAT | Native.O_CLOEXEC | Native.O_RDWR, 0x1b0 /* 0660 */);
        }

        if (fd < 0)
        {
            errno = Errno.Last;
            return -1;
        }

        if (LibC.Flock(fd, Native.LOCK_EX | Native.LOCK_NB) < 0)
        {
            errno = Errno.Last;
            lockFailed = true;
            LibC.Close(fd);
            return -1;
        }

        errno = 0;
        return fd;
    }

    /// <summary>lstat's st_mode of <paramref name="path"/>; -1 with ENOENT when it does not exist.</summary>
    internal static int LinkMode(string path, out uint mode, out int errno)
    {
        mode = 0;
        Span<byte> utf8 = stackalloc byte[Native.SunPathLength * 4 + 16];
        if (!TryPath(path, utf8))
        {
            errno = Errno.ENAMETOOLONG;
            return -1;
        }

        StatxBuffer buffer = default;
        int result;
        fixed (byte* p = utf8)
        {
            result = LibC.Statx(Native.AT_FDCWD, p, Native.AT_SYMLINK_NOFOLLOW, Native.STATX_BASIC_STATS, &buffer);
        }

        errno = result < 0 ? Errno.Last : 0;
        mode = buffer.Mode;
        return result;
    }

    /// <summary>st_mode of an open descriptor.</summary>
    internal static int DescriptorMode(int fd, out uint mode, out int errno)
    {
        StatxBuffer buffer = default;
        byte empty = 0;
        int result = LibC.Statx(fd, &empty, Native.AT_EMPTY_PATH, Native.STATX_BASIC_STATS, &buffer);
        errno = result < 0 ? Errno.Last : 0;
        mode = buffer.Mode;
        return result;
    }

    /// <summary>unlink(path).</summary>
    internal static int Unlink(string path, out int errno)
    {
        Span<byte> utf8 = stackalloc byte[Native.SunPathLength * 4 + 16];
        if (!TryPath(path, utf8))
        {
            errno = Errno.ENAMETOOLONG;
            return -1;
        }

        int result;
        fixed (byte* p = utf8)
        {
            result = LibC.Unlink(p);
        }

        errno = result < 0 ? Errno.Last : 0;
        return result;
    }

    private static bool TryPath(string path, Span<byte> utf8)
    {
        if (System.Text.Encoding.UTF8.GetMaxByteCount(path.Length) >= utf8.Length)
        {
            return false;
        }

        int count = System.Text.Encoding.UTF8.GetBytes(path, utf8);
        utf8[count] = 0;
        return true;
    }
}
