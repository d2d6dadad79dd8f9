using Wayland.Wire;
using Wayland.Interop;

namespace Wayland.Client;

public sealed partial class WaylandDisplay
{
    // libwayland's demarshalling and object lookup fail with EINVAL (Errno.EINVAL); wl_display_get_error reports it.
    private readonly ArgumentValue[] _readValues = new ArgumentValue[WireLimits.MaxArguments];
    private int _readers;
    private int _waitingReaders;
    private ulong _readSerial;

    /// <summary>Dispatch steps left before the next read ahead, and how many the last miss set (it doubles, to 64).</summary>
    private int _readAheadSkip;
    private int _readAheadBackoff;

    /// <summary>Read aheads that found data, and those that did not (for tests).</summary>
    internal long ReadAheadHits { get; private set; }

    internal long ReadAheadMisses { get; private set; }

    /// <summary>Threads inside <see cref="ReadEvents"/> waiting for the last prepared reader (for tests).</summary>
    internal int WaitingReaders
    {
        get
        {
            lock (_lock)
            {
                return _waitingReaders;
            }
        }
    }

    /// <summary>
    /// Announces that this thread is about to read from the socket (<c>wl_display_prepare_read_queue</c>).
    /// Returns false when <paramref name="queue"/> (default: the default queue) already has events:
    /// dispatch them first. After true, call exactly one of <see cref="ReadEvents"/> or <see cref="CancelRead"/>.
    /// </summary>
    public bool PrepareRead(EventQueue? queue = null)
    {
        queue ??= DefaultQueue;
        lock (_lock)
        {
            ThrowIfFailed();
            if (queue.Events.Count > 0)
            {
                return false;
            }

            _readers++;
            return true;
        }
    }

    /// <summary>Withdraws a <see cref="PrepareRead"/>; if this was the last reader, waiting readers wake up.</summary>
    public void CancelRead()
    {
        lock (_lock)
        {
            if (_readers == 0)
            {
                throw new InvalidOperationException("CancelRead without PrepareRead");
            }

            if (--_readers == 0)
            {
                EndReadRoundLocked();
            }
        }
    }

    /// <summary>
    /// Reads what the socket has (it does not wait for data: poll <see cref="Socket"/> first) and queues the
    /// events on their proxies' queues. With several threads prepared, the last one to call this reads for
    /// all, and the others wait for it. Events are delivered by dispatching the queues.
    /// </summary>
    public void ReadEvents()
    {
        lock (_lock)
        {
            if (_readers == 0)
            {
                throw new InvalidOperationException("ReadEvents without PrepareRead");
            }

            if (_error is not null)
            {
                _readers--;
                Monitor.PulseAll(_lock);
                throw _error;
            }

            if (--_readers == 0)
            {
                try
                {
                    ReadFromSocketLocked();
                }
                finally
                {
                    EndReadRoundLocked();
                }
            }
            else
            {
                ulong serial = _readSerial;
                _waitingReaders++;
                try
                {
                    while (serial == _readSerial && _error is null)
                    {
                        Monitor.Wait(_lock);
                    }
                }
                finally
                {
                    _waitingReaders--;
                }
            }

            ThrowIfFailed();
        }
    }

    /// <summary>
    /// A dispatch step's read before it waits: when this thread is the only one prepared to read, one recvmsg that
    /// does not wait. Right after a flush the reply is often there already (when the compositor runs on the same CPU,
    /// the kernel switches to it as soon as the request wakes it), and then the step saves its poll. When it is not,
    /// the step polls as usual, and read aheads pause for a number of steps that doubles with each miss (up to 64),
    /// so a client whose compositor answers later pays about one extra recvmsg in 65 steps.
    /// Returns true when it read (data, a hang-up or an error), with the reader released as <see cref="ReadEvents"/>
    /// releases the last one; <paramref name="released"/> is set once the reader is (or will be) released, so a caller
    /// that sees an exception knows not to cancel the read.
    /// </summary>
    private bool TryReadAheadLocked(ref bool released)
    {
        if (_readers != 1)
        {
            return false;
        }

        if (_readAheadSkip > 0)
        {
            _readAheadSkip--;
            return false;
        }

        ReadResult result;
        try
        {
            result = _connection.Read();
        }
        catch (WaylandIOException e)
        {
            Fail(e);
            released = true;
            ReleaseLastReaderLocked();
            return true;
        }

        if (result == ReadResult.WouldBlock)
        {
            ReadAheadMisses++;
            _readAheadBackoff = Math.Min(Math.Max(1, _readAheadBackoff * 2), 64);
            _readAheadSkip = _readAheadBackoff;
            return false;
        }

        ReadAheadHits++;
        _readAheadBackoff = 0;
        released = true;
        try
        {
            HandleReadLocked(result);
        }
        finally
        {
            ReleaseLastReaderLocked();
        }

        return true;
    }

    /// <summary>The last prepared reader has read: waiting readers go on.</summary>
    private void ReleaseLastReaderLocked()
    {
        _readers--;
        EndReadRoundLocked();
    }

    /// <summary>A round of reading is over (the last prepared reader read or cancelled): the threads waiting in
    /// <see cref="ReadEvents"/> for it wake up and go on.</summary>
    private void EndReadRoundLocked()
    {
        _readSerial++;
        Monitor.PulseAll(_lock);
    }

    /// <summary>One recvmsg, as libwayland does per read: the caller polled first, and whatever is left
    /// makes the socket readable again for the next round.</summary>
    private void ReadFromSocketLocked()
    {
        ReadResult result;
        try
        {
            result = _connection.Read();
        }
        catch (WaylandIOException e)
        {
            Fail(e);
            return;
        }

        HandleReadLocked(result);
    }

    /// <summary>Queues what a read brought, and fails the connection on a hang-up or a full buffer.</summary>
    private void HandleReadLocked(ReadResult result)
    {
        QueueMessagesLocked();
        switch (result)
        {
            case ReadResult.Closed:
                ProcessDisplayQueueLocked();
                Fail(new WaylandIOException(Errno.EPIPE, "recvmsg", "the compositor closed the connection"));
                break;
            case ReadResult.BufferFull:
                Fail(new WaylandException("the incoming buffer is full of incomplete data"));
                break;
        }
    }

    /// <summary>After a failed send: collect what the compositor wrote before it hung up (its error, typically).</summary>
    private void ReadAfterHangup()
    {
        if (_disposed)
        {
            return;
        }

        try
        {
            while (_connection.Read() == ReadResult.Data)
            {
                QueueMessagesLocked();
            }

            QueueMessagesLocked();
        }
        catch (WaylandIOException)
        {
            // Nothing more to learn; the send error stands.
        }

        ProcessDisplayQueueLocked();
    }

    /// <summary>Turns every complete received message into a queued event (or drops it, for zombies).</summary>
    private void QueueMessagesLocked()
    {
        ParseStatus status;
        MalformedReason reason;
        while ((status = _connection.TryPeekMessage(out MessageHeader header, out ReadOnlySpan<byte> message, out reason)) == ParseStatus.Complete)
        {
            object? target = _objects.Get(header.ObjectId);
            if (target is not Proxy proxy)
            {
                int fds = target is Zombie zombie ? zombie.FdCount(header.Opcode) : 0;
                _connection.CloseFds(fds);
                _logger?.LogDiscardedUnknown(target is Zombie, header.ObjectId, header.Opcode, fds, header.Size);
                _connection.Consume(header.Size);
                continue;
            }

            if (header.Opcode >= proxy.Interface.EventArray.Length)
            {
                Fail(new WaylandIOException(Errno.EPROTO, "read", $"interface '{proxy.Interface.Name}' has no event {header.Opcode}"));
                return;
            }

            MessageDescriptor descriptor = proxy.Interface.EventArray[header.Opcode];
            ParseStatus parsed = WireParser.ParseArguments(message, descriptor, _connection.IncomingFds, _readValues, out reason);
            if (parsed != ParseStatus.Complete)
            {
                Fail(new WaylandIOException(Errno.EINVAL, "read", $"malformed event {proxy}.{descriptor.Name}: {reason}"));
                return;
            }

            if (!RegisterEventObjectsLocked(proxy, descriptor, header.Opcode))
            {
                return;
            }

            EventQueue queue = header.ObjectId == 1 ? DisplayQueue : proxy.Queue;
            if (queue.IsDisposed)
            {
                queue = DefaultQueue;
            }

            int limit = MaxQueuedEventBytes;
            if (!queue.Events.HasRoomFor(header.Size, descriptor.ArgumentArray.Length, limit))
            {
                Fail(new WaylandException(
                    $"the event queue '{queue}' holds {queue.Events.Count} events ({queue.Events.WaitingBytes >> 10} KiB) that were never " +
                    $"dispatched, the most a queue may hold (MaxQueuedEventBytes, {limit >> 10} KiB); dispatch every queue that has proxies on it"));
                return;
            }

            queue.Events.Enqueue(proxy, header.Opcode, message, _readValues.AsSpan(0, descriptor.ArgumentArray.Length), descriptor.FdCount, _connection);
            _connection.Consume(header.Size);
        }

        if (status == ParseStatus.Malformed)
        {
            Fail(new WaylandIOException(Errno.EINVAL, "read", $"malformed message from the compositor: {reason}"));
        }
    }

    /// <summary>Checks object arguments and creates the proxies of new_id arguments, at read time, so that
    /// events addressed to a new object are known when they are read.</summary>
    private bool RegisterEventObjectsLocked(Proxy proxy, MessageDescriptor descriptor, ushort opcode)
    {
        ArgumentDescriptor[] arguments = descriptor.ArgumentArray;
        for (int i = 0; i < arguments.Length; i++)
        {
            ArgumentDescriptor argument = arguments[i];
            uint id = _readValues[i].Value;
            if (argument.Type == ArgumentType.Object && id != 0)
            {
                // As libwayland: an id we never had (or that was deleted) breaks the connection; an object we
                // destroyed (a zombie) is passed as null; a live one must have the declared interface.
                object? entry = _objects.Get(id);
                if (entry is null)
                {
                    Fail(new WaylandIOException(Errno.EINVAL, "read", $"{proxy}.{descriptor.Name}: unknown object ({id})"));
                    return false;
                }

                if (entry is Proxy { IsDestroyed: false } argumentProxy && argument.InterfaceName is { } expected
                    && argumentProxy.Interface.Name != expected)
                {
                    Fail(new WaylandIOException(Errno.EINVAL, "read",
                        $"{proxy}.{descriptor.Name}: invalid object ({id}): a {argumentProxy.Interface.Name}, not a {expected}"));
                    return false;
                }
            }

            if (argument.Type != ArgumentType.NewId)
            {
                continue;
            }

            Proxy? child = proxy.NewEventObject(opcode, i);
            if (child is null)
            {
                Fail(new WaylandException($"{proxy}.{descriptor.Name}: no proxy type for its new object"));
                return false;
            }

            MapInsertResult inserted = _objects.InsertPeer(id, child);
            if (inserted == MapInsertResult.InUse && _objects.Get(id) is Zombie)
            {
                // The compositor reuses the id of a server-created object we had destroyed.
                _objects.Replace(id, child);
                inserted = MapInsertResult.Ok;
            }

            if (inserted != MapInsertResult.Ok)
            {
                Fail(new WaylandIOException(Errno.EINVAL, "read", $"{proxy}.{descriptor.Name}: invalid new id {id} ({inserted})"));
                return false;
            }

            child.Attach(this, id, proxy.Version, proxy.Queue);
        }

        return true;
    }
}
