using Wayland.Wire;

namespace Wayland.Server;

/// <summary>
/// Watches a descriptor (<c>wl_event_loop_add_fd</c>). The loop watches a duplicate it owns, so closing the
/// original descriptor does not leave a stale registration behind; removing the source closes the duplicate.
/// </summary>
public sealed class FdEventSource : EventLoopSource
{
    private readonly FdEventHandler _handler;

    internal FdEventSource(EventLoop loop, int fd, SafeFdHandle duplicate, FdEvents mask, FdEventHandler handler)
        : base(loop)
    {
        Fd = fd;
        Duplicate = duplicate;
        Mask = mask;
        _handler = handler;
    }

    /// <summary>The descriptor this source was created for (passed to the handler).</summary>
    public int Fd { get; }

    /// <summary>What the source currently waits for.</summary>
    public FdEvents Mask { get; private set; }

    internal SafeFdHandle Duplicate { get; }

    /// <summary>Changes what the source waits for (<c>wl_event_source_fd_update</c>); only
    /// <see cref="FdEvents.Readable"/> and <see cref="FdEvents.Writable"/> matter, hang-ups and errors are always reported.</summary>
    /// <exception cref="InvalidOperationException">The source was removed.</exception>
    /// <exception cref="WaylandIOException">epoll_ctl failed.</exception>
    public void Update(FdEvents mask)
    {
        if (IsRemoved)
        {
            throw new InvalidOperationException("the event source was removed");
        }

        Loop.Modify(this, mask);
        Mask = mask;
    }

    internal override void Dispatch(FdEvents events) => _handler(Fd, events);

    internal override void Release() => Duplicate.Dispose();
}
