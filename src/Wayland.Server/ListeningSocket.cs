using Wayland.Interop;
using Wayland.Wire;

namespace Wayland.Server;

/// <summary>One listening socket of a display, with its lock file when the display created it.</summary>
internal sealed class ListeningSocket : IDisposable
{
    internal ListeningSocket(SafeFdHandle socket, string? path, string? name, SafeFdHandle? lockFd, string? lockPath)
    {
        Socket = socket;
        Path = path;
        Name = name;
        LockFd = lockFd;
        LockPath = lockPath;
    }

    internal SafeFdHandle Socket { get; }

    /// <summary>The socket file (null for an adopted descriptor).</summary>
    internal string? Path { get; }

    /// <summary>The display name as clients use it (<c>WAYLAND_DISPLAY</c>).</summary>
    internal string? Name { get; }

    internal SafeFdHandle? LockFd { get; }

    internal string? LockPath { get; }

    internal FdEventSource? Source { get; set; }

    /// <summary>As <c>wl_socket_destroy</c>: stop watching, unlink the socket, close it, unlink the lock file, release the lock.</summary>
    public void Dispose()
    {
        Source?.Remove();
        if (Path is not null)
        {
            ServerSocketOps.Unlink(Path, out _);
        }

        Socket.Dispose();
        if (LockPath is not null)
        {
            ServerSocketOps.Unlink(LockPath, out _);
        }

        LockFd?.Dispose();
    }
}
