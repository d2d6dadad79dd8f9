namespace Wayland.Trace.Decoding;

/// <summary>How far a message could be decoded.</summary>
internal enum DecodeStatus
{
    /// <summary>Every argument was decoded.</summary>
    Decoded,

    /// <summary>The object id is not one the proxy saw created.</summary>
    UnknownObject,

    /// <summary>The object is known, its interface has no message with that opcode.</summary>
    UnknownOpcode,

    /// <summary>The arguments do not match the message's signature (see the reason).</summary>
    Malformed,

    /// <summary>The header's size is impossible: from here on the stream cannot be split into messages.</summary>
    Unparseable,

    /// <summary>The connection ended in the middle of a message.</summary>
    Incomplete,
}
