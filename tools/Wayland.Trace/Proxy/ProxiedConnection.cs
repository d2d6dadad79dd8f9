using Wayland.Events;
using Wayland.Trace.Decoding;
using Wayland.Wire;

namespace Wayland.Trace.Proxy;

/// <summary>
/// One client connection and its own connection to the compositor, joined by two <see cref="Relay"/>s. When one side
/// hangs up, what it sent before is still delivered to the other side (a protocol error and the close after it reach
/// the app as the compositor sent them), then both sockets are closed.
/// </summary>
internal sealed class ProxiedConnection : IDisposable
{
    private readonly Tracer _tracer;
    private readonly Side _client;
    private readonly Side _server;
    private readonly Action<ProxiedConnection> _closed;
    private bool _disposed;

    public ProxiedConnection(EventLoop loop, Tracer tracer, TraceClient client, SafeFdHandle clientSocket, SafeFdHandle serverSocket,
        Action<ProxiedConnection> closed)
    {
        _tracer = tracer;
        _closed = closed;
        Trace = new ConnectionTrace(tracer, client);
        Relay requests = new(request: true);
        Relay events = new(request: false);
        _client = new Side(clientSocket, requests, events);
        _server = new Side(serverSocket, events, requests);
        try
        {
            _client.Source = loop.AddFd(clientSocket, FdEvents.Readable, (_, e) => OnEvents(_client, _server, e));
            _server.Source = loop.AddFd(serverSocket, FdEvents.Readable, (_, e) => OnEvents(_server, _client, e));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public ConnectionTrace Trace { get; }

    public TraceClient Client => Trace.Client;

    private void OnEvents(Side side, Side other, FdEvents events)
    {
        if (_disposed)
        {
            return;
        }

        if ((events & (FdEvents.Readable | FdEvents.Hangup | FdEvents.Error)) != 0)
        {
            if (Read(side, other) == ReceiveOutcome.Full && (events & (FdEvents.Hangup | FdEvents.Error)) != 0)
            {
                // Hung up while its data cannot be taken (the other side is not reading): stop watching it, or epoll
                // would report the hang-up again and again; the rest is read once there is room.
                side.Source?.Remove();
                side.Source = null;
            }
        }

        if (!_disposed && (events & FdEvents.Writable) != 0)
        {
            Write(side);
        }

        Settle();
    }

    /// <summary>Reads once from <paramref name="side"/> and passes the data on.</summary>
    private ReceiveOutcome Read(Side side, Side other)
    {
        if (side.ReadClosed)
        {
            return ReceiveOutcome.Closed;
        }

        ReceiveOutcome outcome;
        try
        {
            outcome = side.Outgoing.Receive(side.Socket, Trace, _tracer);
        }
        catch (WaylandIOException)
        {
            outcome = ReceiveOutcome.Closed;
        }

        if (outcome == ReceiveOutcome.Data)
        {
            // Forward first: the peer is waiting for these bytes, the trace is not.
            Write(other);
            side.Outgoing.Decode(Trace, _tracer);
        }
        else if (outcome == ReceiveOutcome.Closed)
        {
            side.ReadClosed = true;
            side.Outgoing.Decode(Trace, _tracer);
            side.Outgoing.EndOfInput(Trace);
            // Nobody will read what was on its way to this side.
            side.Incoming.Discard();
        }

        return outcome;
    }

    private static void Write(Side side)
    {
        if (side.WriteFailed || !side.Incoming.HasPending)
        {
            return;
        }

        try
        {
            side.Incoming.Send(side.Socket);
        }
        catch (WaylandIOException)
        {
            side.WriteFailed = true;
            side.Incoming.Discard();
        }
    }

    /// <summary>Closes when a side has hung up and its data is delivered (or cannot be); else updates what epoll watches.</summary>
    private void Settle()
    {
        if (_disposed)
        {
            return;
        }

        foreach ((Side side, Side other) in (ReadOnlySpan<(Side, Side)>)[(_client, _server), (_server, _client)])
        {
            // A side that hung up while its data could not be taken: read the rest as room appears.
            while (side.Source is null && !side.ReadClosed && side.Outgoing.HasRoom && Read(side, other) == ReceiveOutcome.Data)
            {
            }

            if (side.ReadClosed && (!side.Outgoing.HasPending || other.WriteFailed || other.ReadClosed))
            {
                Dispose();
                return;
            }
        }

        Watch(_client);
        Watch(_server);
    }

    private static void Watch(Side side)
    {
        if (side.Source is null)
        {
            return;
        }

        FdEvents mask = (!side.ReadClosed && side.Outgoing.HasRoom ? FdEvents.Readable : FdEvents.None)
            | (side.Incoming.HasPending && !side.WriteFailed ? FdEvents.Writable : FdEvents.None);
        if (mask != side.Source.Mask)
        {
            side.Source.Update(mask);
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (Side side in (ReadOnlySpan<Side>)[_client, _server])
        {
            side.Source?.Remove();
            side.Source = null;
            side.Incoming.Discard();
            side.Socket.Dispose();
        }

        _closed(this);
    }

    private sealed class Side(SafeFdHandle socket, Relay outgoing, Relay incoming)
    {
        public SafeFdHandle Socket { get; } = socket;

        /// <summary>What this side sends.</summary>
        public Relay Outgoing { get; } = outgoing;

        /// <summary>What is sent to this side.</summary>
        public Relay Incoming { get; } = incoming;

        public FdEventSource? Source { get; set; }

        /// <summary>It hung up (end of file or a socket error) and everything it sent was read.</summary>
        public bool ReadClosed { get; set; }

        /// <summary>Writing to it failed: it is gone.</summary>
        public bool WriteFailed { get; set; }
    }
}
