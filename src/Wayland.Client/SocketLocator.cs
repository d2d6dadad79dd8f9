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
    /// Takes the fd named by <c>WAYLAND_SOCKET</c>, or returns null when the variable is not set. As in
    /// libwayland's <c>wl_display_connect</c>: a value that is not a base-10 number (as <c>strtol</c> reads
    /// it: leading blanks and a sign allowed, nothing after the digits, no overflow) fails and leaves the
    /// variable set; otherwise the variable is unset and the fd made close-on-exec. libwayland then uses
    /// even a descriptor that is not open and fails at the first read or write; we fail here, naming it.
    /// </summary>
    /// <exception cref="WaylandConnectException">The variable is not a number, or not an open descriptor.</exception>
    internal static SafeFdHandle? TakeInheritedSocket()
    {
        string? value = Environment.GetEnvironmentVariable("WAYLAND_SOCKET");
        if (value is null)
        {
            return null;
        }

        if (!TryParseDescriptor(value, out long number))
        {
            throw new WaylandConnectException($"WAYLAND_SOCKET is not a file descriptor number: '{value}'");
        }

        Environment.SetEnvironmentVariable("WAYLAND_SOCKET", null);
        if (number is < 0 or > int.MaxValue)
        {
            throw new WaylandConnectException($"WAYLAND_SOCKET={value} is not an open descriptor");
        }

        SafeFdHandle handle = new((int)number);
        try
        {
            // The inherited fd must not leak into our own children.
            handle.SetCloseOnExec(true);
        }
        catch (WaylandIOException e)
        {
            handle.SetHandleAsInvalid();
            throw new WaylandConnectException($"WAYLAND_SOCKET={value} is not an open descriptor", e);
        }

        return handle;
    }

    /// <summary>Reads <paramref name="value"/> as <c>strtol(value, &amp;end, 10)</c> does and accepts it as
    /// libwayland does: at least one digit, nothing after the digits, no overflow. .NET's invariant integer parsing
    /// with leading white space (C's <c>isspace</c> set) and a leading sign allowed is exactly that.</summary>
    internal static bool TryParseDescriptor(string value, out long number) =>
        long.TryParse(value, System.Globalization.NumberStyles.AllowLeadingWhite | System.Globalization.NumberStyles.AllowLeadingSign,
            System.Globalization.CultureInfo.InvariantCulture, out number);
}
