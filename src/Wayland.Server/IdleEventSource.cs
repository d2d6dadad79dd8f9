namespace Wayland.Server;

/// <summary>
/// A callback run once, the next time the loop is idle: at the start of the next dispatch and after the
/// fd sources of a dispatch (<c>wl_event_loop_add_idle</c>). It is removed once it has run.
/// </summary>
public sealed class IdleEventSource : EventLoopSource
{
    private readonly Action _callback;

    internal IdleEventSource(EventLoop loop, Action callback)
        : base(loop) => _callback = callback;

    internal override void Dispatch(FdEvents events) => _callback();
}
