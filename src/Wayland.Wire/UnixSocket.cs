using Wayland.Interop;

namespace Wayland.Wire;

/// <summary>AF_UNIX stream socket helpers.</summary>
public static class UnixSocket
{
    /// <summary>Creates a connected pair of close-on-exec AF_UNIX stream sockets.</summary>
    /// <exception cref="WaylandIOException">socketpair failed.</exception>
    public static (SafeFdHandle First, SafeFdHandle Second) CreatePair()
    {
        if (FileOps.SocketPair(nonBlocking: false, out int first, out int second, out int errno) < 0)
        {
            throw new WaylandIOException(errno, "socketpair");
        }

        return (new SafeFdHandle(first), new SafeFdHandle(second));
    }

    /// <summary>Connects a close-on-exec AF_UNIX stream socket to the socket file at <paramref name="path"/>.</summary>
    /// <exception cref="ArgumentException">The path is longer than sun_path allows (107 bytes of UTF-8).</exception>
    /// <exception cref="WaylandIOException">socket or connect failed (for example ENOENT or ECONNREFUSED).</exception>
    public static SafeFdHandle Connect(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!FileOps.TryMakeAddress(path, out SockAddrUn address, out uint length))
        {
            throw new ArgumentException($"socket path is too long for sun_path ({Native.SunPathLength - 1} bytes at most): {path}", nameof(path));
        }

        int fd = FileOps.ConnectUnix(address, length, out int errno);
        return fd < 0 ? throw new WaylandIOException(errno, "connect", $"cannot connect to {path}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}") : new SafeFdHandle(fd);
    }

    /// <summary>Blocks until <paramref name="socket"/> is readable (or writable), or the timeout passes.</summary>
    /// <param name="socket">The descriptor to wait on.</param>
    /// <param name="writable">Wait for writability instead of readability.</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> for ever.</param>
    /// <returns>True when ready (or hung up / in error: the next read or write tells which), false on timeout.</returns>
    public static bool Wait(SafeFdHandle socket, bool writable, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(socket);
        int ms = timeout == Timeout.InfiniteTimeSpan ? -1 : (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalMilliseconds));
        int result = FileOps.Poll(socket.Fd, readable: !writable, writable: writable, ms, out int errno);
        return result < 0 ? throw new WaylandIOException(errno, "poll") : result != 0;
    }

    /// <summary>
    /// Creates a close-on-exec AF_UNIX stream socket bound to <paramref name="path"/> and listening. Nothing is locked
    /// or removed: a file already at <paramref name="path"/> makes this fail with EADDRINUSE. The socket file appears
    /// only once the socket listens, so a program waiting for the file can connect as soon as it sees it.
    /// </summary>
    /// <exception cref="ArgumentException">The path is longer than sun_path allows (107 bytes of UTF-8).</exception>
    /// <exception cref="WaylandIOException">socket, bind or listen failed.</exception>
    public static SafeFdHandle Listen(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!FileOps.TryMakeAddress(path, out _, out _))
        {
            throw new ArgumentException($"socket path is too long for sun_path ({Native.SunPathLength - 1} bytes at most): {path}", nameof(path));
        }

        int fd = ServerSocketOps.Listen(path, out int errno);
        return fd < 0
            ? throw new WaylandIOException(errno, "bind", $"cannot listen on {path}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}")
            : new SafeFdHandle(fd);
    }

    /// <summary>
    /// Whether a socket file is at <paramref name="path"/> (lstat: a symbolic link is not followed). For a program that
    /// holds the path's lock file, as <c>Wayland.Server</c> and libwayland take it, and so may remove a socket left
    /// behind there, but nothing else.
    /// </summary>
    /// <returns>False when nothing, or something other than a socket, is there.</returns>
    /// <exception cref="WaylandIOException">lstat failed otherwise (for example EACCES or ENAMETOOLONG).</exception>
    public static bool IsSocketFile(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (ServerSocketOps.LinkMode(path, out uint mode, out int errno) < 0)
        {
            return errno is Errno.ENOENT or Errno.ENOTDIR
                ? false
                : throw new WaylandIOException(errno, "lstat", $"cannot stat {path}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}");
        }

        return (mode & Native.S_IFMT) == Native.S_IFSOCK;
    }

    /// <summary>Accepts one connection on a listening socket (close-on-exec).</summary>
    /// <returns>The connected socket, or null when no connection is pending (EAGAIN) or it went away before it was accepted.</returns>
    /// <exception cref="WaylandIOException">accept failed for another reason (for example EMFILE).</exception>
    public static SafeFdHandle? Accept(SafeFdHandle listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        int fd = ServerSocketOps.Accept(listener.Fd, out int errno);
        if (fd >= 0)
        {
            return new SafeFdHandle(fd);
        }

        return errno is Errno.EAGAIN or Errno.ECONNABORTED ? null : throw new WaylandIOException(errno, "accept");
    }

    /// <summary>The peer's process, user and group ids as of connect (or socketpair) time (<c>SO_PEERCRED</c>).</summary>
    /// <exception cref="WaylandIOException">getsockopt failed (for example ENOTSOCK).</exception>
    public static (int ProcessId, uint UserId, uint GroupId) GetPeerCredentials(SafeFdHandle socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return ServerSocketOps.PeerCredentials(socket.Fd, out int pid, out uint uid, out uint gid, out int errno) < 0
            ? throw new WaylandIOException(errno, "getsockopt(SO_PEERCRED)")
            : (pid, uid, gid);
    }

    /// <summary>
    /// One non-blocking <c>sendmsg</c> of <paramref name="data"/> with <paramref name="fds"/> attached as SCM_RIGHTS
    /// (<c>MSG_NOSIGNAL | MSG_DONTWAIT</c>). The descriptors stay the caller's; once this returns a positive count
    /// they have all been sent with the first byte.
    /// </summary>
    /// <param name="socket">A connected stream socket.</param>
    /// <param name="data">At least one byte.</param>
    /// <param name="fds">At most <see cref="WireLimits.MaxFdsPerSend"/> descriptors.</param>
    /// <returns>How many bytes were sent, or -1 when the socket is full (EAGAIN).</returns>
    /// <exception cref="WaylandIOException">Another error, such as EPIPE or ECONNRESET when the peer is gone.</exception>
    public static int Send(SafeFdHandle socket, ReadOnlySpan<byte> data, ReadOnlySpan<int> fds)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fds.Length, WireLimits.MaxFdsPerSend, nameof(fds));
        nint sent = SocketIO.Send(socket.Fd, data, fds, out int errno);
        return sent >= 0 ? (int)sent : errno == Errno.EAGAIN ? -1 : throw new WaylandIOException(errno, "sendmsg");
    }

    /// <summary>
    /// One non-blocking <c>recvmsg</c> into <paramref name="data"/>; descriptors that came with the bytes (close-on-exec)
    /// are written to <paramref name="fds"/> and belong to the caller.
    /// </summary>
    /// <param name="socket">A connected stream socket.</param>
    /// <param name="data">Where bytes go.</param>
    /// <param name="fds">Where descriptors go; <see cref="MaxFdsPerReceive"/> slots hold any batch the kernel can deliver.</param>
    /// <param name="fdCount">How many descriptors were written to <paramref name="fds"/>.</param>
    /// <returns>How many bytes were received: 0 when the peer has closed its end, -1 when nothing is there (EAGAIN).</returns>
    /// <exception cref="WaylandIOException">A socket error, or descriptors lost (control data truncated, or more than
    /// <paramref name="fds"/> holds: EOVERFLOW; those that did arrive are closed).</exception>
    public static int Receive(SafeFdHandle socket, Span<byte> data, Span<int> fds, out int fdCount)
    {
        ArgumentNullException.ThrowIfNull(socket);
        nint received = SocketIO.Receive(socket.Fd, data, fds, out fdCount, out bool truncated, out bool overflow, out int errno);
        if (received < 0)
        {
            fdCount = 0;
            return errno == Errno.EAGAIN ? -1 : throw new WaylandIOException(errno, "recvmsg");
        }

        if (truncated || overflow)
        {
            FdList.CloseAll(fds[..fdCount]);
            fdCount = 0;
            throw new WaylandIOException(Errno.EOVERFLOW, "recvmsg", "recvmsg: descriptors were lost (control data truncated or too many)");
        }

        return (int)received;
    }

    /// <summary>Most descriptors one <c>recvmsg</c> can deliver (the kernel's SCM_MAX_FD).</summary>
    public const int MaxFdsPerReceive = 253;
}
