namespace Wayland.Wire;

/// <summary>Outcome of <see cref="Connection.Flush"/>.</summary>
public enum FlushResult
{
    /// <summary>Everything queued was sent.</summary>
    Complete,

    /// <summary>The socket is full (EAGAIN); what remains is still queued. Wait for it to become writable.</summary>
    WouldBlock,
}

/// <summary>Outcome of <see cref="Connection.Read"/>.</summary>
public enum ReadResult
{
    /// <summary>Bytes (and perhaps descriptors) were received.</summary>
    Data,

    /// <summary>Nothing to read now (EAGAIN).</summary>
    WouldBlock,

    /// <summary>The peer closed the connection and every byte it sent has been read.</summary>
    Closed,

    /// <summary>The incoming buffer is full: consume messages before reading again.</summary>
    BufferFull,
}
