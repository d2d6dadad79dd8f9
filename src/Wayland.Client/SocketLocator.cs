using Wayland.Wire;

namespace Wayland.Client;

/// <summary>
/// Finds the compositor socket as libwayland-client does: <c>WAYLAND_SOCKET</c> (an inherited, already
/// connected fd) wins; otherwise the name given, else <c>WAYLAND_DISPLAY</c>, else <c>wayland-0</c>.
/// Absolute names are paths; relative ones are resolved in <c>XDG_RUNTIME_DIR</c>, which must then be
/// set and absolute.
/// </summary>
internal static class SocketLocator
{
    internal const string DefaultName = "wayland-0";

    /// <summary>Resolves a display name to a socket path.</summary>
    /// <exception cref="WaylandConnectException">XDG_RUNTIME_DIR is missing or relative, or the path is too long.</exception>
    internal static string ResolvePath(string? name, Func<string, string?> environment)
    {
        name ??= environment("WAYLAND_DISPLAY");
        if (string.IsNullOrEmpty(name))
        {
            name = DefaultName;
        }

        string path;
        if (Path.IsPathRooted(name))
        {
            path = name;
        }
        else
        {
            string? runtime = environment("XDG_RUNTIME_DIR");
            if (string.IsNullOrEmpty(runtime))
            {
                throw new WaylandConnectException($"XDG_RUNTIME_DIR is not set in the environment, so the display '{name}' cannot be found");
            }

            if (!Path.IsPathRooted(runtime))
            {
                throw new WaylandConnectException($"XDG_RUNTIME_DIR is not an absolute path: '{runtime}'");
            }

            path = runtime.EndsWith('/') ? runtime + name : runtime + "/" + name;
        }

        if (System.Text.Encoding.UTF8.GetByteCount(path) >= 108)
        {
            throw new WaylandConnectException($"socket path is longer than the 107 bytes sun_path allows: {path}");
        }

        return path;
    }

    /// <summary>
    /// Takes the fd named by <c>WAYLAND_SOCKET</c> (and unsets the variable, as libwayland does), or
    /// returns null when it is not set.
    /// </summary>
    /// <exception cref="WaylandConnectException">The variable is not a valid descriptor number.</exception>
    internal static SafeFdHandle? TakeInheritedSocket()
    {
        string? value = Environment.GetEnvironmentVariable("WAYLAND_SOCKET");
        if (value is null)
        {
            return null;
        }

        Environment.SetEnvironmentVariable("WAYLAND_SOCKET", null);
        if (!int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int fd) || fd < 0)
        {
            throw new WaylandConnectException($"WAYLAND_SOCKET is not a file descriptor number: '{value}'");
        }

        SafeFdHandle handle = new(fd);
        try
        {
            // The inherited fd must not leak into our own children.
            handle.SetCloseOnExec(true);
        }
        catch (WaylandIOException e)
        {
            handle.SetHandleAsInvalid();
            throw new WaylandConnectException($"WAYLAND_SOCKET={fd} is not an open descriptor", e);
        }

        return handle;
    }
}
