using Wayland.Client.Protocol;
using Wayland.Wire;

namespace Wayland.Client;

/// <summary>
/// A connection to a Wayland compositor — what <c>wl_display</c> is to libwayland-client. Owns the socket,
/// the object ids, the event queues, and the first fatal error, which is sticky: once the connection has
/// failed, every call throws that error.
/// </summary>
/// <remarks>
/// Thread-safe. Requests can be sent from any thread. Several threads may read at once through
/// <see cref="PrepareRead"/> / <see cref="ReadEvents"/> / <see cref="CancelRead"/>, each dispatching its own queue.
/// </remarks>
public sealed partial class WaylandDisplay : IDisposable
{
    private readonly object _lock = new();
    private readonly Connection _connection;
    private const int MinQueuedEventBytes = 64 << 10;
    private int _maxQueuedEventBytes = EventStore.DefaultMaxWaitingBytes;
    private readonly ObjectMap<object> _objects = new(MapSide.Client);
    private readonly ProtocolLogger? _logger;
    private readonly WlDisplay _proxy;
    private readonly List<EventQueue> _createdQueues = [];
    private WaylandException? _error;
    private bool _disposed;

    private WaylandDisplay(SafeFdHandle socket, ProtocolLogger? logger, int maxBufferSize)
    {
        _connection = new Connection(socket, maxBufferSize);
        _logger = logger;
        DisplayQueue = new EventQueue(this, "Display Queue");
        DefaultQueue = new EventQueue(this, "Default Queue");
        _proxy = WlDisplay.CreateUnattached();
        uint id = _objects.Allocate(_proxy);
        _proxy.Attach(this, id, 1, DefaultQueue);
    }

    /// <summary>The <c>wl_display</c> object (id 1).</summary>
    public WlDisplay Proxy => _proxy;

    /// <summary>The queue proxies use unless told otherwise.</summary>
    public EventQueue DefaultQueue { get; }

    /// <summary>The queue of <c>wl_display</c>'s own events (errors, deleted ids), dispatched before any other.</summary>
    internal EventQueue DisplayQueue { get; }

    /// <summary>The socket descriptor, to wait on in an event loop of your own (poll for readability).</summary>
    public SafeFdHandle Socket => _connection.Socket;

    /// <summary>The fatal error of this connection, or null while it is healthy.</summary>
    public WaylandException? Error => Volatile.Read(ref _error); // set once, under the lock

    /// <summary>Largest size each connection buffer may grow to, in bytes (0 = unbounded, the default,
    /// as in libwayland-client; otherwise at least 4096). Sending more than fits is a fatal error. It also bounds
    /// the received descriptors that wait for their message, to a quarter of it (1024 when unbounded): descriptors
    /// the compositor sends with an event that carries none go, as with libwayland, to the next event that
    /// does, and a compositor that sends more than that many is a fatal error.</summary>
    public int MaxBufferSize
    {
        get => _connection.MaxBufferSize;
        set
        {
            lock (_lock)
            {
                _connection.MaxBufferSize = value;
            }
        }
    }

    /// <summary>The most memory the events waiting in one queue may take, in bytes: their message bytes, parsed
    /// arguments and entries (64 MiB by default, at least 64 KiB). libwayland lets a queue that nobody dispatches grow
    /// until memory runs out; here a compositor that sends more than this to a queue before it is dispatched fails the
    /// connection with a <see cref="WaylandException"/> naming the queue. Raise it for a queue that legitimately
    /// collects that much between dispatches; <see cref="int.MaxValue"/> is practically no limit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 64 KiB.</exception>
    public int MaxQueuedEventBytes
    {
        get => Volatile.Read(ref _maxQueuedEventBytes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, MinQueuedEventBytes);
            Volatile.Write(ref _maxQueuedEventBytes, value);
        }
    }

    internal object SyncRoot => _lock;

    /// <summary>Creates a new event queue; <paramref name="name"/> appears in <c>WAYLAND_DEBUG</c> output.</summary>
    public EventQueue CreateQueue(string? name = null)
    {
        EventQueue queue = new(this, name);
        lock (_lock)
        {
            _createdQueues.Add(queue);
        }

        return queue;
    }

    /// <summary>
    /// A wrapper of <paramref name="proxy"/> whose new objects go to <paramref name="queue"/> from the start,
    /// so that no event for them can be dispatched on the wrong queue (<c>wl_proxy_create_wrapper</c>).
    /// A wrapper never receives events; dispose it when done (this sends nothing).
    /// </summary>
    public T CreateWrapper<T>(T proxy, EventQueue queue)
        where T : Proxy, IProxyFactory<T>
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(queue);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(proxy.IsDestroyed, proxy);
            T wrapper = T.Create();
            wrapper.Attach(this, proxy.Id, proxy.Version, queue, wrapper: true);
            return wrapper;
        }
    }

    /// <summary>
    /// Creates a proxy with a fresh client id without sending anything (<c>wl_proxy_create</c>): for objects
    /// whose creation the application arranges itself, and for tests.
    /// </summary>
    public T CreateProxy<T>(uint version, EventQueue? queue = null)
        where T : Proxy, IProxyFactory<T>
    {
        lock (_lock)
        {
            ThrowIfFailed();
            T proxy = T.Create();
            proxy.Attach(this, _objects.Allocate(proxy), version, queue ?? DefaultQueue);
            return proxy;
        }
    }

    /// <summary>Sends queued requests. Returns false when the socket is full (not an error: wait for it to
    /// become writable and flush again).</summary>
    public bool Flush()
    {
        lock (_lock)
        {
            ThrowIfFailed();
            return FlushLocked();
        }
    }

    /// <summary>Closes the connection. Proxies become unusable; pending events (on every queue) are dropped, their fds closed.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _error ??= new WaylandException("the display was disposed");
            DropEventsLocked();
            _readiness?.Dispose();
            _connection.Dispose();
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>The proxy or zombie registered for <paramref name="id"/>.</summary>
    internal Proxy? Lookup(uint id)
    {
        lock (_lock)
        {
            return _objects.Get(id) as Proxy;
        }
    }

    private bool FlushLocked()
    {
        try
        {
            return _connection.Flush() == FlushResult.Complete;
        }
        catch (WaylandIOException e)
        {
            // The compositor may have closed the socket right after posting an error: read what it sent so
            // the protocol error, not EPIPE, is what the application sees.
            ReadAfterHangup();
            Fail(e);
            throw _error!;
        }
    }

    /// <summary>Makes <paramref name="error"/> the connection's fatal error unless one is already set. No event
    /// can be dispatched after that, so the queued ones are dropped and every received descriptor is closed now.</summary>
    private void Fail(WaylandException error)
    {
        _error ??= error;
        DropEventsLocked();
        Monitor.PulseAll(_lock);
    }

    /// <summary>Drops the events of every queue and the received descriptors no event took, closing them.</summary>
    private void DropEventsLocked()
    {
        DisplayQueue.Events.Clear();
        DefaultQueue.Events.Clear();
        foreach (EventQueue queue in _createdQueues)
        {
            queue.Events.Clear();
        }

        _connection.CloseFds(_connection.IncomingFds);
    }

    /// <summary>Forgets a queue the application disposed.</summary>
    internal void ForgetQueueLocked(EventQueue queue) => _createdQueues.Remove(queue);

    private void ThrowIfFailed()
    {
        if (_error is not null)
        {
            throw _error;
        }
    }
}
