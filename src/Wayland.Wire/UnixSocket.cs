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
}
