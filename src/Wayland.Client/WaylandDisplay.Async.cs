using System.Net.Sockets;
using Wayland.Client.Protocol;
using Wayland.Wire;
using Wayland.Interop;

namespace Wayland.Client;

public sealed partial class WaylandDisplay
{
    /// <summary>How often a wait for writability (outgoing requests stuck on a full socket, a rare state) looks at
    /// its cancellation token; the wait itself ends as soon as the OS reports the socket ready.</summary>
    private const int WritableWaitSliceMs = 50;

    private readonly byte[] _peekByte = new byte[1];
    private System.Net.Sockets.Socket? _readiness;

    /// <summary>
    /// Waits without blocking a thread until events arrive, then dispatches <paramref name="queue"/>
    /// (default: the default queue). Handlers run on the thread that resumes the await (the thread pool,
    /// unless a synchronization context says otherwise). Cancelling leaves the connection usable.
    /// </summary>
    /// <returns>The number of events dispatched.</returns>
    public Task<int> DispatchAsync(EventQueue? queue = null, CancellationToken cancellationToken = default) =>
        DriveAsync(new DispatchOperation(this, queue ?? DefaultQueue, until: null, endAfterRead: false), cancellationToken);

    /// <summary>
    /// Dispatches <paramref name="queue"/> (default: the default queue) as events arrive, without holding a thread
    /// while it waits, until <paramref name="cancellationToken"/> is cancelled — the task then ends cancelled and
    /// the connection stays usable — or the connection fails: the task then faults with the display's sticky
    /// error (for example the <see cref="WaylandProtocolException"/> of a protocol error). The
    /// awaitable form of a <c>while (true) Dispatch();</c> loop; in a hosted service:
    /// <c>protected override Task ExecuteAsync(CancellationToken t) =&gt; display.RunAsync(cancellationToken: t);</c>.
    /// </summary>
    public async Task RunAsync(EventQueue? queue = null, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            await DispatchAsync(queue, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The asynchronous <see cref="Roundtrip"/>: completes once the compositor has handled every
    /// request sent before, dispatching <paramref name="queue"/> meanwhile.</summary>
    public async Task RoundtripAsync(EventQueue? queue = null, CancellationToken cancellationToken = default)
    {
        queue ??= DefaultQueue;
        using WlCallback callback = StartRoundtrip(queue);
        await DriveAsync(new DispatchOperation(this, queue, callback, endAfterRead: false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The asynchronous driver of <see cref="DispatchOperation"/> (<see cref="Drive(DispatchOperation, TimeSpan)"/>
    /// is the blocking one): it waits without holding a thread, and does nothing else.</summary>
    private async Task<int> DriveAsync(DispatchOperation operation, CancellationToken cancellationToken)
    {
        // A step may finish without waiting (queued events, or a read ahead that found data), so a cancelled token
        // is honoured before the first step too: a dispatch loop under a steady flow of events still stops.
        cancellationToken.ThrowIfCancellationRequested();
        for (WaitFor wait = operation.Start(); wait != WaitFor.Nothing;)
        {
            bool readable;
            try
            {
                readable = wait == WaitFor.Readable
                    ? await WaitReadableAsync(cancellationToken).ConfigureAwait(false)
                    : await WaitReadableOrWritableAsync(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                operation.Abandon();
                throw;
            }

            wait = operation.Resume(readable);
        }

        return operation.Dispatched;
    }

    /// <summary>Readability, told by the runtime's own epoll thread: no thread waits.</summary>
    private async Task<bool> WaitReadableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ReadinessSocket().ReceiveAsync(_peekByte, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            // The peek met the socket's pending error (ECONNRESET when the compositor closed with requests of ours
            // unread) and took it, so the step's read would not see it: record it as that recvmsg would have. The
            // read then throws it, and it is sticky, as on the blocking path.
            lock (_lock)
            {
                Fail(new WaylandIOException(e.NativeErrorCode, "recvmsg"));
            }
        }

        return true;
    }

    /// <summary>Readability or writability, with poll on a pool thread: .NET sockets cannot wait for writability
    /// alone, and this state (the socket full of our requests) is rare and short.</summary>
    private Task<bool> WaitReadableOrWritableAsync(CancellationToken cancellationToken) => Task.Run(
        () =>
        {
            while (true)
            {
                int revents = FileOps.Poll(Socket.Fd, readable: true, writable: true, WritableWaitSliceMs, out int errno);
                if (revents < 0)
                {
                    throw new WaylandIOException(errno, "poll");
                }

                if (revents != 0)
                {
                    return (revents & ~Native.POLLOUT) != 0;
                }

                cancellationToken.ThrowIfCancellationRequested();
            }
        },
        cancellationToken);

    /// <summary>
    /// A .NET socket over our descriptor (not owning it), used only to be told of readability by the
    /// runtime's own epoll thread: a one-byte MSG_PEEK consumes nothing, fds included.
    /// </summary>
    private System.Net.Sockets.Socket ReadinessSocket()
    {
        lock (_lock)
        {
            ThrowIfFailed();
            return _readiness ??= new System.Net.Sockets.Socket(new SafeSocketHandle(Socket.DangerousGetHandle(), ownsHandle: false));
        }
    }
}
