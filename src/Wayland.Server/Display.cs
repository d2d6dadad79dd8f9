using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Wayland.Server.Diagnostics;
using Wayland.Wire;

namespace Wayland.Server;

/// <summary>
/// A Wayland compositor's display — what <c>wl_display</c> is to libwayland-server: its event loop, listening
/// sockets, clients, globals and serial. Clients connect through <see cref="AddSocket"/> /
/// <see cref="AddSocketAuto"/> / <see cref="AddSocketFd"/> or are handed over with <see cref="CreateClient"/>.
/// </summary>
/// <remarks>
/// <para>Single-threaded, like libwayland: every method, event and handler runs on the thread that runs the loop
/// (<see cref="Run"/>, <see cref="RunAsync"/>, or your own loop calling <see cref="Dispatch(TimeSpan)"/>). Other threads use
/// <see cref="EventLoop.Post"/> and <see cref="Terminate"/>.</para>
/// <para><c>WAYLAND_DEBUG=server</c> (or <c>1</c>) logs every request and event to stderr in libwayland's format.</para>
/// <para>Diagnostics (why a client was disconnected, exceptions thrown by handlers) go to the <see cref="ILogger"/> of the
/// logger factory given to the constructor, rate-limited per client (<see cref="ClientLogRateLimit"/>); nothing is
/// written to the console. Counters and gauges are published on the <see cref="MeterName"/> meter.</para>
/// </remarks>
public sealed partial class Display : IDisposable
{
    /// <summary>Default of <see cref="DefaultMaxObjects"/>: 100 000 objects, far more than an application keeps at once,
    /// yet a bound on the memory one client can make the server hold.</summary>
    public const int DefaultObjectLimit = 100_000;

    private readonly List<Client> _clients = [];
    private readonly List<Client> _leaving = [];
    private readonly Action _renewTeardownShare;
    private int _destroyedThisTurn;
    private bool _teardownShareRenewing;
    private uint _serial;
    private int _defaultMaxBufferSize = WireLimits.DefaultBufferSize;
    private int _defaultMaxObjects = DefaultObjectLimit;
    private TimeSpan _dispatchSlice = DefaultDispatchSlice;
    private long _dispatchSliceTicks = ToStopwatchTicks(DefaultDispatchSlice);
    private bool _disposed;

    /// <summary>The name of the <see cref="Meter"/> a display publishes its instruments on: clients connected
    /// (<c>wayland.server.active_clients</c>), requests and bytes received (<c>wayland.server.messages.received</c>,
    /// <c>wayland.server.bytes.received</c>), events and bytes sent (<c>wayland.server.messages.sent</c>,
    /// <c>wayland.server.bytes.sent</c>) and protocol errors posted (<c>wayland.server.protocol_errors</c>).</summary>
    public const string MeterName = "Wayland.Server";

    private readonly ILogger _log;
    private readonly ClientLogLimiter _logLimiter;
    private readonly ServerMetrics _metrics;

    /// <summary>Creates a display with its own event loop; reads <c>WAYLAND_DEBUG</c>. It logs nothing and publishes
    /// its instruments on a meter of its own.</summary>
    public Display()
        : this(null)
    {
    }

    /// <summary>Creates a display with its own event loop; reads <c>WAYLAND_DEBUG</c>.</summary>
    /// <param name="loggerFactory">Where diagnostics go (category <c>Wayland.Server.Display</c>); null logs nothing.</param>
    /// <param name="meterFactory">Creates the <see cref="MeterName"/> meter (as dependency injection does); null creates
    /// a meter of the display's own, disposed with it.</param>
    public Display(ILoggerFactory? loggerFactory, IMeterFactory? meterFactory = null)
    {
        _log = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<Display>();
        Loop = new EventLoop();
        _logLimiter = new ClientLogLimiter(this, _log);
        _metrics = new ServerMetrics(meterFactory, () => _clients.Count);
        _renewTeardownShare = () => (_destroyedThisTurn, _teardownShareRenewing) = (0, false);
        Logger = ProtocolLogger.FromEnvironment(server: true);
    }

    /// <summary>The display's event loop (<c>wl_display_get_event_loop</c>).</summary>
    public EventLoop Loop { get; }

    /// <summary>Protocol logger (<c>WAYLAND_DEBUG</c>); null when logging is off.</summary>
    public ProtocolLogger? Logger { get; set; }

    /// <summary>
    /// How many diagnostics one client process may cause per interval (default <see cref="LogRateLimit.Default"/>:
    /// 10 every 10 s); the rest are counted and summed up in one message when the interval ends.
    /// </summary>
    public LogRateLimit ClientLogRateLimit
    {
        get => _logLimiter.Limit;
        set => _logLimiter.Limit = value;
    }

    /// <summary>The connected clients, oldest first.</summary>
    public IReadOnlyList<Client> Clients => _clients;

    /// <summary>
    /// Raised when a handler the library calls on its own threw, and the library contained the exception so that
    /// one client cannot take the loop and the other clients down: a request handler (the client also gets an
    /// <c>implementation</c> error and is disconnected), a <see cref="Client.Destroying"/>,
    /// <see cref="Client.Destroyed"/> or <see cref="Resource.Destroyed"/> handler while a client is torn down (the
    /// teardown carries on), or a <see cref="ClientCreated"/> handler for a client accepted from a socket (that
    /// client is disconnected). With no subscriber the exception is logged as an error (rate-limited per client).
    /// </summary>
    public event Action<HandlerExceptionInfo>? HandlerException;

    /// <summary>Raised when a client is created (<c>wl_display_add_client_created_listener</c>).</summary>
    public event Action<Client>? ClientCreated;

    /// <summary>Raised once when the display is disposed, before clients and sockets go.</summary>
    public event Action<Display>? Disposing;

    /// <summary>The current serial (<c>wl_display_get_serial</c>), also what <c>wl_display.sync</c> callbacks carry.</summary>
    public uint Serial => _serial;

    /// <summary>
    /// Maximum size of each connection buffer of clients created from now on (<c>wl_display_set_default_max_buffer_size</c>):
    /// 4096 by default; smaller values become 4096.
    /// </summary>
    public int DefaultMaxBufferSize
    {
        get => _defaultMaxBufferSize;
        set => _defaultMaxBufferSize = Math.Max(value, WireLimits.DefaultBufferSize);
    }

    /// <summary>
    /// Most objects each client created from now on may have at once (<see cref="Client.MaxObjects"/>): a request that
    /// would create one more gets <c>wl_display.error</c> <c>no_memory</c> and disconnects that client only.
    /// <see cref="DefaultObjectLimit"/> by default; 0 leaves only the protocol's own limit (about 15.7 million ids).
    /// libwayland has no such limit; set it to what your clients need (see docs/limits.md).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int DefaultMaxObjects
    {
        get => _defaultMaxObjects;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _defaultMaxObjects = value;
        }
    }

    /// <summary>Default of <see cref="DispatchSlice"/>: 2 ms, far longer than a well-behaved client's requests take.</summary>
    public static readonly TimeSpan DefaultDispatchSlice = TimeSpan.FromMilliseconds(2);

    /// <summary>
    /// How long the loop handles one client's requests in a row before it turns to the other clients (and to timers):
    /// past it, the client's requests not handled yet wait for the loop's next turn, in order. A request is never cut
    /// short, and a client's requests are never reordered; what changes is only when another client's requests come
    /// in between. Without it, one client could fill its 4 KB buffer with requests that each cost much work (such as
    /// commits of big buffers) and keep every other client waiting until all were handled.
    /// <see cref="DefaultDispatchSlice"/> by default; <see cref="TimeSpan.Zero"/> handles everything a client sent
    /// at once, as libwayland does. The time is checked when the kernel's coarse clock ticks (every 1–4 ms), so a
    /// client may keep the loop up to one tick longer than the slice. The clients of a process with more than four
    /// connections share one slice, counted over the loop's turns (reading their sockets included); once they have
    /// used it up, they rest until the loop has gone through everything else that was ready (see docs/limits.md).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public TimeSpan DispatchSlice
    {
        get => _dispatchSlice;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _dispatchSlice = value;
            _dispatchSliceTicks = ToStopwatchTicks(value);
        }
    }

    /// <summary><see cref="DispatchSlice"/> in <see cref="System.Diagnostics.Stopwatch"/> ticks; 0 for no slice.</summary>
    internal long DispatchSliceTicks => _dispatchSliceTicks;

    /// <summary>Decoded arguments of the request being dispatched (one per display: dispatch is single-threaded).</summary>
    internal ArgumentValue[] ArgumentScratch { get; } = new ArgumentValue[WireLimits.MaxArguments];

    /// <summary>Descriptors of the request being dispatched.</summary>
    internal int[] FdScratch { get; } = new int[WireLimits.MaxArguments];

    private static long ToStopwatchTicks(TimeSpan value) =>
        (long)Math.Min(long.MaxValue, value.Ticks * (double)System.Diagnostics.Stopwatch.Frequency / TimeSpan.TicksPerSecond);

    /// <summary>Increments and returns the serial (<c>wl_display_next_serial</c>).</summary>
    public uint NextSerial() => ++_serial;

    /// <summary>
    /// Creates a client for one end of a connected socket (for example a socketpair whose other end a child
    /// process receives as <c>WAYLAND_SOCKET</c>) — <c>wl_client_create</c>. The display takes ownership of
    /// <paramref name="socket"/>, also when this fails.
    /// </summary>
    /// <exception cref="WaylandIOException">The descriptor is not a usable socket.</exception>
    public Client CreateClient(SafeFdHandle socket) => NewClient(socket, accepted: false);

    private Client NewClient(SafeFdHandle socket, bool accepted)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ThrowIfDisposed();
        Client client;
        try
        {
            client = new Client(this, socket, accepted);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _clients.Add(client);
        try
        {
            ClientCreated?.Invoke(client);
        }
        catch
        {
            // A client the compositor could not set up must not stay half-initialised.
            client.Destroy();
            throw;
        }

        return client;
    }

    /// <summary>
    /// Sends what is queued for every client (<c>wl_display_flush_clients</c>). A client whose socket is full is
    /// watched for writability and flushed when it reads; a client whose socket failed, or that had an error
    /// posted, is disconnected here. Call it before blocking in the loop when you drive the loop yourself.
    /// </summary>
    public void FlushClients()
    {
        // Only the clients that were sent something or failed since the last time: idle connections cost a turn
        // nothing. Clients queued while this runs (a disconnection can send events to others) are visited too.
        int visited = 0;
        try
        {
            while (visited < _flushQueue.Count)
            {
                Client client = _flushQueue[visited++];
                client.QueuedForFlush = false;
                if (client.HasFailed)
                {
                    client.Destroy();
                }
                else
                {
                    client.FlushCore();
                }
            }
        }
        finally
        {
            // A handler that threw leaves the clients not visited yet queued for the next time.
            _flushQueue.RemoveRange(0, visited);
        }
    }

    /// <summary>Clients <see cref="FlushClients"/> visits next: each once, however often it was queued.</summary>
    private readonly List<Client> _flushQueue = [];

    internal void QueueForFlush(Client client) => _flushQueue.Add(client);

    /// <summary>
    /// One iteration of a compositor's loop: flushes clients, dispatches the loop for up to
    /// <paramref name="timeout"/> (<see cref="TimeSpan.Zero"/> polls, <see cref="Timeout.InfiniteTimeSpan"/> waits for
    /// ever), flushes again.
    /// </summary>
    /// <returns>How many epoll events were dispatched.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than
    /// <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    public int Dispatch(TimeSpan timeout)
    {
        int milliseconds = EventLoop.ToMilliseconds(timeout);
        FlushClients();
        int count = Loop.Dispatch(milliseconds);
        FlushClients();
        return count;
    }

    /// <summary>Flushes clients and dispatches until <see cref="Terminate"/> (<c>wl_display_run</c>).</summary>
    public void Run()
    {
        ThrowIfDisposed();
        Loop.RunCore(FlushClients);
    }

    /// <summary>Makes <see cref="Run"/> return (<c>wl_display_terminate</c>); safe from any thread.</summary>
    public void Terminate() => Loop.Terminate();

    /// <summary>Runs the display on a dedicated thread until cancelled or terminated; see <see cref="EventLoop.RunAsync"/>.</summary>
    public Task RunAsync(CancellationToken cancellationToken = default) => EventLoop.RunOnThread(Run, Terminate, cancellationToken);

    /// <summary>Disconnects every client (<c>wl_display_destroy_clients</c>), and destroys at once what is left of the
    /// resources of clients that left before (see <see cref="Client.Destroy"/>).</summary>
    public void DestroyClients()
    {
        while (_clients.Count > 0)
        {
            _clients[^1].Destroy();
        }

        // Clients that left and whose resources are still being destroyed a share per turn: all of them now.
        while (_leaving.Count > 0)
        {
            _leaving[^1].TearDown(all: true);
        }
    }

    /// <summary>Disconnects every client, destroys globals, closes and unlinks the sockets and lock files, closes the loop.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        Disposing?.Invoke(this);
        DestroyClients();
        _disposed = true;
        DestroyGlobals();
        ShmUnmapper.Dispose();
        CloseSockets();
        _logLimiter.Flush();
        Loop.Dispose();
        _metrics.Dispose();
    }

    internal void RemoveClient(Client client) => _clients.Remove(client);

    /// <summary>A client that left and whose resources are being destroyed over the loop's turns.</summary>
    internal void AddLeaving(Client client) => _leaving.Add(client);

    /// <summary>A leaving client whose resources are all destroyed.</summary>
    internal void RemoveLeaving(Client client) => _leaving.Remove(client);

    /// <summary>
    /// How many of the <paramref name="wanted"/> resources a leaving client may destroy now: what is left of this turn's
    /// <see cref="Client.MaxDestroyedPerTurn"/>, shared by all clients that leave, however many connections a process
    /// spread its objects over. The share is renewed on the loop's next turn.
    /// </summary>
    internal int TakeTeardownShare(int wanted)
    {
        if (!_teardownShareRenewing)
        {
            _teardownShareRenewing = true;
            Loop.Post(_renewTeardownShare);
        }

        int granted = Math.Min(wanted, Client.MaxDestroyedPerTurn - _destroyedThisTurn);
        _destroyedThisTurn += granted;
        return granted;
    }

    /// <summary>The display's log (write through <see cref="ServerLog"/> after <see cref="ShouldLog"/>).</summary>
    internal ILogger Log => _log;

    internal ServerMetrics Metrics => _metrics;

    /// <summary>Unmaps the clients' big shm pools off the loop's thread.</summary>
    internal ShmUnmapper ShmUnmapper { get; } = new();

    /// <summary>Whether a message at <paramref name="level"/> caused by <paramref name="client"/> (null: by the display
    /// itself) may be logged now: the level is on and that client's budget is not spent.</summary>
    internal bool ShouldLog(LogLevel level, Client? client) =>
        _logLimiter.Allow(level, client is null ? ClientLogLimiter.DisplayKey : client.ProcessId);

    /// <summary>Reports an exception the library contained (see <see cref="HandlerException"/>) that
    /// <paramref name="client"/> (null: no client) was being served for.</summary>
    internal void ReportHandlerException(string context, Exception exception, Client? client)
    {
        Action<HandlerExceptionInfo>? handler = HandlerException;
        if (handler is not null)
        {
            try
            {
                handler(new HandlerExceptionInfo(context, exception));
                return;
            }
            catch (Exception second)
            {
                // The reporter failed too: fall through to the log so neither exception is lost.
                exception = new AggregateException(exception, second);
            }
        }

        if (ShouldLog(LogLevel.Error, client))
        {
            ServerLog.HandlerThrew(_log, context, exception);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
