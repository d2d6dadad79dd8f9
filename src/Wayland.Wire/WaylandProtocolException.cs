namespace Wayland.Wire;

/// <summary>
/// A protocol error: either posted by the peer through <c>wl_display.error</c>, or a violation we
/// detected in what the peer sent. Carries the error code, the interface and the object id.
/// </summary>
public sealed class WaylandProtocolException : WaylandException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">The protocol error code (meaning depends on <paramref name="interfaceName"/>).</param>
    /// <param name="interfaceName">Interface of the object the error is about, or null when unknown.</param>
    /// <param name="objectId">Id of the object the error is about.</param>
    /// <param name="message">Human-readable text from the peer or from our validation.</param>
    public WaylandProtocolException(uint code, string? interfaceName, uint objectId, string message)
        : base($"protocol error {code} on {interfaceName ?? "[unknown]"}#{objectId}: {message}")
    {
        Code = code;
        InterfaceName = interfaceName;
        ObjectId = objectId;
        ErrorMessage = message;
    }

    /// <summary>The protocol error code.</summary>
    public uint Code { get; }

    /// <summary>Interface name of the object, or null when it is not known (object already gone).</summary>
    public string? InterfaceName { get; }

    /// <summary>Object id the error is about.</summary>
    public uint ObjectId { get; }

    /// <summary>The error text as sent by the peer (or produced by our validation).</summary>
    public string ErrorMessage { get; }
}
