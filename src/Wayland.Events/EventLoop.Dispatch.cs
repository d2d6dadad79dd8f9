using Wayland.Interop;
using Wayland.Wire;

namespace Wayland.Events;

public sealed partial class EventLoop
{
    /// <summary>
    /// Runs idle callbacks, waits up to <paramref name="timeout"/> for events, then dispatches them: due timers
    /// first (in deadline order), then fd and signal sources, then idle callbacks again, then checked sources
    /// (<c>wl_event_loop_dispatch</c>). Interrupted waits (EINTR) resume with the remaining time.
    /// </summary>
    /// <param name="timeout">How long to wait: <see cref="TimeSpan.Zero"/> polls, <see cref="Timeout.InfiniteTimeSpan"/>
    /// waits for ever; epoll counts whole milliseconds, so a fraction of one is rounded up.</param>
    /// <returns>How many epoll events the batch held (0 on timeout).</returns>
    /// <remarks>An exception thrown by a callback propagates out of this method after the batch's removed sources
    /// are released; the events not yet dispatched are reported again by the next call (epoll is level-triggered).</remarks>
    /// <exception cref="InvalidOperationException">Called from one of this loop's callbacks.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than
    /// <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    /// <exception cref="WaylandIOException">epoll_wait failed.</exception>
    public int Dispatch(TimeSpan timeout) => Dispatch(ToMilliseconds(timeout));

    /// <summary>The epoll timeout for <paramref name="timeout"/>: -1 for ever, else whole milliseconds rounded up.</summary>
    internal static int ToMilliseconds(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return -1;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        return (int)Math.Min(int.MaxValue, (timeout.Ticks + TimeSpan.TicksPerMillisecond - 1) / TimeSpan.TicksPerMillisecond);
    }

    /// <summary>Waits that reported every ready source (fewer than a full batch): between two of them, the loop has
    /// gone through everything that was ready, whatever the number of sources.</summary>
    internal long CompleteWaits { get; private set; }

    /// <summary><see cref="Dispatch(TimeSpan)"/> with epoll's timeout: 0 polls, -1 waits for ever.</summary>
    internal int Dispatch(int timeoutMs)
    {
        ThrowIfDisposed();
        if (_dispatching)
        {
            throw new InvalidOperationException("EventLoop.Dispatch cannot be called from one of the loop's own callbacks");
        }

        _dispatching = true;
        _dispatchThread = Environment.CurrentManagedThreadId;
        int count;
        try
        {
            DispatchIdleCore();
            count = Wait(timeoutMs);
            if (count < BatchSize)
            {
                CompleteWaits++;
            }

            for (int i = 0; i < count; i++)
            {
                if (_events[i].Data == TimerKey)
                {
                    // Timers first, so that fd sources cannot cancel timers that are already due. The timerfd
                    // reports only an expiry of its current setting (arming it resets the count), after which it
                    // is disarmed.
                    _timerFdDeadline = 0;
                    DispatchTimers();
                    break;
                }
            }

            for (int i = 0; i < count; i++)
            {
                ulong data = _events[i].Data;
                if (data == TimerKey)
                {
                    continue;
                }

                if (data == WakeKey)
                {
                    HandleWake();
                    continue;
                }

                EventLoopSource? source = _slots[(int)data];
                if (source is { IsRemoved: false })
                {
                    source.Dispatch(FromEpoll(_events[i].Events));
                }
            }
        }
        finally
        {
            _dispatching = false;
            ReleaseRemoved();
        }

        try
        {
            DispatchIdle();
            DispatchChecks();
        }
        finally
        {
            _dispatchThread = 0;
        }

        return count;
    }

    /// <summary>Runs the idle callbacks queued so far, and those they queue (<c>wl_event_loop_dispatch_idle</c>).</summary>
    public void DispatchIdle()
    {
        ThrowIfDisposed();
        bool nested = _dispatching;
        int thread = _dispatchThread;
        _dispatching = true;
        _dispatchThread = Environment.CurrentManagedThreadId;
        try
        {
            DispatchIdleCore();
        }
        finally
        {
            _dispatching = nested;
            _dispatchThread = thread;
            if (!nested)
            {
                ReleaseRemoved();
            }
        }
    }

    private void DispatchIdleCore()
    {
        while (_idle.TryDequeue(out IdleEventSource? idle))
        {
            if (idle.IsRemoved)
            {
                continue;
            }

            idle.IsRemoved = true;
            idle.Dispatch(FdEvents.None);
        }
    }

    private void DispatchChecks()
    {
        if (_check.Count == 0)
        {
            return;
        }

        _dispatching = true;
        try
        {
            // Sources added by a check callback wait for the next dispatch.
            int count = _check.Count;
            for (int i = 0; i < count && i < _check.Count; i++)
            {
                EventLoopSource source = _check[i];
                if (!source.IsRemoved)
                {
                    source.Dispatch(FdEvents.None);
                }
            }
        }
        finally
        {
            _dispatching = false;
            ReleaseRemoved();
        }
    }

    private int Wait(int timeoutMs)
    {
        long deadline = timeoutMs > 0 ? EventLoopOps.MonotonicNanoseconds() + (timeoutMs * 1_000_000L) : 0;
        while (true)
        {
            int count = EventLoopOps.EpollWait(_epoll.Fd, _events, timeoutMs, out int errno);
            if (count >= 0)
            {
                return count;
            }

            if (errno != Errno.EINTR && errno != Errno.EAGAIN)
            {
                throw new WaylandIOException(errno, "epoll_wait");
            }

            if (timeoutMs > 0)
            {
                long remaining = deadline - EventLoopOps.MonotonicNanoseconds();
                if (remaining <= 0)
                {
                    return 0;
                }

                timeoutMs = (int)Math.Min(int.MaxValue, (remaining + 999_999) / 1_000_000);
            }
        }
    }

    private void HandleWake()
    {
        EventLoopOps.EventDrain(_wake.Fd);
        DeliverPendingSignals();
        int count = _posted.Count;
        while (count-- > 0 && _posted.TryDequeue(out Action? action))
        {
            action();
        }
    }
}
