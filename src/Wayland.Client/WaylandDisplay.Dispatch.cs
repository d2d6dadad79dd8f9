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

    /// <summary>The blocking driver of <see cref="DispatchOperation"/> (<see cref="DriveAsync(DispatchOperation, CancellationToken)"/>
    /// is the other): it waits with poll, and does nothing else.</summary>
    private int Drive(DispatchOperation operation, TimeSpan timeout)
    {
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);
        for (WaitFor wait = operation.Start(); wait != WaitFor.Nothing;)
        {
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
                operation.Abandon();
                throw;
            }

            wait = revents == 0
                ? operation.TimedOut()
                : operation.Resume(readable: (revents & ~Native.POLLOUT) != 0); // POLLIN, or POLLHUP/POLLERR: the read tells
        }

        return operation.Dispatched;
    }

    internal int DispatchQueue(EventQueue queue, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return Drive(new DispatchOperation(this, queue, until: null, endAfterRead: timeout != Timeout.InfiniteTimeSpan), timeout);
    }

    /// <summary>
    /// The dispatch state machine, the one both drivers run (the blocking <see cref="Drive(DispatchOperation, TimeSpan)"/>
    /// and the asynchronous <see cref="DriveAsync(DispatchOperation, CancellationToken)"/>), for a dispatch and for a
    /// roundtrip. The driver calls <see cref="Start"/>, then, as long as the answer is not
    /// <see cref="WaitFor.Nothing"/>, waits for what it says and calls <see cref="Resume"/> (or <see cref="TimedOut"/>,
    /// or <see cref="Abandon"/> when the wait failed). A step dispatches what the queue has, or prepares a read,
    /// flushes and asks for a wait; after the wait it reads and dispatches. The operation ends once a step dispatched
    /// something — for a roundtrip, once its callback is done.
    /// </summary>
    private struct DispatchOperation(WaylandDisplay display, EventQueue queue, WlCallback? until, bool endAfterRead)
    {
        /// <summary>Events dispatched so far.</summary>
        public int Dispatched { get; private set; }

        private readonly bool Finished => until is null ? Dispatched > 0 : until.RoundtripDone;

        /// <summary>Runs steps until one has to wait; <see cref="WaitFor.Nothing"/> when the operation is over.</summary>
        public WaitFor Start()
        {
            while (true)
            {
                WaitFor wait = display.BeginDispatchStep(queue, out int dispatched, out bool read);
                Dispatched += dispatched;
                if (wait != WaitFor.Nothing || Finished || (read && endAfterRead))
                {
                    return wait;
                }
            }
        }

        /// <summary>After the wait: reads (when readable) and dispatches, then goes on as <see cref="Start"/> does.</summary>
        public WaitFor Resume(bool readable)
        {
            Dispatched += display.EndDispatchStep(queue, readable);
            return Finished || (readable && endAfterRead) ? WaitFor.Nothing : Start();
        }

        /// <summary>The wait's deadline passed: withdraws the read and ends.</summary>
        public readonly WaitFor TimedOut()
        {
            display.CancelRead();
            return WaitFor.Nothing;
        }

        /// <summary>The wait failed or was cancelled: withdraws the read (the caller rethrows).</summary>
        public readonly void Abandon() => display.CancelRead();
    }

    /// <summary>
    /// The first half of one dispatch step: dispatches what <paramref name="queue"/> already has
    /// (<see cref="WaitFor.Nothing"/>, with the count), or prepares a read and flushes, and says what to wait for.
    /// When the read ahead finds data, the step reads and dispatches at once (<see cref="WaitFor.Nothing"/>, and
    /// <paramref name="read"/> is true).
    /// </summary>
    private WaitFor BeginDispatchStep(EventQueue queue, out int dispatched, out bool read)
    {
        read = false;
        while (!PrepareRead(queue))
        {
            dispatched = DispatchQueuePending(queue);
            if (dispatched > 0)
            {
                return WaitFor.Nothing;
            }
        }

        dispatched = 0;
        bool released = false;
        try
        {
            lock (_lock)
            {
                ThrowIfFailed();
                if (!FlushLocked())
                {
                    return WaitFor.ReadableOrWritable;
                }

                read = TryReadAheadLocked(ref released);
            }
        }
        catch
        {
            if (!released)
            {
                CancelRead();
            }

            throw;
        }

        if (!read)
        {
            return WaitFor.Readable;
        }

        dispatched = DispatchQueuePending(queue);
        return WaitFor.Nothing;
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
        return Drive(new DispatchOperation(this, queue, callback, endAfterRead: false), Timeout.InfiniteTimeSpan);
    }

    /// <summary>Sends the <c>wl_display.sync</c> of a roundtrip on <paramref name="queue"/>.</summary>
    private WlCallback StartRoundtrip(EventQueue queue) => SendPooledSync(queue, RoundtripDone, destroyAfterDone: false);

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
            if (proxy is WlCallback { IsPooled: true } pooled)
            {
                DoneDelivered(pooled);
            }
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
                else if (entry is WlCallback { IsPooled: true, IsDestroyed: true } pooled)
                {
                    _objects.Remove(id);
                    pooled.IdDeleted = true;
                    RecycleLocked(pooled);
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
