using System.Collections.Concurrent;
using Wayland.Interop;
using Wayland.Wire;

namespace Wayland.Events;

/// <summary>
/// An epoll-based event loop — what <c>wl_event_loop</c> is to libwayland-server: fd sources, timers (one shared
/// timerfd), signals (signalfd) and idle callbacks. Timers are dispatched before fd sources; sources removed
/// during a dispatch are never called again and are freed after the batch.
/// </summary>
/// <remarks>
/// <para>Single-threaded: create sources, dispatch and remove sources on one thread (the loop's thread).
/// Only <see cref="Terminate"/>, <see cref="Post"/> and <see cref="Wake"/> may be called from any thread.</para>
/// <para>To nest this loop in another one (GLib, another epoll, <c>poll</c>), watch <see cref="Fd"/> for
/// readability and call <see cref="Dispatch(TimeSpan)"/> with a zero timeout when it is readable. To run it on a .NET
/// thread without busy waiting, use <see cref="Run"/> on a dedicated thread or <see cref="RunAsync"/>.</para>
/// </remarks>
public sealed partial class EventLoop : IDisposable
{
    /// <summary>epoll data of the shared timerfd.</summary>
    private const ulong TimerKey = ulong.MaxValue;

    /// <summary>epoll data of the wake-up eventfd (<see cref="Terminate"/>, <see cref="Post"/>, signals).</summary>
    private const ulong WakeKey = ulong.MaxValue - 1;

    /// <summary>Events taken from epoll per dispatch (as libwayland).</summary>
    private const int BatchSize = 32;

    private readonly SafeFdHandle _epoll;
    private readonly SafeFdHandle _wake;
    private readonly SafeFdHandle _timerFd;
    private readonly List<EventLoopSource?> _slots = [];
    private readonly Stack<int> _freeSlots = new();
    private readonly List<int> _slotsToFree = [];
    private readonly List<EventLoopSource> _removed = [];
    private readonly List<EventLoopSource> _check = [];
    private readonly Queue<IdleEventSource> _idle = new();
    private readonly EpollEvent[] _events = new EpollEvent[BatchSize];
    private readonly ConcurrentQueue<Action> _posted = new();
    private volatile bool _terminate;
    private bool _dispatching;
    private int _dispatchThread;
    private bool _disposed;

    /// <summary>Creates a loop with its epoll instance, timerfd and wake-up eventfd.</summary>
    /// <exception cref="WaylandIOException">A descriptor could not be created.</exception>
    public EventLoop()
    {
        int epoll = EventLoopOps.EpollCreate(out int errno);
        if (epoll < 0)
        {
            throw new WaylandIOException(errno, "epoll_create1");
        }

        _epoll = new SafeFdHandle(epoll);
        try
        {
            _wake = CreateOwned(EventLoopOps.EventCreate(out errno), errno, "eventfd");
            _timerFd = CreateOwned(EventLoopOps.TimerCreate(out errno), errno, "timerfd_create");
            Register(_wake.Fd, FdEvents.Readable, WakeKey);
            // Edge-triggered: a one-shot timerfd that expired is disarmed, and its unread expiry need not be
            // cleared (by a read or a disarm) to stop it waking every wait; the next arming resets it, and its next
            // expiry wakes the loop again. Saves a system call per expiry when no other timer is pending (a
            // compositor's refresh timer, re-armed by the next commit).
            Register(_timerFd.Fd, Native.EPOLLIN | Native.EPOLLET, TimerKey);
        }
        catch
        {
            _wake?.Dispose();
            _timerFd?.Dispose();
            _epoll.Dispose();
            throw;
        }
    }

    /// <summary>The epoll descriptor: readable whenever <see cref="Dispatch(TimeSpan)"/> has something to do.</summary>
    public int Fd => _epoll.Fd;

    /// <summary>Raised once when the loop is disposed (<c>wl_event_loop_add_destroy_listener</c>).</summary>
    public event Action<EventLoop>? Disposing;

    /// <summary>Watches <paramref name="fd"/> (which the caller keeps owning: the loop watches a duplicate).</summary>
    /// <param name="fd">The descriptor.</param>
    /// <param name="mask"><see cref="FdEvents.Readable"/> and/or <see cref="FdEvents.Writable"/>.</param>
    /// <param name="handler">Called on the loop's thread with <paramref name="fd"/> and what happened.</param>
    /// <exception cref="WaylandIOException">dup or epoll_ctl failed (for example EPERM for a regular file).</exception>
    public FdEventSource AddFd(int fd, FdEvents mask, FdEventHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ThrowIfDisposed();
        int dup = FileOps.DupCloexec(fd, out int errno);
        if (dup < 0)
        {
            throw new WaylandIOException(errno, "dup", $"cannot watch fd {fd}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}");
        }

        FdEventSource source = new(this, fd, new SafeFdHandle(dup), mask, handler);
        AddToEpoll(source, dup, mask);
        return source;
    }

    /// <summary>Watches the descriptor of <paramref name="fd"/> (still owned by the caller).</summary>
    /// <inheritdoc cref="AddFd(int, FdEvents, FdEventHandler)"/>
    public FdEventSource AddFd(SafeFdHandle fd, FdEvents mask, FdEventHandler handler)
    {
        ArgumentNullException.ThrowIfNull(fd);
        ObjectDisposedException.ThrowIf(fd.IsClosed || fd.IsInvalid, fd);
        return AddFd(fd.Fd, mask, handler);
    }

    /// <summary>Creates a disarmed timer; arm it with <see cref="TimerEventSource.Update"/>.</summary>
    public TimerEventSource AddTimer(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ThrowIfDisposed();
        return new TimerEventSource(this, callback);
    }

    /// <summary>Calls <paramref name="callback"/> on the loop's thread when <paramref name="signal"/> arrives.
    /// See <see cref="SignalEventSource"/> for how this coexists with the .NET runtime's signal handling.</summary>
    /// <param name="signal">The signal number (for example 10, SIGUSR1, on Linux x86_64 and aarch64).</param>
    /// <param name="callback">Receives the signal number.</param>
    /// <exception cref="WaylandIOException">signalfd or epoll_ctl failed.</exception>
    public SignalEventSource AddSignal(int signal, Action<int> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentOutOfRangeException.ThrowIfLessThan(signal, 1);
        ThrowIfDisposed();
        int fd = EventLoopOps.SignalCreate(signal, out int errno);
        if (fd < 0)
        {
            throw new WaylandIOException(errno, "signalfd");
        }

        EventLoopOps.BlockSignal(signal);
        SignalEventSource source = new(this, signal, new SafeFdHandle(fd), callback);
        AddToEpoll(source, fd, FdEvents.Readable);
        try
        {
            AttachSignal(source);
        }
        catch
        {
            RemoveSource(source);
            throw;
        }

        return source;
    }

    /// <summary>Runs <paramref name="callback"/> once, the next time the loop is idle.</summary>
    public IdleEventSource AddIdle(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ThrowIfDisposed();
        IdleEventSource source = new(this, callback);
        _idle.Enqueue(source);
        return source;
    }

    /// <summary>
    /// True when the calling thread is inside this loop's <see cref="Dispatch(TimeSpan)"/> (running one of its callbacks):
    /// work can then be done at once instead of through <see cref="Post"/>.
    /// </summary>
    public bool IsDispatchingOnCurrentThread => _dispatchThread == Environment.CurrentManagedThreadId;

    /// <summary>
    /// Queues <paramref name="action"/> to run on the loop's thread during its next dispatch, and wakes the
    /// loop. Safe to call from any thread: this is how other threads hand work to the compositor.
    /// </summary>
    public void Post(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _posted.Enqueue(action);
        Wake();
    }

    /// <summary>Makes a blocked <see cref="Dispatch(TimeSpan)"/> return (from any thread).</summary>
    public void Wake()
    {
        bool added = false;
        try
        {
            _wake.DangerousAddRef(ref added);
            EventLoopOps.EventSignal(_wake.Fd, out _);
        }
        catch (ObjectDisposedException)
        {
            // The loop is gone: nothing to wake.
        }
        finally
        {
            if (added)
            {
                _wake.DangerousRelease();
            }
        }
    }

    /// <summary>Removes every source (closing the descriptors the loop owns) and closes the loop.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        Disposing?.Invoke(this);
        _disposed = true;
        for (int i = 0; i < _slots.Count; i++)
        {
            if (_slots[i] is { IsRemoved: false } source)
            {
                RemoveSource(source);
            }
        }

        while (_timerCount > 0)
        {
            TimerEventSource timer = _timers[0];
            timer.IsRemoved = true;
            Disarm(timer);
        }

        while (_idle.TryDequeue(out IdleEventSource? idle))
        {
            idle.IsRemoved = true;
        }

        ReleaseRemoved();
        _timerFd.Dispose();
        _wake.Dispose();
        _epoll.Dispose();
    }

    /// <summary>Removes a source: it is never called again; its descriptors are closed now, its slot after the batch.</summary>
    internal void RemoveSource(EventLoopSource source)
    {
        if (source.IsRemoved)
        {
            return;
        }

        source.IsRemoved = true;
        if (source.Slot >= 0)
        {
            int fd = source switch
            {
                FdEventSource f => f.Duplicate.Fd,
                SignalEventSource s => s.SignalFd.Fd,
                _ => -1,
            };
            if (fd >= 0 && !_epoll.IsClosed)
            {
                EventLoopOps.EpollControl(_epoll.Fd, Native.EPOLL_CTL_DEL, fd, 0, 0, out _);
            }

            _slotsToFree.Add(source.Slot);
        }

        if (source is SignalEventSource signal)
        {
            DetachSignal(signal);
        }

        source.Release();
        _removed.Add(source);
        if (!_dispatching)
        {
            ReleaseRemoved();
        }
    }

    internal void AddCheck(EventLoopSource source)
    {
        if (source.IsRemoved || source is IdleEventSource)
        {
            throw new InvalidOperationException(source.IsRemoved ? "the event source was removed" : "idle sources cannot be checked");
        }

        _check.Add(source);
    }

    internal void Modify(FdEventSource source, FdEvents mask)
    {
        if (EventLoopOps.EpollControl(_epoll.Fd, Native.EPOLL_CTL_MOD, source.Duplicate.Fd, ToEpoll(mask), (ulong)source.Slot, out int errno) < 0)
        {
            throw new WaylandIOException(errno, "epoll_ctl");
        }
    }

    private static SafeFdHandle CreateOwned(int fd, int errno, string operation) =>
        fd < 0 ? throw new WaylandIOException(errno, operation) : new SafeFdHandle(fd);

    private static uint ToEpoll(FdEvents mask) =>
        ((mask & FdEvents.Readable) != 0 ? Native.EPOLLIN : 0) | ((mask & FdEvents.Writable) != 0 ? Native.EPOLLOUT : 0);

    private static FdEvents FromEpoll(uint events) =>
        ((events & Native.EPOLLIN) != 0 ? FdEvents.Readable : 0)
        | ((events & Native.EPOLLOUT) != 0 ? FdEvents.Writable : 0)
        | ((events & Native.EPOLLHUP) != 0 ? FdEvents.Hangup : 0)
        | ((events & Native.EPOLLERR) != 0 ? FdEvents.Error : 0);

    private void AddToEpoll(EventLoopSource source, int fd, FdEvents mask)
    {
        int slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _slots.Count;
        if (slot == _slots.Count)
        {
            _slots.Add(null);
        }

        try
        {
            Register(fd, mask, (ulong)slot);
        }
        catch
        {
            _freeSlots.Push(slot);
            source.IsRemoved = true;
            source.Release();
            throw;
        }

        _slots[slot] = source;
        source.Slot = slot;
    }

    private void Register(int fd, FdEvents mask, ulong data) => Register(fd, ToEpoll(mask), data);

    private void Register(int fd, uint epollEvents, ulong data)
    {
        if (EventLoopOps.EpollControl(_epoll.Fd, Native.EPOLL_CTL_ADD, fd, epollEvents, data, out int errno) < 0)
        {
            throw new WaylandIOException(errno, "epoll_ctl", $"cannot watch fd {fd}: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)}");
        }
    }

    /// <summary>Frees what was removed: slots become reusable, checks are forgotten.</summary>
    private void ReleaseRemoved()
    {
        if (_removed.Count == 0)
        {
            return;
        }

        foreach (int slot in _slotsToFree)
        {
            _slots[slot] = null;
            _freeSlots.Push(slot);
        }

        _slotsToFree.Clear();
        _removed.Clear();
        _check.RemoveAll(static s => s.IsRemoved);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
