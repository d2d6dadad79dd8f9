using Wayland.Wire;
using Wayland.Interop;

namespace Wayland.Client;

public sealed partial class WaylandDisplay
{
    /// <summary>
    /// Connects to the compositor as libwayland-client does: an fd inherited through <c>WAYLAND_SOCKET</c>
    /// wins, even over <paramref name="name"/> (the variable is then unset; a value that is not a number
    /// fails and stays set, and nothing else is tried); otherwise <paramref name="name"/>, else <c>WAYLAND_DISPLAY</c>,
    /// else <c>wayland-0</c>. Absolute names are socket paths; relative ones are looked up in
    /// <c>XDG_RUNTIME_DIR</c>. <c>WAYLAND_DEBUG=1</c> or <c>client</c> logs every message to stderr.
    /// </summary>
    /// <param name="name">Display name or socket path; null for the environment's choice. Ignored when
    /// <c>WAYLAND_SOCKET</c> is set.</param>
    /// <param name="logger">Where to log every message; null to follow <c>WAYLAND_DEBUG</c>.</param>
    /// <exception cref="WaylandConnectException">The socket cannot be found or connected, or <c>WAYLAND_SOCKET</c>
    /// is not an open descriptor number; the message says why.</exception>
    public static WaylandDisplay Connect(string? name = null, ProtocolLogger? logger = null)
    {
        logger ??= ProtocolLogger.FromEnvironment(server: false);
        if (SocketLocator.TakeInheritedSocket() is { } inherited)
        {
            return new WaylandDisplay(inherited, logger, 0);
        }

        string path = SocketLocator.ResolvePath(name, Environment.GetEnvironmentVariable);
        SafeFdHandle socket;
        try
        {
            socket = UnixSocket.Connect(path);
        }
        catch (WaylandIOException e)
        {
            string cause = e.Errno switch
            {
                Errno.ENOENT => "no such socket (is the compositor running, and is the name right?)",
                Errno.ECONNREFUSED => Directory.Exists(path) ? "it is a directory, not a socket"
                    : !IsSocketFile(path) ? "it is a file, not a socket"
                    : "connection refused (the socket exists but nobody is listening)",
                Errno.EACCES => "permission denied",
                _ => e.Message,
            };
            throw new WaylandConnectException($"cannot connect to the Wayland compositor at {path}: {cause}", e);
        }

        return new WaylandDisplay(socket, logger, 0);
    }

    /// <summary>Whether a socket is at <paramref name="path"/>; connect refuses a path that is not one as it refuses a
    /// socket nobody listens on.</summary>
    private static bool IsSocketFile(string path)
    {
        try
        {
            return UnixSocket.IsSocketFile(path);
        }
        catch (WaylandIOException)
        {
            return true; // cannot tell: say what connect said
        }
    }

    /// <summary>Uses an already connected socket (<c>wl_display_connect_to_fd</c>); the display takes ownership.</summary>
    /// <param name="socket">A connected AF_UNIX stream socket.</param>
    /// <param name="logger">Where to log every message; null to follow <c>WAYLAND_DEBUG</c>.</param>
    public static WaylandDisplay ConnectTo(SafeFdHandle socket, ProtocolLogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(socket);
        return new WaylandDisplay(socket, logger ?? ProtocolLogger.FromEnvironment(server: false), 0);
    }
}
