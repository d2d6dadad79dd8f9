namespace Wayland.Wire;

/// <summary>Base of every exception thrown by Wayland for .NET.</summary>
public class WaylandException : Exception
{
    /// <summary>Creates the exception.</summary>
    public WaylandException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public WaylandException(string message, Exception? inner)
        : base(message, inner)
    {
    }
}
