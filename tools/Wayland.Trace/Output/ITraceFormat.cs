using Wayland.Trace.Decoding;

namespace Wayland.Trace.Output;

/// <summary>Turns messages into output lines (WAYLAND_DEBUG text or JSON Lines).</summary>
internal interface ITraceFormat
{
    /// <summary>Writes one message.</summary>
    void Write(in TracedMessage message, DateTime time);

    /// <summary>Writes a note about the proxy itself (a client connecting or leaving, a warning).</summary>
    void Note(TraceClient? client, string text, DateTime time);
}
