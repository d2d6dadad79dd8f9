namespace Wayland.Server;

/// <summary>
/// A one-shot timer (<c>wl_event_loop_add_timer</c>). All timers of a loop share one timerfd; due timers are
/// called in deadline order, before any fd source of the same dispatch.
/// </summary>
public sealed class TimerEventSource : EventLoopSource
{
    private readonly Action _callback;

    internal TimerEventSource(EventLoop loop, Action callback)
        : base(loop) => _callback = callback;

    /// <summary>Whether the timer is armed.</summary>
    public bool IsArmed => HeapIndex >= 0;

    /// <summary>Position in the loop's timer heap, -1 when disarmed.</summary>
    internal int HeapIndex { get; set; } = -1;

    /// <summary>Absolute CLOCK_MONOTONIC deadline in nanoseconds (0 when disarmed).</summary>
    internal long Deadline { get; set; }

    /// <summary>
    /// Arms the timer to fire once, <paramref name="milliseconds"/> from now, replacing any earlier deadline;
    /// 0 or less disarms it (<c>wl_event_source_timer_update</c>). Disarming a timer that is already due in
    /// the batch being dispatched does not stop that call; only <see cref="EventLoopSource.Remove"/> does.
    /// </summary>
    /// <exception cref="InvalidOperationException">The source was removed.</exception>
    public void Update(int milliseconds)
    {
        if (IsRemoved)
        {
            throw new InvalidOperationException("the timer was removed");
        }

        Loop.UpdateTimer(this, milliseconds);
    }

    internal override void Dispatch(FdEvents events) => _callback();

    internal override void Release() => Loop.UpdateTimer(this, 0);

    internal void Fire() => _callback();
}
