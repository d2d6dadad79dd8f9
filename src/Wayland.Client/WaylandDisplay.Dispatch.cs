using Wayland.Client.Protocol;
using Wayland.Wire;

namespace Wayland.Client;

public sealed partial class WaylandDisplay
{
    /// <summary>Dispatches the default queue, blocking until at least one event arrives (<c>wl_display_dispatch</c>).</summary>
    /// <returns>The number of events dispatched.</returns>
    public int Dispatch() => DispatchQueue(DefaultQueue, Timeout.InfiniteTimeSpan);

    /// <summary>Dispatches the default queue, waiting at most <paramref name="timeout"/>; 0 when it passed.</summary>
    public int Dispatch(TimeSpan timeout) => DispatchQueue(DefaultQueue, timeout);

    /// <summary>Dispatches the events already queued on the default queue, without reading.</summary>
    public int DispatchPending() => DispatchQueuePending(DefaultQueue);

    /// <summary>Blocks until the compositor has handled every request sent so far, dispatching the default queue meanwhile.</summary>
    public int Roundtrip() => RoundtripQueue(DefaultQueue);

    /// <summary>Gets the registry (<c>wl_display.get_registry</c>) on the default queue or the given one.</summary>
    public WlRegistry GetRegistry(EventQueue? queue = null) => _proxy.GetRegistry(queue);

    internal int DispatchQueue(EventQueue queue, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(queue);
        DateTime deadline = timeout == Timeout.InfiniteTimeSpan ? DateTime.MaxValue : DateTime.UtcNow + timeout;
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

            bool ready;
            try
            {
                ready = WaitForEvents(deadline);
            }
            catch
            {
                CancelRead();
                throw;
            }

            if (!ready)
            {
                CancelRead();
                return 0;
            }

            ReadEvents();
            int dispatched = DispatchQueuePending(queue);
            if (dispatched > 0 || timeout != Timeout.InfiniteTimeSpan)
            {
                return dispatched;
            }
        }
    }

    /// <summary>Flushes (waiting for writability when the socket is full) and waits for readability.</summary>
    private bool WaitForEvents(DateTime deadline)
    {
        while (true)
        {
            bool flushed;
            lock (_lock)
            {
                ThrowIfFailed();
                flushed = FlushLocked();
            }

            TimeSpan left = deadline == DateTime.MaxValue ? Timeout.InfiniteTimeSpan : deadline - DateTime.UtcNow;
            if (left != Timeout.InfiniteTimeSpan && left < TimeSpan.Zero)
            {
                return false;
            }

            if (flushed)
            {
                return UnixSocket.Wait(Socket, writable: false, left);
            }

            // Outgoing data is stuck: wait until we can write more (or until events come in).
            if (UnixSocket.Wait(Socket, writable: false, TimeSpan.Zero))
            {
                return true;
            }

            UnixSocket.Wait(Socket, writable: true, left == Timeout.InfiniteTimeSpan ? TimeSpan.FromMilliseconds(100) : TimeSpan.FromTicks(Math.Min(left.Ticks, TimeSpan.TicksPerMillisecond * 100)));
        }
    }

    internal int DispatchQueuePending(EventQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        lock (_lock)
        {
            ProcessDisplayQueueLocked();
            ThrowIfFailed();
        }

        int count = 0;
        while (true)
        {
            QueuedEvent queued;
            lock (_lock)
            {
                ThrowIfFailed();
                if (!queue.Events.TryDequeue(out queued))
                {
                    return count;
                }
            }

            DispatchOne(queued, queue);
            count++;
        }
    }

    internal int RoundtripQueue(EventQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        bool done = false;
        using WlCallback callback = _proxy.Sync(queue);
        callback.Done += (_, _) => done = true;
        int dispatched = 0;
        while (!done)
        {
            dispatched += DispatchQueue(queue, Timeout.InfiniteTimeSpan);
        }

        return dispatched;
    }

    private void DispatchOne(QueuedEvent queued, EventQueue queue)
    {
        Proxy proxy = queued.Target;
        MessageDescriptor descriptor = proxy.Interface.Events[queued.Opcode];
        ReadOnlySpan<byte> message = queued.Bytes.AsSpan(0, queued.Length);
        Span<ArgumentValue> values = stackalloc ArgumentValue[WireLimits.MaxArguments];
        Span<int> fds = queued.Fds is null ? default : queued.Fds.AsSpan(0, queued.FdCount);
        WireParser.ParseArguments(message, descriptor, queued.FdCount, values, out _);
        MessageArguments args = new(message, descriptor, values, fds);
        try
        {
            bool discarded = proxy.IsDestroyed;
            _logger?.Log(args, proxy.Interface.Name, proxy.Id, sent: false, discarded, queue.Name, id => Lookup(id)?.Interface.Name);
            if (!discarded)
            {
                proxy.RaiseEvent(queued.Opcode, args);
            }
        }
        finally
        {
            args.CloseUnclaimedFds();
            queued.Release(closeFds: false);
        }
    }

    /// <summary>Handles wl_display's own events: <c>error</c> becomes the sticky fatal error,
    /// <c>delete_id</c> releases the id of a destroyed proxy.</summary>
    private void ProcessDisplayQueueLocked()
    {
        Span<ArgumentValue> values = stackalloc ArgumentValue[WireLimits.MaxArguments];
        while (DisplayQueue.Events.TryDequeue(out QueuedEvent queued))
        {
            MessageDescriptor descriptor = _proxy.Interface.Events[queued.Opcode];
            ReadOnlySpan<byte> message = queued.Bytes.AsSpan(0, queued.Length);
            WireParser.ParseArguments(message, descriptor, 0, values, out _);
            MessageArguments args = new(message, descriptor, values, default);
            _logger?.Log(args, _proxy.Interface.Name, 1, sent: false, discarded: false, DisplayQueue.Name, InterfaceNameOf);
            if (queued.Opcode == WlDisplay.ErrorEvent)
            {
                // As libwayland: an error about an object the client has destroyed (or about no object)
                // carries neither interface nor id, since neither can be told any more.
                uint objectId = args.GetObjectId(0);
                Proxy? target = _objects.Get(objectId) is Proxy { IsDestroyed: false } alive ? alive : null;
                Fail(new WaylandProtocolException(args.GetUInt(1), target?.Interface.Name, target?.Id ?? 0, args.GetString(2) ?? string.Empty));
            }
            else if (queued.Opcode == WlDisplay.DeleteIdEvent)
            {
                uint id = args.GetUInt(0);
                object? entry = _objects.Get(id);
                if (entry is Zombie)
                {
                    _objects.Remove(id);
                }
                else if (entry is Proxy alive)
                {
                    alive.IdDeleted = true;
                }
            }

            queued.Release(closeFds: true);
        }
    }
}
