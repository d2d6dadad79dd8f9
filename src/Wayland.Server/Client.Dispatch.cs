using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Wayland.Protocols;
using Wayland.Server.Diagnostics;
using Wayland.Wire;

namespace Wayland.Server;

public sealed partial class Client
{
    /// <summary>Whether the client used up its dispatch slice with requests left; <see cref="ResumeRequests"/> is queued.</summary>
    private bool _yielded;
    private Action? _resumeRequests;

    /// <summary>What the socket is watched for: readable unless the client waits for its next slice, writable while
    /// what is queued for it does not fit in the socket.</summary>
    private FdEvents WatchMask => (_yielded ? FdEvents.None : FdEvents.Readable) | (_waitingWritable ? FdEvents.Writable : FdEvents.None);

    /// <summary>The socket is ready (<c>wl_client_connection_data</c>).</summary>
    private void OnSocketEvent(int fd, FdEvents events)
    {
        if ((events & FdEvents.Hangup) != 0)
        {
            Destroy();
            return;
        }

        if ((events & FdEvents.Error) != 0)
        {
            DestroyWithError("socket error");
            return;
        }

        if ((events & FdEvents.Writable) != 0)
        {
            try
            {
                if (FlushConnection() == FlushResult.Complete)
                {
                    _waitingWritable = false;
                    _source.Update(WatchMask);
                }
            }
            catch (WaylandException)
            {
                DestroyWithError("failed to flush client connection");
                return;
            }
        }

        if ((events & FdEvents.Readable) != 0)
        {
            bool shares = Account.SharesSlice && Display.DispatchSliceTicks > 0;
            long readStart = shares ? Stopwatch.GetTimestamp() : 0;
            if (shares && Display.IsResting(Account, readStart))
            {
                // Its process rests after using up its slice: not even read (what it sent waits in the socket), so
                // that the loop gets through its other connections' readiness quickly and reaches everyone else's.
                if (!_yielded)
                {
                    Yield();
                }

                return;
            }

            ReadResult result;
            try
            {
                result = _connection.Read();
            }
            catch (WaylandIOException)
            {
                result = ReadResult.Closed;
            }

            if (shares)
            {
                ChargeSlice(readStart); // reading a thousand sockets costs the loop as much as handling what they hold
            }

            if (result == ReadResult.Closed)
            {
                DestroyWithError("failed to read client connection");
                return;
            }

            if (result == ReadResult.Data)
            {
                _writesUnheard = 0;
            }

            if (_unreadFds >= ProcessAccount.UnreadFdsCheckedFrom)
            {
                // A client that sends requests is alive: whether it has read what it was sent is best seen now,
                // before it is answered.
                CheckUnreadFds();
            }

            int highest = _connection.HighestFdReceived;
            if (highest >= Display.MaxDescriptors
                && !Display.MakeRoom(ProcessResource.Descriptors, Display.MaxDescriptors, ProcessKey, this,
                    $"descriptor {highest} of {Display.MaxDescriptors}", "a client's descriptors"))
            {
                PostNoMemory();
            }
        }

        if (!_yielded)
        {
            ProcessRequests();
        }

        if (_failed && !_destroying)
        {
            DestroyWithError("error in client communication");
        }
    }

    /// <summary>
    /// The loop's next turn after this client used up its <see cref="Display.DispatchSlice"/> with requests left: the
    /// other clients had theirs in between, now this one goes on where it stopped.
    /// </summary>
    internal void ResumeRequests()
    {
        _yielded = false;
        if (IsDestroyed || _destroying)
        {
            return;
        }

        _source.Update(WatchMask);

        ProcessRequests();
        if (_failed && !_destroying)
        {
            DestroyWithError("error in client communication");
        }
    }

    /// <summary>
    /// Stops handling this client's requests until its next slice. Its socket is not read until then either: a
    /// level-triggered event every turn for a client that may not go on would cost each turn as many wake-ups as a
    /// process has waiting connections.
    /// </summary>
    private void Yield()
    {
        _yielded = true;
        _source.Update(WatchMask);
        Display.Metrics.DispatchYields.Add(1);
        if (Account.SharesSlice)
        {
            Display.WaitForTurn(this);
        }
        else
        {
            Display.Loop.Post(_resumeRequests ??= ResumeRequests);
        }
    }

    /// <summary>
    /// Handles every complete request, in libwayland's validation order: message too long; unknown object;
    /// opcode out of range; request newer than the object; malformed arguments (including bad new ids and
    /// unknown or mistyped object arguments). The first failure posts its error on <c>wl_display</c> and stops.
    /// Once the requests handled took longer than <see cref="Display.DispatchSlice"/>, the rest wait for the loop's
    /// next turn (<see cref="ResumeRequests"/>), so that the other clients are served in between.
    /// </summary>
    private void ProcessRequests()
    {
        long slice = Display.DispatchSliceTicks;
        ProcessAccount account = Account;
        if (slice <= 0 || !account.SharesSlice)
        {
            ProcessRequests(slice, Environment.TickCount64, slice > 0 ? Stopwatch.GetTimestamp() : 0, precise: false);
            return;
        }

        // The clients of a process with many connections share one slice, used up over as many turns as it takes
        // (each epoll batch is a turn, and a process can keep a thousand sockets ready): opening connections gets a
        // process no more of the loop. Once it is used up, they rest (see Display.IsResting).
        long start = Stopwatch.GetTimestamp();
        if (Display.IsResting(account, start))
        {
            if (_connection.TryPeekMessage(out _, out _, out _) != ParseStatus.NeedMoreData)
            {
                Yield();
            }

            return;
        }

        ProcessRequests(slice - account.SliceUsed, 0, start, precise: true);
        ChargeSlice(start);
    }

    /// <summary>Charges the time since <paramref name="start"/> to the slice its process's clients share; when the
    /// slice is used up, their rest begins.</summary>
    private void ChargeSlice(long start)
    {
        ProcessAccount account = Account;
        long now = Stopwatch.GetTimestamp();
        account.SliceUsed += now - start;
        if (account.SliceUsed >= Display.DispatchSliceTicks)
        {
            account.SliceUsed = 0;
            Display.StartRest(account, now);
        }
    }

    /// <summary>Handles requests until <paramref name="budget"/> ticks from <paramref name="start"/> have passed (at
    /// least one is handled; 0 for no limit). The precise clock costs about 25 ns a read, as much as a cheap request's
    /// whole handling; the coarse one (the kernel's tick, 1-4 ms) about 4 ns. So unless <paramref name="precise"/>, the
    /// precise clock is read only once the coarse one has moved from <paramref name="coarseStart"/>: until then a
    /// whole slice cannot have passed by much more than a tick.</summary>
    private void ProcessRequests(long budget, long coarseStart, long start, bool precise)
    {
        Span<ArgumentValue> values = Display.ArgumentScratch;
        Span<int> fds = Display.FdScratch;
        bool handled = false;
        while (!_failed && !_destroying)
        {
            ParseStatus status = _connection.TryPeekMessage(out MessageHeader header, out ReadOnlySpan<byte> message, out MalformedReason reason);
            if (status == ParseStatus.NeedMoreData)
            {
                return;
            }

            if (handled && budget > 0 && (precise || Environment.TickCount64 != coarseStart) && Stopwatch.GetTimestamp() - start >= budget)
            {
                Yield();
                return;
            }

            handled = true;

            if (status == ParseStatus.Malformed && reason == MalformedReason.SizeTooLarge)
            {
                PostDisplayError(WlDisplayError.InvalidMethod, $"message length {(uint)header.Size} exceeds {WireLimits.MaxMessageSize}");
                return;
            }

            Resource? resource = _objects.Get(header.ObjectId);
            if (resource is null)
            {
                PostDisplayError(WlDisplayError.InvalidObject, $"invalid object {header.ObjectId}");
                return;
            }

            InterfaceDescriptor iface = resource.Interface;
            if (header.Opcode >= iface.Requests.Count)
            {
                PostDisplayError(WlDisplayError.InvalidMethod, $"invalid method {header.Opcode}, object {iface.Name}#{resource.Id}");
                return;
            }

            MessageDescriptor request = iface.Requests[header.Opcode];
            if (resource.Version < request.Since)
            {
                PostDisplayError(WlDisplayError.InvalidMethod,
                    $"invalid method {header.Opcode} (since {(int)resource.Version} < {request.Since}), object {iface.Name}#{resource.Id}");
                return;
            }

            // A size below 8 is "message too short" for libwayland's demarshaller: invalid arguments.
            if (status == ParseStatus.Malformed
                || WireParser.ParseArguments(message, request, _connection.IncomingFds, values, out _) != ParseStatus.Complete
                || !ValidateObjects(request, values))
            {
                PostDisplayError(WlDisplayError.InvalidMethod, $"invalid arguments for {iface.Name}#{resource.Id}.{request.Name}");
                return;
            }

            Span<int> messageFds = fds[..request.FdCount];
            _connection.TakeFds(messageFds);
            try
            {
                if (CreateRequestObjects(resource, request, values))
                {
                    Invoke(resource, request, new MessageArguments(message, request, values, messageFds));
                }
            }
            finally
            {
                FdList.CloseAll(messageFds);
            }

            if (_destroying)
            {
                return;
            }

            _connection.Consume(header.Size);
            Display.Metrics.MessagesReceived.Add(1);
            Display.Metrics.BytesReceived.Add(header.Size);
        }
    }

    /// <summary>new_id arguments must be usable ids of the client's range; object arguments must exist and be of
    /// the declared interface (<c>wl_map_reserve_new</c>, then <c>wl_closure_lookup_objects</c>).</summary>
    private bool ValidateObjects(MessageDescriptor request, ReadOnlySpan<ArgumentValue> values)
    {
        ArgumentDescriptor[] arguments = request.ArgumentArray;
        for (int i = 0; i < arguments.Length; i++)
        {
            ArgumentDescriptor argument = arguments[i];
            uint id = values[i].Value;
            if (argument.Type == ArgumentType.NewId)
            {
                if (_objects.ReservePeer(id) != MapInsertResult.Ok)
                {
                    return false;
                }
            }
            else if (argument.Type == ArgumentType.Object && id != 0)
            {
                Resource? target = _objects.Get(id);
                if (target is null)
                {
                    return false;
                }

                if (argument.InterfaceName is { } expected && !ReferenceEquals(target.Interface, argument.Interface)
                    && !string.Equals(target.Interface.Name, expected, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>Creates and registers the typed resources of the request's new_id arguments, at the parent's version.</summary>
    private bool CreateRequestObjects(Resource resource, MessageDescriptor request, ReadOnlySpan<ArgumentValue> values)
    {
        ArgumentDescriptor[] arguments = request.ArgumentArray;
        for (int i = 0; i < arguments.Length; i++)
        {
            if (arguments[i].Type != ArgumentType.NewId || arguments[i].IsUntypedNewId)
            {
                continue;
            }

            Resource? child = resource.NewRequestObject(request.Opcode, i);
            if (child is null)
            {
                PostImplementationError($"{resource.Interface.Name}.{request.Name}: no resource class for {arguments[i].InterfaceName}");
                return false;
            }

            if (!TryRegister(child, values[i].Value, resource.Version))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Logs and dispatches one request; a handler's exception becomes an implementation error for this client.</summary>
    private void Invoke(Resource resource, MessageDescriptor request, in MessageArguments args)
    {
        Display.Logger?.Log(args, resource.Interface.Name, resource.Id, sent: false, discarded: false, queueName: null, _interfaceOf);
        try
        {
            resource.Dispatch(request.Opcode, args);
            if (request.IsDestructor && !resource.IsDestroyed)
            {
                resource.Destroy();
            }
        }
        catch (Exception e)
        {
            HandlerFailed($"{resource}.{request.Name}", e);
        }
    }

    /// <summary>
    /// A handler run for one of this client's requests threw: one client's request must never take the loop (and
    /// the other clients) down, so the exception is reported and this client gets an implementation error.
    /// </summary>
    private void HandlerFailed(string what, Exception e)
    {
        Display.ReportHandlerException($"{what} handler", e, this);
        PostImplementationError($"{what}: {e.GetType().Name}: {e.Message}");
    }

    private void PostDisplayError(WlDisplayError code, string message) => PostError(_displayResource, (uint)code, message);

    private void DestroyWithError(string reason)
    {
        if (Display.ShouldLog(LogLevel.Information, this))
        {
            ServerLog.ClientFailed(Display.Log, reason, ProcessId);
        }

        Destroy();
    }
}
