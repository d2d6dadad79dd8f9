namespace Wayland.Server;

/// <summary>What an fd source waits for, and what happened to it (libwayland's <c>WL_EVENT_*</c> bits).</summary>
[Flags]
public enum FdEvents : uint
{
    /// <summary>Nothing (a post-dispatch check call, see <see cref="EventLoopSource.Check"/>).</summary>
    None = 0,

    /// <summary>The descriptor is readable (EPOLLIN).</summary>
    Readable = 0x01,

    /// <summary>The descriptor is writable (EPOLLOUT).</summary>
    Writable = 0x02,

    /// <summary>The peer hung up (EPOLLHUP); always reported, never asked for.</summary>
    Hangup = 0x04,

    /// <summary>An error condition (EPOLLERR); always reported, never asked for.</summary>
    Error = 0x08,
}
