using Wayland.Wire;
using Wayland.Wire.Interop;

namespace Wayland.Server;

/// <summary>
/// Calls back on the loop's thread when a POSIX signal arrives (<c>wl_event_loop_add_signal</c>).
/// </summary>
/// <remarks>
/// <para>As libwayland does, the source reads a <c>signalfd</c> and blocks the signal (pthread_sigmask) for the
/// thread that creates it. In a C program that thread is typically the main thread, before any other thread
/// exists, so the signal stays pending for the signalfd. A .NET process already runs many threads (GC,
/// finalizer, thread pool, the runtime's own signal thread) that do not block it, and the kernel delivers a
/// process-directed signal to any thread that does not block it — where, without a handler, the default
/// action (terminating the process, for SIGUSR1 and SIGUSR2) would run.</para>
/// <para>So the source also registers a <see cref="System.Runtime.InteropServices.PosixSignalRegistration"/>
/// for the signal: the runtime's own async-signal-safe handler receives it on whatever thread it lands, and the
/// source is woken through the loop's eventfd. Both paths end in the same callback. The runtime itself handles
/// SIGINT, SIGQUIT, SIGTERM, SIGCHLD, SIGCONT, SIGWINCH, SIGTTIN/SIGTTOU/SIGTSTP and uses further signals
/// internally (for example SIGRTMIN for thread suspension): prefer SIGUSR1, SIGUSR2 or SIGHUP, and expect
/// signals of the same number that arrive close together to be coalesced, as with any signalfd.</para>
/// </remarks>
public sealed class SignalEventSource : EventLoopSource
{
    private readonly Action<int> _callback;
    private int _pending;

    internal SignalEventSource(EventLoop loop, int signal, SafeFdHandle signalFd, Action<int> callback)
        : base(loop)
    {
        SignalNumber = signal;
        SignalFd = signalFd;
        _callback = callback;
    }

    /// <summary>The signal number.</summary>
    public int SignalNumber { get; }

    internal SafeFdHandle SignalFd { get; }

    /// <summary>Called by the runtime's signal thread: remember the delivery (the loop is woken by the caller).</summary>
    internal void MarkPending() => Interlocked.Exchange(ref _pending, 1);

    /// <summary>Clears a delivery made through the runtime's handler; true when there was one.</summary>
    internal bool TakePending() => Interlocked.Exchange(ref _pending, 0) != 0;

    internal override void Dispatch(FdEvents events)
    {
        // Consume what the signalfd holds (nothing, for a check call or a runtime-path delivery), then call
        // back whatever the read said — libwayland calls the function even when the read finds nothing.
        EventLoopOps.SignalRead(SignalFd.Fd, out _);
        _callback(SignalNumber);
    }

    internal override void Release() => SignalFd.Dispose();
}
