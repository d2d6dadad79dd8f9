using Wayland.Client.Protocol;
using Wayland.Wire;
using Wayland.Interop;

namespace Wayland.Client;

public sealed partial class WaylandDisplay
{
    /// <summary>The roundtrip callbacks' handler: marks the callback done (no closure, nothing allocated).</summary>
    private static readonly WlCallback.DoneHandler RoundtripDone = (callback, _) => callback.RoundtripDone = true;

    /// <summary>What a dispatch step needs before it can read: nothing (events were dispatched), readability, or
    /// readability or writability (outgoing requests are stuck on a full socket).</summary>
    private enum WaitFor
    {
        Nothing,
        Readable,
        ReadableOrWritable,
    }

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

    /// <summary>The blocking driver of the dispatch steps (<see cref="DispatchAsync"/> is the other): waits with poll.</summary>
    internal int DispatchQueue(EventQueue queue, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(queue);
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);
        while (true)
        {
            WaitFor wait = BeginDispatchStep(queue, out int dispatched);
            if (wait == WaitFor.Nothing)
            {
                return dispatched;
            }

            int revents;
            try
            {
                int left = deadline == long.MaxValue ? -1 : (int)Math.Clamp(deadline - Environment.TickCount64, 0, int.MaxValue);
                revents = FileOps.Poll(Socket.Fd, readable: true, writable: wait == WaitFor.ReadableOrWritable, left, out int errno);
                if (revents < 0)
                {
                    throw new WaylandIOException(errno, "poll");
                }
            }
            catch
            {
                CancelRead();
                throw;
            }

            if (revents == 0)
            {
                CancelRead(); // the timeout passed
                return 0;
            }

            bool readable = (revents & ~Native.POLLOUT) != 0; // POLLIN, or POLLHUP/POLLERR: the read tells
            dispatched = EndDispatchStep(queue, readable);
            if (dispatched > 0 || (readable && deadline != long.MaxValue))
            {
                return dispatched;
            }
        }
    }

    /// <summary>
    /// The first half of one dispatch step, shared by the blocking and the asynchronous paths: dispatches what
    /// <paramref name="queue"/> already has (<see cref="WaitFor.Nothing"/>, with the count), or prepares a read and
    /// flushes, and says what to wait for. After a wait, the caller calls <see cref="EndDispatchStep"/>, or
    /// <see cref="CancelRead"/> when the wait failed or timed out.
    /// </summary>
    private WaitFor BeginDispatchStep(EventQueue queue, out int dispatched)
    {
        while (!PrepareRead(queue))
        {
            dispatched = DispatchQueuePending(queue);
            if (dispatched > 0)
            {
                return WaitFor.Nothing;
            }
        }

        dispatched = 0;
        try
        {
            lock (_lock)
            {
                ThrowIfFailed();
                return FlushLocked() ? WaitFor.Readable : WaitFor.ReadableOrWritable;
            }
        }
        catch
        {
            CancelRead();
            throw;
        }
    }

    /// <summary>The second half of a dispatch step: reads and dispatches when the socket became readable; when it
    /// only became writable, withdraws the read (the next step flushes again).</summary>
    private int EndDispatchStep(EventQueue queue, bool readable)
    {
        if (!readable)
        {
            CancelRead();
            return 0;
        }

        ReadEvents();
        return DispatchQueuePending(queue);
    }

    internal int DispatchQueuePending(EventQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        lock (_lock)
        {
            ProcessDisplayQueueLocked();
            ThrowIfFailed();
        }

        // One lock per event: it gives back the previous event's room in the queue and takes the next event.
        int count = 0;
        bool holding = false;
        try
        {
            while (true)
            {
                QueuedEvent queued;
                lock (_lock)
                {
                    if (holding)
                    {
                        holding = false;
                        queue.Events.Release();
                    }

                    ThrowIfFailed();
                    if (!queue.Events.TryDequeue(out queued))
                    {
                        return count;
                    }

                    holding = true;
                }

                Deliver(queued, queue);
                count++;
            }
        }
        finally
        {
            if (holding)
            {
                lock (_lock)
                {
                    queue.Events.Release();
                }
            }
        }
    }

    internal int RoundtripQueue(EventQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        using WlCallback callback = StartRoundtrip(queue);
        int dispatched = 0;
        while (!callback.RoundtripDone)
        {
            dispatched += DispatchQueue(queue, Timeout.InfiniteTimeSpan);
        }

        return dispatched;
    }

    /// <summary>Sends the <c>wl_display.sync</c> of a roundtrip on <paramref name="queue"/>.</summary>
    private WlCallback StartRoundtrip(EventQueue queue)
    {
        WlCallback callback = _proxy.Sync(queue);
        callback.Done += RoundtripDone;
        return callback;
    }

    /// <summary>Delivers one dequeued event to its proxy's handlers (or logs it as discarded), then closes the
    /// descriptors no handler took.</summary>
    private void Deliver(QueuedEvent queued, EventQueue queue)
    {
        Proxy proxy = queued.Target;
        MessageArguments args = new(queued.Message, proxy.Interface.EventArray[queued.Opcode], queued.Values, queued.Fds);
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
        }
    }

    /// <summary>Handles wl_display's own events: <c>error</c> becomes the sticky fatal error,
    /// <c>delete_id</c> releases the id of a destroyed proxy.</summary>
    private void ProcessDisplayQueueLocked()
    {
        while (DisplayQueue.Events.TryDequeue(out QueuedEvent queued))
        {
            MessageArguments args = new(queued.Message, _proxy.Interface.EventArray[queued.Opcode], queued.Values, default);
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

            DisplayQueue.Events.Release();
        }
    }
}
