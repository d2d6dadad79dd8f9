using Wayland.Wire;

namespace Wayland.Client;

/// <summary>Connecting to the compositor failed; the message names the cause.</summary>
public sealed class WaylandConnectException : WaylandException
{
    /// <summary>Creates the exception.</summary>
    public WaylandConnectException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public WaylandConnectException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
