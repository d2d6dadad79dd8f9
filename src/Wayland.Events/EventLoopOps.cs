using System.Runtime.InteropServices;
using Wayland.Interop;

namespace Wayland.Events;

/// <summary>
/// epoll, timerfd, signalfd and eventfd for the event loop. Every call returns -1 with errno in
/// an out parameter instead of throwing; nothing here allocates.
/// </summary>
internal static unsafe class EventLoopOps
{
    private static readonly bool PackedEpollEvent = RuntimeInformation.ProcessArchitecture == Architecture.X64;

    /// <summary>epoll_create1(EPOLL_CLOEXEC).</summary>
    internal static int EpollCreate(out int errno)
    {
        LinuxOnly.Check();
        int fd = LibC.EpollCreate1(Native.EPOLL_CLOEXEC);
        errno = fd < 0 ? Errno.Last : 0;
        return fd;
    }

    /// <summary>epoll_ctl with <paramref name="op"/> (EPOLL_CTL_ADD, _MOD or _DEL).</summary>
    internal static int EpollControl(int epollFd, int op, int fd, uint events, ulong data, out int errno)
    {
        int result;
        if (PackedEpollEvent)
        {
            EpollEventPacked ev = new() { Events = events, Data = data };
            result = LibC.EpollCtl(epollFd, op, fd, op == Native.EPOLL_CTL_DEL ? null : &ev);
        }
        else
        {
            EpollEventAligned ev = new() { Events = events, Data = data };
            result = LibC.EpollCtl(epollFd, op, fd, op == Native.EPOLL_CTL_DEL ? null : &ev);
        }

        errno = result < 0 ? Errno.Last : 0;
        return result;
    }

    /// <summary>epoll_wait into <paramref name="events"/> (at most 64); returns the count, or -1 (EINTR included).</summary>
    internal static int EpollWait(int epollFd, Span<EpollEvent> events, int timeoutMs, out int errno)
    {
        const int Max = 64;
        int capacity = Math.Min(events.Length, Max);
        int count;
        if (PackedEpollEvent)
        {
            EpollEventPacked* native = stackalloc EpollEventPacked[Max];
            count = LibC.EpollWait(epollFd, native, capacity, timeoutMs);
            errno = count < 0 ? Errno.Last : 0;
            for (int i = 0; i < count; i++)
            {
                events[i] = new EpollEvent { Events = native[i].Events, Data = native[i].Data };
            }
        }
        else
        {
            EpollEventAligned* native = stackalloc EpollEventAligned[Max];
            count = LibC.EpollWait(epollFd, native, capacity, timeoutMs);
            errno = count < 0 ? Errno.Last : 0;
            for (int i = 0; i < count; i++)
            {
                events[i] = new EpollEvent { Events = native[i].Events, Data = native[i].Data };
            }
        }

        return count;
    }

    /// <summary>CLOCK_MONOTONIC now, in nanoseconds.</summary>
    internal static long MonotonicNanoseconds()
    {
        TimeSpec now;
        LibC.ClockGettime(Native.CLOCK_MONOTONIC, &now);
        return (now.Seconds * 1_000_000_000L) + now.Nanoseconds;
    }

    /// <summary>timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK).</summary>
    internal static int TimerCreate(out int errno)
    {
        int fd = LibC.TimerfdCreate(Native.CLOCK_MONOTONIC, Native.TFD_CLOEXEC | Native.TFD_NONBLOCK);
        errno = fd < 0 ? Errno.Last : 0;
        return fd;
    }

    /// <summary>Arms a timerfd at the absolute CLOCK_MONOTONIC time <paramref name="deadlineNs"/>,
    /// or disarms it when <paramref name="deadlineNs"/> is 0. Either way its expiry count is reset.</summary>
    internal static int TimerSet(int fd, long deadlineNs, out int errno)
    {
        ITimerSpec spec = default;
        int flags = 0;
        if (deadlineNs > 0)
        {
            spec.Value.Seconds = deadlineNs / 1_000_000_000L;
            spec.Value.Nanoseconds = deadlineNs % 1_000_000_000L;
            flags = Native.TFD_TIMER_ABSTIME;
        }

        int result = LibC.TimerfdSettime(fd, flags, &spec, null);
        errno = result < 0 ? Errno.Last : 0;
        return result;
    }

    /// <summary>Blocks <paramref name="signal"/> for the calling thread (pthread_sigmask); returns 0 or an error number.</summary>
    internal static int BlockSignal(int signal)
    {
        SigSet set = default;
        set.Add(signal);
        return LibC.PthreadSigmask(Native.SIG_BLOCK, &set, null);
    }

    /// <summary>signalfd(-1, {signal}, SFD_CLOEXEC | SFD_NONBLOCK).</summary>
    internal static int SignalCreate(int signal, out int errno)
    {
        SigSet set = default;
        set.Add(signal);
        int fd = LibC.Signalfd(-1, &set, Native.SFD_CLOEXEC | Native.SFD_NONBLOCK);
        errno = fd < 0 ? Errno.Last : 0;
        return fd;
    }

    /// <summary>Reads one <c>signalfd_siginfo</c>; returns the signal number, 0 when none was pending, -1 on error.</summary>
    internal static int SignalRead(int fd, out int errno)
    {
        SignalfdSiginfo info = default;
        nint read;
        do
        {
            read = LibC.Read(fd, &info, (nuint)sizeof(SignalfdSiginfo));
            errno = read < 0 ? Errno.Last : 0;
        }
        while (read < 0 && errno == Errno.EINTR);

        if (read < 0)
        {
            return errno == Errno.EAGAIN ? 0 : -1;
        }

        return read == sizeof(SignalfdSiginfo) ? (int)info.Signo : 0;
    }

    /// <summary>eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK).</summary>
    internal static int EventCreate(out int errno)
    {
        int fd = LibC.Eventfd(0, Native.EFD_CLOEXEC | Native.EFD_NONBLOCK);
        errno = fd < 0 ? Errno.Last : 0;
        return fd;
    }

    /// <summary>Adds 1 to an eventfd's counter (EAGAIN, a saturated counter, counts as success).</summary>
    internal static int EventSignal(int fd, out int errno)
    {
        ulong one = 1;
        nint written;
        do
        {
            written = LibC.Write(fd, &one, sizeof(ulong));
            errno = written < 0 ? Errno.Last : 0;
        }
        while (written < 0 && errno == Errno.EINTR);

        return written < 0 && errno != Errno.EAGAIN ? -1 : 0;
    }

    /// <summary>Reads and resets an eventfd's counter; returns it (0 when it was already 0).</summary>
    internal static ulong EventDrain(int fd)
    {
        ulong value = 0;
        nint read;
        do
        {
            read = LibC.Read(fd, &value, sizeof(ulong));
        }
        while (read < 0 && Errno.Last == Errno.EINTR);

        return read == sizeof(ulong) ? value : 0;
    }

    /// <summary>tgkill(getpid(), gettid(), signal): raises a signal at the calling thread only.</summary>
    internal static int RaiseOnThisThread(int signal, out int errno)
    {
        int result = LibC.TgKill(LibC.GetPid(), LibC.GetTid(), signal);
        errno = result < 0 ? Errno.Last : 0;
        return result;
    }
}
