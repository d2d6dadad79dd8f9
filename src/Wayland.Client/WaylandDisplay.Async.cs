using System.Net.Sockets;
using Wayland.Client.Protocol;

namespace Wayland.Client;

public sealed partial class WaylandDisplay
{
    private readonly byte[] _peekByte = new byte[1];
    private System.Net.Sockets.Socket? _readiness;

    /// <summary>
    /// Waits without blocking a thread until events arrive, then dispatches <paramref name="queue"/>
    /// (default: the default queue). Handlers run on the thread that resumes the await (the thread pool,
    /// unless a synchronization context says otherwise). Cancelling leaves the connection usable.
    /// </summary>
    /// <returns>The number of events dispatched.</returns>
    public async Task<int> DispatchAsync(EventQueue? queue = null, CancellationToken cancellationToken = default)
    {
        queue ??= DefaultQueue;
        while (true)
        {
            if (!PrepareRead(queue))
            {
                int pending = DispatchQueuePending(queue);
                if (pending > 0)
                {
                    return pending;
                }

                continue;
            }

            try
            {
                while (!Flush())
                {
                    await Task.Delay(1, cancellationToken).ConfigureAwait(false);
                }

                await ReadinessSocket().ReceiveAsync(_peekByte, SocketFlags.Peek, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                CancelRead();
                throw;
            }

            ReadEvents();
            int dispatched = DispatchQueuePending(queue);
            if (dispatched > 0)
            {
                return dispatched;
            }
        }
    }

    /// <summary>
    /// Dispatches <paramref name="queue"/> (default: the default queue) as events arrive, without holding a thread
    /// while it waits, until <paramref name="cancellationToken"/> is cancelled — the task then ends cancelled and
    /// the connection stays usable — or the connection fails: the task then faults with the display's sticky
    /// error (for example the <see cref="Wayland.Wire.WaylandProtocolException"/> of a protocol error). The
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
        bool done = false;
        using WlCallback callback = _proxy.Sync(queue);
        callback.Done += (_, _) => done = true;
        while (!done)
        {
            await DispatchAsync(queue, cancellationToken).ConfigureAwait(false);
        }
    }

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
