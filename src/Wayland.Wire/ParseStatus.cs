namespace Wayland.Wire;

/// <summary>Outcome of reading a message from received bytes.</summary>
public enum ParseStatus
{
    /// <summary>The message is complete and valid.</summary>
    Complete,

    /// <summary>Not all of the message's bytes have arrived yet.</summary>
    NeedMoreData,

    /// <summary>The bytes are complete but fewer file descriptors are queued than the message carries.</summary>
    NeedMoreFds,

    /// <summary>The message can never be valid; see <see cref="MalformedReason"/>.</summary>
    Malformed,
}

/// <summary>Why a message was judged malformed.</summary>
public enum MalformedReason
{
    /// <summary>Not malformed.</summary>
    None,

    /// <summary>The header's size field is below 8.</summary>
    SizeTooSmall,

    /// <summary>The header's size field is above <see cref="WireLimits.MaxMessageSize"/>.</summary>
    SizeTooLarge,

    /// <summary>The message is shorter than its arguments need.</summary>
    Truncated,

    /// <summary>A length field points past the end of the message (or overflows).</summary>
    LengthOverflow,

    /// <summary>A string does not end with NUL.</summary>
    StringNotTerminated,

    /// <summary>A string contains a NUL before its end.</summary>
    StringEmbeddedNul,

    /// <summary>A non-nullable string is null.</summary>
    NullString,

    /// <summary>A non-nullable object is null.</summary>
    NullObject,

    /// <summary>A new_id is 0.</summary>
    NullNewId,

    /// <summary>The message carries a file descriptor that never arrived.</summary>
    MissingFd,
}
