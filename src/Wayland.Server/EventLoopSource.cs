namespace Wayland.Server;

/// <summary>
/// Something an <see cref="EventLoop"/> watches: a descriptor, a timer, a signal or an idle callback.
/// Sources are created by the loop's <c>Add…</c> methods and used on the loop's thread only.
/// </summary>
/// <remarks>
/// Removing a source during a dispatch batch takes effect at once — a removed source is never called again,
/// even if the batch being dispatched already contains an event for it — and its slot is freed after the
/// batch, as libwayland does.
/// </remarks>
public abstract class EventLoopSource
{
    private protected EventLoopSource(EventLoop loop) => Loop = loop;

    /// <summary>The loop this source belongs to.</summary>
    public EventLoop Loop { get; }

    /// <summary>Whether <see cref="Remove"/> was called (or the loop was disposed).</summary>
    public bool IsRemoved { get; internal set; }

    /// <summary>The epoll slot of an fd-backed source, -1 otherwise.</summary>
    internal int Slot { get; set; } = -1;

    /// <summary>Stops watching and releases the source's descriptors. Calling it again does nothing.</summary>
    public void Remove() => Loop.RemoveSource(this);

    /// <summary>
    /// Also calls this source after every dispatch, with no events (<c>wl_event_source_check</c>): a way to
    /// handle work that arrived through means the descriptor does not signal, such as data already buffered.
    /// </summary>
    /// <exception cref="InvalidOperationException">The source is removed, or is an idle source.</exception>
    public void Check() => Loop.AddCheck(this);

    /// <summary>Runs the source's callback for <paramref name="events"/>.</summary>
    internal abstract void Dispatch(FdEvents events);

    /// <summary>Releases what the source owns (descriptors, timer slot); called once by the loop.</summary>
    internal virtual void Release()
    {
    }
}
