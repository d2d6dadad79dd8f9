using Wayland.Events;
using Wayland.Trace.Decoding;
using Wayland.Wire;

namespace Wayland.Trace.Proxy;

/// <summary>
/// One client connection and its own connection to the compositor, joined by two <see cref="Relay"/>s. When one side
/// hangs up, what it sent before is still delivered to the other side (a protocol error and the close after it reach
/// the app as the compositor sent them), then both sockets are closed. What a client that hung up sent is given
/// <see cref="DefaultDrainTimeout"/> for the compositor to take: a compositor that does not read would otherwise keep the
/// connection, and the descriptors held for it, forever (and wl-trace running after its APP exited).
/// </summary>
internal sealed class ProxiedConnection : IDisposable
{
    /// <summary>EOVERFLOW: how <see cref="UnixSocket.Receive"/> reports descriptors lost (MSG_CTRUNC).</summary>
    private const int DescriptorsLost = 75;

    private readonly Tracer _tracer;
    private readonly Side _client;
    private readonly Side _server;
    private readonly Action<ProxiedConnection> _closed;
    private readonly Action<ProxiedConnection, int>? _receivedFds;
    private readonly EventLoop _loop;
    private readonly TimeSpan _drainTimeout;
    private TimerEventSource? _drainTimer;
    private bool _disposed;

    /// <param name="loop">The loop both sockets are watched on.</param>
    /// <param name="tracer">Decoding and output.</param>
    /// <param name="client">Who the client is.</param>
    /// <param name="clientSocket">The client's connection (owned from now on).</param>
    /// <param name="serverSocket">The connection to the compositor (owned from now on).</param>
    /// <param name="closed">Called once both sockets are closed.</param>
    /// <param name="account">The client's process, which the descriptors held in both directions count for.</param>
    /// <param name="receivedFds">Called after descriptors were received (and passed on as far as they could be), with
    /// the highest number among them; it may dispose this connection, or others.</param>
    /// <param name="drainTimeout">How long the compositor may go without taking anything of what a client that hung up
    /// sent before the rest is dropped and the connection closed; <see cref="DefaultDrainTimeout"/> when zero.</param>
    public ProxiedConnection(EventLoop loop, Tracer tracer, TraceClient client, SafeFdHandle clientSocket, SafeFdHandle serverSocket,
        Action<ProxiedConnection> closed, ProcessAccount? account = null, Action<ProxiedConnection, int>? receivedFds = null,
        TimeSpan drainTimeout = default)
    {
        _loop = loop;
        _drainTimeout = drainTimeout > TimeSpan.Zero ? drainTimeout : DefaultDrainTimeout;
        _tracer = tracer;
        _closed = closed;
        _receivedFds = receivedFds;
        Account = account;
        Trace = new ConnectionTrace(tracer, client);
        Relay requests = new(request: true) { Account = account };
        Relay events = new(request: false) { Account = account };
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

    /// <summary>How long, by default, the compositor may go without taking anything of what a client that hung up sent
    /// (libwayland's clients leave it in the socket; here the proxy holds it).</summary>
    public static readonly TimeSpan DefaultDrainTimeout = TimeSpan.FromSeconds(3);

    public ConnectionTrace Trace { get; }

    public TraceClient Client => Trace.Client;

    /// <summary>The client's process, as the proxy's descriptor limits count it.</summary>
    public ProcessAccount? Account { get; }

    /// <summary>Descriptors this connection holds: its two sockets and those received and not passed on yet.</summary>
    public int HeldDescriptors => 2 + _client.Outgoing.HeldFds + _server.Outgoing.HeldFds;

    public bool IsDisposed => _disposed;

    private void OnEvents(Side side, Side other, FdEvents events)
    {
        if (_disposed)
        {
            return;
        }

        if ((events & (FdEvents.Hangup | FdEvents.Error)) != 0)
        {
            side.HungUp = true;
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
            Write(side, other);
        }

        Settle();
    }

    /// <summary>Reads once from <paramref name="side"/> and passes the data on.</summary>
    private ReceiveOutcome Read(Side side, Side other)
    {
        if (_disposed || side.ReadClosed)
        {
            return ReceiveOutcome.Closed;
        }

        ReceiveOutcome outcome;
        try
        {
            outcome = side.Outgoing.Receive(side.Socket, Trace, _tracer);
        }
        catch (WaylandIOException e)
        {
            if (e.Errno == DescriptorsLost)
            {
                // The proxy is out of descriptors (or the batch did not fit): this stream has lost some, so it cannot
                // go on. It ends as a hang-up of this side; nothing else is touched.
                _tracer.Note(Client, $"descriptors sent by {(side == _client ? Client.ToString() : "the compositor")} were lost "
                    + "(recvmsg: control data cut short: the proxy is out of descriptors); closing this connection");
            }

            outcome = ReceiveOutcome.Closed;
        }

        if (outcome == ReceiveOutcome.Data)
        {
            // Forward first: the peer is waiting for these bytes, the trace is not.
            Write(other, side);
            side.Outgoing.Decode(Trace, _tracer);
            if (side.Outgoing.HighestFdReceived >= 0)
            {
                _receivedFds?.Invoke(this, side.Outgoing.HighestFdReceived);
            }
        }
        else if (outcome == ReceiveOutcome.Closed)
        {
            side.ReadClosed = side.HungUp = true;
            side.Outgoing.Decode(Trace, _tracer);
            side.Outgoing.EndOfInput(Trace);
            // Nobody will read what was on its way to this side.
            side.Incoming.Discard();
        }

        return outcome;
    }

    /// <summary>Sends what is pending to <paramref name="side"/> (which <paramref name="source"/> sent).</summary>
    private void Write(Side side, Side source)
    {
        if (side.WriteFailed || !side.Incoming.HasPending)
        {
            return;
        }

        try
        {
            int pending = side.Incoming.PendingBytes;
            side.Incoming.Send(side.Socket);
            if (_drainTimer is { IsArmed: true } && source == _client && side.Incoming.PendingBytes < pending)
            {
                // The compositor is taking what the client left: it gets the full time again.
                _drainTimer.Update(DrainMilliseconds);
            }
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

            if (_disposed)
            {
                return; // the descriptor limits closed it
            }

            if (side.ReadClosed && (!side.Outgoing.HasPending || other.WriteFailed || other.ReadClosed))
            {
                Dispose();
                return;
            }
        }

        Watch(_client);
        Watch(_server);
        if (_client.HungUp && _drainTimer is null)
        {
            _drainTimer = _loop.AddTimer(GiveUpDraining);
            _drainTimer.Update(DrainMilliseconds);
        }
    }

    private int DrainMilliseconds => (int)Math.Ceiling(_drainTimeout.TotalMilliseconds);

    /// <summary>The client hung up and the compositor has not taken anything it sent for the drain time.</summary>
    private void GiveUpDraining()
    {
        if (_disposed)
        {
            return;
        }

        Relay requests = _server.Incoming;
        _tracer.Note(Client, $"{Client} hung up, and the compositor has not read what it sent for {_drainTimeout.TotalSeconds:0.###} s: "
            + $"dropping {requests.PendingBytes} bytes and {requests.HeldFds} descriptors (and whatever the client's socket still holds), "
            + "and closing the connection");
        Dispose();
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
        _drainTimer?.Remove();
        _drainTimer = null;
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

        /// <summary>It hung up (epoll said so, or end of file was read); some of what it sent may still be unread.</summary>
        public bool HungUp { get; set; }
    }
}
