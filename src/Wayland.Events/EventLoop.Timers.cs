using Wayland.Interop;
using Wayland.Wire;

namespace Wayland.Events;

public sealed partial class EventLoop
{
    private readonly List<TimerEventSource> _due = [];
    private TimerEventSource[] _timers = new TimerEventSource[8];
    private int _timerCount;

    /// <summary>The deadline the timerfd is armed for; 0 when it is disarmed (also once it has expired).</summary>
    private long _timerFdDeadline;

    /// <summary>Arms (<paramref name="milliseconds"/> &gt; 0) or disarms a timer and keeps the timerfd on the earliest deadline.</summary>
    internal void UpdateTimer(TimerEventSource timer, int milliseconds)
    {
        if (_disposed)
        {
            ObjectDisposedException.ThrowIf(milliseconds > 0, this);
            return;
        }

        if (milliseconds > 0)
        {
            long deadline = EventLoopOps.MonotonicNanoseconds() + (milliseconds * 1_000_000L);
            if (timer.HeapIndex < 0)
            {
                Arm(timer, deadline);
            }
            else
            {
                bool earlier = deadline < timer.Deadline;
                timer.Deadline = deadline;
                if (earlier)
                {
                    SiftUp(timer.HeapIndex);
                }
                else
                {
                    SiftDown(timer.HeapIndex);
                }
            }
        }
        else if (timer.HeapIndex >= 0)
        {
            Disarm(timer);
        }
        else
        {
            return;
        }

        SetTimerFd();
    }

    /// <summary>Takes every due timer off the heap, re-arms the timerfd, then calls the due timers in deadline
    /// order — skipping those removed by an earlier callback of the batch.</summary>
    private void DispatchTimers()
    {
        long now = EventLoopOps.MonotonicNanoseconds();
        _due.Clear();
        while (_timerCount > 0 && _timers[0].Deadline <= now)
        {
            TimerEventSource timer = _timers[0];
            Disarm(timer);
            _due.Add(timer);
        }

        SetTimerFd();
        try
        {
            foreach (TimerEventSource timer in _due)
            {
                if (!timer.IsRemoved)
                {
                    timer.Fire();
                }
            }
        }
        finally
        {
            _due.Clear();
        }
    }

    private void SetTimerFd()
    {
        if (_disposed)
        {
            return;
        }

        long deadline = _timerCount > 0 ? _timers[0].Deadline : 0;
        if (deadline == _timerFdDeadline)
        {
            // Already so: typically no timer is left after an expiry, which disarmed the timerfd.
            return;
        }

        if (EventLoopOps.TimerSet(_timerFd.Fd, deadline, out int errno) < 0)
        {
            throw new WaylandIOException(errno, "timerfd_settime");
        }

        _timerFdDeadline = deadline;
    }

    private void Arm(TimerEventSource timer, long deadline)
    {
        if (_timerCount == _timers.Length)
        {
            Array.Resize(ref _timers, _timers.Length * 2);
        }

        timer.Deadline = deadline;
        timer.HeapIndex = _timerCount;
        _timers[_timerCount++] = timer;
        SiftUp(timer.HeapIndex);
    }

    private void Disarm(TimerEventSource timer)
    {
        int index = timer.HeapIndex;
        timer.HeapIndex = -1;
        timer.Deadline = 0;
        TimerEventSource last = _timers[--_timerCount];
        _timers[_timerCount] = null!;
        if (index == _timerCount)
        {
            return;
        }

        _timers[index] = last;
        last.HeapIndex = index;
        SiftDown(index);
        SiftUp(last.HeapIndex);
    }

    private void SiftUp(int index)
    {
        TimerEventSource timer = _timers[index];
        while (index > 0)
        {
            int parent = (index - 1) / 2;
            if (timer.Deadline >= _timers[parent].Deadline)
            {
                break;
            }

            Place(_timers[parent], index);
            index = parent;
        }

        Place(timer, index);
    }

    private void SiftDown(int index)
    {
        TimerEventSource timer = _timers[index];
        while (true)
        {
            int child = (2 * index) + 1;
            if (child >= _timerCount)
            {
                break;
            }

            if (child + 1 < _timerCount && _timers[child + 1].Deadline < _timers[child].Deadline)
            {
                child++;
            }

            if (_timers[child].Deadline >= timer.Deadline)
            {
                break;
            }

            Place(_timers[child], index);
            index = child;
        }

        Place(timer, index);
    }

    private void Place(TimerEventSource timer, int index)
    {
        _timers[index] = timer;
        timer.HeapIndex = index;
    }
}
