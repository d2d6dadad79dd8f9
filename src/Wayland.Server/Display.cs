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
/// </remarks>
public sealed partial class Display : IDisposable
{
    private readonly List<Client> _clients = [];
    private uint _serial;
    private int _defaultMaxBufferSize = WireLimits.DefaultBufferSize;
    private bool _disposed;

    /// <summary>Creates a display with its own event loop; reads <c>WAYLAND_DEBUG</c>.</summary>
    public Display()
    {
        Loop = new EventLoop();
        Logger = ProtocolLogger.FromEnvironment(server: true);
    }

    /// <summary>The display's event loop (<c>wl_display_get_event_loop</c>).</summary>
    public EventLoop Loop { get; }

    /// <summary>Protocol logger (<c>WAYLAND_DEBUG</c>); null when logging is off.</summary>
    public ProtocolLogger? Logger { get; set; }

    /// <summary>Receives diagnostics libwayland would print with <c>wl_log</c> (why a client was disconnected,
    /// exceptions thrown by handlers). Null by default.</summary>
    public Action<string>? Log { get; set; }

    /// <summary>The connected clients, oldest first.</summary>
    public IReadOnlyList<Client> Clients => _clients;

    /// <summary>
    /// Raised when a handler the library calls on its own threw, and the library contained the exception so that
    /// one client cannot take the loop and the other clients down: a request handler (the client also gets an
    /// <c>implementation</c> error and is disconnected), a <see cref="Client.Destroying"/>,
    /// <see cref="Client.Destroyed"/> or <see cref="Resource.Destroyed"/> handler while a client is torn down (the
    /// teardown carries on), or a <see cref="ClientCreated"/> handler for a client accepted from a socket (that
    /// client is disconnected). With no subscriber the exception goes to <see cref="Log"/>, or to standard error
    /// when <see cref="Log"/> is null, as libwayland's <c>wl_log</c> does by default.
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

    /// <summary>Decoded arguments of the request being dispatched (one per display: dispatch is single-threaded).</summary>
    internal ArgumentValue[] ArgumentScratch { get; } = new ArgumentValue[WireLimits.MaxArguments];

    /// <summary>Descriptors of the request being dispatched.</summary>
    internal int[] FdScratch { get; } = new int[WireLimits.MaxArguments];

    /// <summary>Increments and returns the serial (<c>wl_display_next_serial</c>).</summary>
    public uint NextSerial() => ++_serial;

    /// <summary>
    /// Creates a client for one end of a connected socket (for example a socketpair whose other end a child
    /// process receives as <c>WAYLAND_SOCKET</c>) — <c>wl_client_create</c>. The display takes ownership of
    /// <paramref name="socket"/>, also when this fails.
    /// </summary>
    /// <exception cref="WaylandIOException">The descriptor is not a usable socket.</exception>
    public Client CreateClient(SafeFdHandle socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ThrowIfDisposed();
        Client client;
        try
        {
            client = new Client(this, socket);
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
        for (int i = _clients.Count - 1; i >= 0; i--)
        {
            if (i >= _clients.Count)
            {
                continue;
            }

            Client client = _clients[i];
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

    /// <summary>Disconnects every client (<c>wl_display_destroy_clients</c>).</summary>
    public void DestroyClients()
    {
        while (_clients.Count > 0)
        {
            _clients[^1].Destroy();
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
        CloseSockets();
        Loop.Dispose();
    }

    internal void RemoveClient(Client client) => _clients.Remove(client);

    internal void Diagnostic(string message) => Log?.Invoke(message);

    /// <summary>Reports an exception the library contained (see <see cref="HandlerException"/>).</summary>
    internal void ReportHandlerException(string context, Exception exception)
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

        string text = $"{context} threw {exception}";
        if (Log is { } log)
        {
            log(text);
        }
        else
        {
            Console.Error.WriteLine(text);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
