using Wayland.Wire;

namespace Wayland.Trace.Decoding;

/// <summary>One message on its way through the proxy, decoded as far as possible; valid only during the call it is passed to.</summary>
internal readonly ref struct TracedMessage
{
    public required TraceClient Client { get; init; }

    /// <summary>True for client to server.</summary>
    public required bool IsRequest { get; init; }

    public required DecodeStatus Status { get; init; }

    public uint ObjectId { get; init; }

    public ushort Opcode { get; init; }

    /// <summary>The target's interface, when known.</summary>
    public TraceInterface? Interface { get; init; }

    /// <summary>The message, when decoded.</summary>
    public TraceMessage? Message { get; init; }

    /// <summary>The message's bytes (for raw output: everything that could not be split into messages).</summary>
    public ReadOnlySpan<byte> Bytes { get; init; }

    /// <summary>Decoded arguments (parallel to <see cref="TraceMessage.Arguments"/>).</summary>
    public ReadOnlySpan<ArgumentValue> Values { get; init; }

    /// <summary>The descriptors the message carried, as numbers in the proxy (-1 when not known).</summary>
    public ReadOnlySpan<int> Fds { get; init; }

    /// <summary>The connection's objects before this message took effect.</summary>
    public required ObjectTable Objects { get; init; }

    /// <summary>Why the message could not be decoded.</summary>
    public string? Problem { get; init; }
}
