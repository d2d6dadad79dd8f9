using Wayland.Events;
using Wayland.Trace.Decoding;
using Wayland.Trace.Output;
using Wayland.Wire;

namespace Wayland.Trace.Proxy;

/// <summary>
/// The proxy: accepts clients (on a listening socket, or handed over as one end of a socket pair), connects each to
/// the compositor on its own connection, and relays and decodes both directions on one epoll loop.
/// </summary>
internal sealed partial class TraceProxy : IDisposable
{
    private readonly EventLoop _loop = new();
    private readonly List<ProxiedConnection> _connections = [];
    private readonly string _upstream;
    private readonly bool _tagAll;
    private readonly TraceOutput? _output;
    private readonly int _flushDelayMs;
    private readonly TimerEventSource? _flushTimer;
    private SafeFdHandle? _listener;
    private FdEventSource? _listenSource;
    private string? _listenPath;
    private FileStream? _lockFile;
    private int _clientCount;

    /// <param name="tracer">Decoding and output.</param>
    /// <param name="upstream">Path of the compositor's socket.</param>
    /// <param name="tagAll">Name the client on every text line; when false, only clients after the first are named.</param>
    /// <param name="output">Where the tracer's lines go, written out by <see cref="Dispatch"/>; null when the caller flushes.</param>
    /// <param name="flushDelay">Zero: write the lines out after every batch of socket events (for a terminal). Otherwise
    /// lines are written this long after the first one of them (or when the buffer fills), so that a file or a pipe
    /// costs one write per interval, not one per message, and the reader of a pipe is not woken for every message.</param>
    public TraceProxy(Tracer tracer, string upstream, bool tagAll, TraceOutput? output = null, TimeSpan flushDelay = default)
    {
        Tracer = tracer;
        _upstream = upstream;
        _tagAll = tagAll;
        _output = output;
        _flushDelayMs = (int)Math.Ceiling(flushDelay.TotalMilliseconds);
        if (output is not null && _flushDelayMs > 0)
        {
            _flushTimer = _loop.AddTimer(output.Flush);
        }
    }

    public Tracer Tracer { get; }

    public EventLoop Loop => _loop;

    /// <summary>Connections being proxied now.</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>How a connection is accepted (<see cref="UnixSocket.Accept"/>; tests make it fail).</summary>
    internal Func<SafeFdHandle, SafeFdHandle?> AcceptConnection { get; set; } = UnixSocket.Accept;

    /// <summary>How long the compositor may go without taking anything of what a client that hung up sent, before the
    /// rest is dropped and the connection closed (see <see cref="ProxiedConnection"/>).</summary>
    internal TimeSpan DrainTimeout { get; set; } = ProxiedConnection.DefaultDrainTimeout;

    /// <summary>Clients accepted so far.</summary>
    public int ClientCount => _clientCount;

    /// <summary>A connection to the compositor the process inherited (WAYLAND_SOCKET), owned from now on: the first
    /// client is proxied over it instead of a connection of its own.</summary>
    internal SafeFdHandle? InheritedUpstream { get; set; }

    /// <summary>Why the compositor's socket is not known (set with <see cref="InheritedUpstream"/>, which the first
    /// client has): clients after it are closed with a note saying so.</summary>
    internal string? UpstreamProblem { get; set; }

    /// <summary>Raised on the loop's thread when a connection has closed.</summary>
    public event Action<ProxiedConnection>? ConnectionClosed;

    /// <summary>
    /// Listens on <paramref name="path"/> as a compositor does: the lock file <c>&lt;path&gt;.lock</c> is taken first
    /// (<c>flock</c>, as libwayland and <c>Wayland.Server</c> take it), so no compositor or other wl-trace uses the name
    /// at the same time; a socket left at the path by one that is gone is then removed, anything else there is
    /// refused. Both files are removed on dispose.
    /// </summary>
    /// <exception cref="WaylandIOException">The lock is held, something other than a socket is at the path, or
    /// bind/listen failed.</exception>
    /// <exception cref="IOException">The lock file cannot be created (a missing directory, say).</exception>
    /// <exception cref="UnauthorizedAccessException">Nor may it be.</exception>
    public void Listen(string path)
    {
        const int WouldBlock = 11, IsDirectory = 21, Exists = 17;
        string lockPath = path + ".lock";
        try
        {
            // FileShare.None is flock(LOCK_EX | LOCK_NB) on Linux.
            _lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e.HResult == WouldBlock)
        {
            throw new WaylandIOException(WouldBlock, "flock", $"cannot listen on {path}: its lock file {lockPath} is held: a compositor "
                + "or another wl-trace is using that name");
        }
        catch (DirectoryNotFoundException)
        {
            throw new IOException($"cannot listen on {path}: the directory {Path.GetDirectoryName(path)} does not exist");
        }

        try
        {
            if (Directory.Exists(path))
            {
                throw new WaylandIOException(IsDirectory, "bind", $"cannot listen on {path}: it is a directory; give the path of a socket to create");
            }

            if (UnixSocket.IsSocketFile(path))
            {
                // Whoever made it holds no lock on it: it is left over.
                File.Delete(path);
            }
            else if (File.Exists(path))
            {
                throw new WaylandIOException(Exists, "bind", $"cannot listen on {path}: it is a file that is not a socket; give the path of a socket to create");
            }

            _listener = UnixSocket.Listen(path);
        }
        catch
        {
            ReleaseLock(lockPath);
            throw;
        }

        _listenPath = path;
        _listenSource = _loop.AddFd(_listener, FdEvents.Readable, (_, _) => AcceptOne());
    }

    /// <summary>Proxies a client already connected to <paramref name="clientSocket"/> (taking ownership).</summary>
    /// <returns>False when the compositor could not be reached (the socket is closed then, and a note says why).</returns>
    /// <param name="clientSocket">The client's connection.</param>
    /// <param name="processId">The client's pid when known (a socket pair's credentials are its creator's); else SO_PEERCRED.</param>
    /// <param name="command">The client's command name when known.</param>
    public bool Adopt(SafeFdHandle clientSocket, int processId = 0, string? command = null)
    {
        if (processId == 0)
        {
            try
            {
                processId = UnixSocket.GetPeerCredentials(clientSocket).ProcessId;
            }
            catch (WaylandIOException)
            {
                // Not a socket with credentials; trace it anyway.
            }
        }

        _clientCount++;
        TraceClient client = new(_clientCount, processId, command ?? TraceClient.CommandOf(processId), _tagAll || _clientCount > 1);
        if (_tagAll)
        {
            Tracer.Note(client, $"{client} connected", routine: true);
        }

        SafeFdHandle server;
        try
        {
            server = InheritedUpstream ?? (UpstreamProblem is { } problem ? throw new ArgumentException(problem) : UnixSocket.Connect(_upstream));
            InheritedUpstream = null;
        }
        catch (Exception e) when (e is WaylandIOException or ArgumentException)
        {
            Tracer.Note(client, $"cannot connect {client} to the compositor: {Wayland.Tools.StandardStreams.Describe(e)}");
            clientSocket.Dispose();
            return false;
        }

        Tracer.Summary.Clients++;
        ProcessAccount account = JoinProcess(processId, client);
        ProxiedConnection connection;
        try
        {
            connection = new ProxiedConnection(_loop, Tracer, client, clientSocket, server, Closed, account, ReceivedFds, DrainTimeout);
        }
        catch
        {
            if (--account.Connections == 0)
            {
                _processes.Remove(account.Key);
            }

            clientSocket.Dispose();
            server.Dispose();
            throw;
        }

        _connections.Add(connection);

        return true;
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for socket activity and handles it; the lines it produced are
    /// written out now or, with a flush delay, by a timer (<see cref="TraceOutput.Flush"/> writes them at the end).</summary>
    public void Dispatch(int timeoutMs)
    {
        _loop.Dispatch(timeoutMs < 0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromMilliseconds(timeoutMs));
        if (_output is not { HasPending: true })
        {
            return;
        }

        if (_flushTimer is null)
        {
            _output.Flush();
        }
        else if (!_flushTimer.IsArmed)
        {
            _flushTimer.Update(_flushDelayMs);
        }
    }

    /// <summary>Closes every connection (both sockets of each); the listening socket stays.</summary>
    public void CloseConnections()
    {
        foreach (ProxiedConnection connection in _connections.ToArray())
        {
            connection.Dispose();
        }
    }

    public void Dispose()
    {
        CloseConnections();
        InheritedUpstream?.Dispose();

        _listenSource?.Remove();
        _listener?.Dispose();
        if (_listenPath is not null)
        {
            try
            {
                File.Delete(_listenPath);
            }
            catch (IOException)
            {
                // Gone already.
            }

            ReleaseLock(_listenPath + ".lock");
        }

        _loop.Dispose();
    }

    /// <summary>Removes the lock file while still holding it (as libwayland does), then lets it go.</summary>
    private void ReleaseLock(string lockPath)
    {
        try
        {
            File.Delete(lockPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone already, or not ours to remove: the lock goes with the descriptor all the same.
        }

        _lockFile?.Dispose();
        _lockFile = null;
    }

    private void AcceptOne()
    {
        SafeFdHandle? socket;
        try
        {
            socket = AcceptConnection(_listener!);
        }
        catch (WaylandIOException e)
        {
            AcceptFailed(e);
            return;
        }

        if (socket is not null)
        {
            int processId = 0;
            try
            {
                processId = UnixSocket.GetPeerCredentials(socket).ProcessId;
            }
            catch (WaylandIOException)
            {
                // Not known: the connection counts as a process of its own.
            }

            if (!AdmitConnection(socket.Fd, processId))
            {
                socket.Dispose();
                return;
            }

            try
            {
                Adopt(socket, processId);
            }
            catch (WaylandIOException e)
            {
                // Adopt has closed both sockets; the other clients go on being proxied.
                Tracer.Note(null, $"cannot proxy a client: {e.Message}");
            }
        }
    }

    private void Closed(ProxiedConnection connection)
    {
        _connections.Remove(connection);
        LeaveProcess(connection);
        if (_tagAll)
        {
            Tracer.Note(connection.Client, $"{connection.Client} disconnected", routine: true);
        }

        ConnectionClosed?.Invoke(connection);
    }
}
