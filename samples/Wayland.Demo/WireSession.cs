using Wayland.Wire;

namespace Wayland.Demo;

/// <summary>
/// A minimal client session built directly on the wire core: sends requests, reads and decodes events,
/// logs both in WAYLAND_DEBUG format. Not the client library — just enough for the demo.
/// </summary>
internal sealed class WireSession : IDisposable
{
    private readonly Connection _connection;
    private readonly ObjectMap<InterfaceDescriptor> _objects = new(MapSide.Client);
    private readonly ProtocolLogger? _logger;
    private readonly byte[] _buffer = new byte[WireLimits.MaxMessageSize];
    private readonly ArgumentValue[] _values = new ArgumentValue[WireLimits.MaxArguments];

    internal WireSession(SafeFdHandle socket, ProtocolLogger? logger)
    {
        _connection = new Connection(socket, maxBufferSize: 0);
        _logger = logger;
        _objects.Allocate(CoreProtocol.Display);
    }

    internal delegate void EventHandler(uint objectId, InterfaceDescriptor target, in MessageArguments args);

    internal delegate void Arguments(ref MessageWriter writer);

    internal uint NewObject(InterfaceDescriptor descriptor) => _objects.Allocate(descriptor);

    /// <summary>Encodes, logs and queues one request.</summary>
    internal void Send(uint objectId, ushort opcode, Arguments write)
    {
        InterfaceDescriptor target = _objects.Get(objectId) ?? throw new InvalidOperationException($"no object {objectId}");
        Span<int> fds = stackalloc int[4];
        MessageWriter writer = new(_buffer, objectId, opcode, fds);
        write(ref writer);
        ReadOnlySpan<byte> message = writer.Finish();
        if (_logger is not null)
        {
            MessageDescriptor descriptor = target.Requests[opcode];
            WireParser.ParseArguments(message, descriptor, writer.Fds.Length, _values, out _);
            Span<int> copy = stackalloc int[writer.Fds.Length];
            writer.Fds.CopyTo(copy);
            _logger.Log(new MessageArguments(message, descriptor, _values, copy), target.Name, objectId, sent: true, discarded: false,
                "Default Queue", id => _objects.Get(id)?.Name);
        }

        _connection.Enqueue(message, writer.Fds);
    }

    /// <summary>Flushes, then reads and dispatches events until <paramref name="done"/> returns true.</summary>
    internal void DispatchUntil(Func<bool> done, EventHandler handler, TimeSpan timeout)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        Span<int> fds = stackalloc int[4];
        while (!done())
        {
            while (_connection.Flush() == FlushResult.WouldBlock)
            {
                UnixSocket.Wait(_connection.Socket, writable: true, TimeSpan.FromSeconds(1));
            }

            ParseStatus status;
            MalformedReason reason;
            while ((status = _connection.TryPeekMessage(out MessageHeader header, out ReadOnlySpan<byte> message, out reason)) == ParseStatus.Complete)
            {
                InterfaceDescriptor target = _objects.Get(header.ObjectId)
                    ?? throw new WaylandException($"event for unknown object {header.ObjectId}");
                if (header.Opcode >= target.Events.Count)
                {
                    throw new WaylandException($"unknown event {header.Opcode} for {target.Name}#{header.ObjectId}");
                }

                MessageDescriptor descriptor = target.Events[header.Opcode];
                if (WireParser.ParseArguments(message, descriptor, _connection.IncomingFds, _values, out reason) != ParseStatus.Complete)
                {
                    throw new WaylandException($"malformed {target.Name}.{descriptor.Name} event: {reason}");
                }

                Span<int> owned = fds[..descriptor.FdCount];
                _connection.TakeFds(owned);
                MessageArguments args = new(message, descriptor, _values, owned);
                _logger?.Log(args, target.Name, header.ObjectId, sent: false, discarded: false,
                    header.ObjectId == 1 ? "Display Queue" : "Default Queue", id => _objects.Get(id)?.Name);
                handler(header.ObjectId, target, args);
                args.CloseUnclaimedFds();
                _connection.Consume(header.Size);
                if (done())
                {
                    return;
                }
            }

            if (status == ParseStatus.Malformed)
            {
                throw new WaylandException($"malformed message from the compositor: {reason}");
            }

            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("the compositor did not answer in time");
            }

            if (UnixSocket.Wait(_connection.Socket, writable: false, left) && _connection.Read() == ReadResult.Closed)
            {
                throw new WaylandException("the compositor closed the connection");
            }
        }
    }

    internal void Forget(uint id) => _objects.Remove(id);

    public void Dispose() => _connection.Dispose();
}
