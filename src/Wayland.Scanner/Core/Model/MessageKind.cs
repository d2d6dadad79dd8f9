namespace Wayland.Scanner.Model;

/// <summary>Direction of a message.</summary>
internal enum MessageKind
{
    /// <summary>Client to server.</summary>
    Request,

    /// <summary>Server to client.</summary>
    Event,
}
