using Microsoft.Extensions.Logging;
using Wayland.Interop;
using Wayland.Server.Diagnostics;
using Wayland.Server.Protocol;
using Wayland.Wire;

namespace Wayland.Server;

/// <summary>
/// One connected client — what <c>wl_client</c> is to libwayland-server: its connection and buffers, its
/// objects, its credentials. Created by the <see cref="Display"/> when a client connects (or by
/// <see cref="Display.CreateClient"/>), destroyed when it disconnects, fails, or <see cref="Destroy"/> is called.
/// </summary>
/// <remarks>Used on the display's event-loop thread only.</remarks>
public sealed partial class Client
{
    private readonly Connection _connection;
    private readonly ObjectMap<Resource> _objects = new(MapSide.Server);
    private readonly FdEventSource _source;
    private readonly WlDisplay _displayResource;
    private readonly Func<uint, string?> _interfaceOf;
    private bool _failed;
    private bool _destroying;
    private bool _waitingWritable;

    /// <summary>Writes to the client's socket since it last sent something (see <see cref="FlushCore"/>).</summary>
    private int _writesUnheard;

    /// <summary>Writes to a client that sends nothing meanwhile after which flushes wait for the socket to report
    /// room (a quarter of the kernel's 280 or so).</summary>
    internal const int WritesBeforeWaitingForRoom = 64;

    /// <summary>Whether what is queued must go at the next <see cref="Display.FlushClients"/>: set by every event but
    /// <c>wl_display.delete_id</c>, which, as libwayland queues it, waits for the next event or for a page of data.</summary>
    private bool _wantFlush;
    private int _maxObjects;

    /// <summary>Resources the clients that leave destroy in one turn of the loop, all together; see <see cref="Destroy"/>.</summary>
    internal const int MaxDestroyedPerTurn = 1024;

    // A leaving client's resources as they were when it left, and how many of them are destroyed.
    private List<Resource>? _teardown;
    private int _tornDown;
    private readonly Action _continueTearDown;

    internal Client(Display display, SafeFdHandle socket, bool accepted)
    {
        Display = display;
        if (ServerSocketOps.PeerCredentials(socket.Fd, out int pid, out uint uid, out uint gid, out int errno) < 0)
        {
            throw new WaylandIOException(errno, "getsockopt(SO_PEERCRED)");
        }

        ProcessId = pid;
        UserId = uid;
        GroupId = gid;
        _interfaceOf = InterfaceNameOf;
        _continueTearDown = () => TearDown(all: false);
        _source = display.Loop.AddFd(socket.Fd, FdEvents.Readable, OnSocketEvent);
        try
        {
            _connection = new Connection(socket, display.DefaultMaxBufferSize);
        }
        catch
        {
            _source.Remove();
            throw;
        }

        ProcessKey = accepted ? pid : display.NextOwnProcessKey();
        Account = display.JoinProcess(ProcessKey);
        _maxObjects = display.DefaultMaxObjects;
        _displayResource = NewDisplayResource();
        _displayResource.Attach(this, 1, 1);
        _objects.InsertPeer(1, _displayResource);
        CountObjects();
    }

    /// <summary>What this client's process holds and uses over all its connections.</summary>
    internal ProcessAccount Account { get; }

    /// <summary>How many of this client's objects are counted in <see cref="Account"/>.</summary>
    private int _countedObjects;

    /// <summary>Brings the process's object count up to date after this client's object map changed.</summary>
    private void CountObjects()
    {
        int count = IsDestroyed ? 0 : _objects.Count;
        Account.Objects += count - _countedObjects;
        _countedObjects = count;
    }

    /// <summary>Whether the process of this client is at <see cref="Display.MaxObjectsPerProcess"/>.</summary>
    private bool ProcessAtObjectLimit(int extra) =>
        Display.MaxObjectsPerProcess > 0 && Account.Objects + extra > Display.MaxObjectsPerProcess;

    /// <summary>The display the client is connected to.</summary>
    public Display Display { get; }

    /// <summary>Process id of the peer when it connected (SO_PEERCRED). For a socketpair, the creator's.</summary>
    public int ProcessId { get; }

    /// <summary>
    /// The key under which limits for a whole process count this client (<see cref="Display.MaxDescriptors"/>,
    /// <see cref="Display.MaxObjectsPerProcess"/>, the shared dispatch slice, and a compositor's own): its
    /// <see cref="ProcessId"/> when it connected to one of the display's listening sockets. A client handed over with
    /// <see cref="Display.CreateClient"/> (a socket pair, as for <c>WAYLAND_SOCKET</c>) has a negative key of its own,
    /// since its <see cref="ProcessId"/> names the process that made the pair (usually the compositor), not the one
    /// using it.
    /// </summary>
    public int ProcessKey { get; }

    /// <summary>User id of the peer (SO_PEERCRED).</summary>
    public uint UserId { get; }

    /// <summary>Group id of the peer (SO_PEERCRED).</summary>
    public uint GroupId { get; }

    /// <summary>Anything the compositor wants to attach to the client (<c>wl_client_set_user_data</c>).</summary>
    public object? UserData { get; set; }

    /// <summary>Whether the client was destroyed (disconnected).</summary>
    public bool IsDestroyed { get; private set; }

    /// <summary>Whether the client is being destroyed or has been.</summary>
    internal bool IsLeaving => _destroying || IsDestroyed;

    /// <summary>Whether a protocol error was posted or the connection failed; the client is disconnected soon
    /// (after its current request, or at the next <see cref="Display.FlushClients"/>), and events are dropped.</summary>
    public bool HasFailed => _failed;

    /// <summary>The protocol error posted to this client (the first; it is fatal), or null when none was.</summary>
    public ClientError? Error { get; private set; }

    /// <summary>The client's <c>wl_display</c> object (id 1).</summary>
    public WlDisplay DisplayResource => _displayResource;

    /// <summary>The socket, for inspection only (for example to read security labels); do not read or write it.</summary>
    public SafeFdHandle Socket => _connection.Socket;

    /// <summary>
    /// Largest size each of the client's connection buffers may grow to, in bytes (default
    /// <see cref="Display.DefaultMaxBufferSize"/>); values below 4096 become 4096, as in libwayland.
    /// A client that lets more than this pile up unread is disconnected.
    /// </summary>
    public int MaxBufferSize
    {
        get => _connection.MaxBufferSize;
        set => _connection.MaxBufferSize = Math.Max(value, WireLimits.DefaultBufferSize);
    }

    /// <summary>Number of objects the client has.</summary>
    public int ObjectCount => _objects.Count;

    /// <summary>
    /// Most objects the client may have at once (default <see cref="Display.DefaultMaxObjects"/>; 0 for no limit but
    /// the protocol's). A request that would create one more gets <c>wl_display.error</c> <c>no_memory</c> and the
    /// client is disconnected, as libwayland does when it cannot allocate an object. Objects the server creates
    /// for the client (such as <c>wl_data_offer</c>) count too: one created at the limit is still sent, and the client
    /// gets the same error.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxObjects
    {
        get => _maxObjects;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxObjects = value;
        }
    }

    /// <summary>Raised once when the client is being destroyed, before its resources are (<c>wl_client_add_destroy_listener</c>).</summary>
    public event Action<Client>? Destroying;

    /// <summary>Raised once after the client's resources are destroyed and its socket is closed (<c>destroy_late</c>).</summary>
    public event Action<Client>? Destroyed;

    /// <summary>Raised when a resource is registered for the client (<c>wl_client_add_resource_created_listener</c>).</summary>
    public event Action<Resource>? ResourceCreated;

    /// <summary>The client's object with <paramref name="id"/>, or null (<c>wl_client_get_object</c>).</summary>
    public Resource? GetObject(uint id) => _objects.Get(id);

    /// <summary>Calls <paramref name="action"/> for each of the client's objects, client ids first.</summary>
    public void ForEachResource(Action<Resource> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _objects.ForEach((_, resource) => action(resource));
    }

    /// <summary>Sends what is queued for the client now (<c>wl_client_flush</c>). A full socket is not an error:
    /// the rest goes when the client reads.</summary>
    public void Flush() => FlushCore(always: true);

    /// <summary>Pools of this client still mapped (the pool object, or a buffer made from it, is alive); see
    /// <see cref="Shm.MaxPoolsPerClient"/>. Changed from any thread that ends an access, hence interlocked.</summary>
    internal int MappedShmPools;

    /// <summary>Descriptors the server holds for this client: its socket and the loop's duplicate, one per mapped
    /// shm pool, and those received or queued and not used yet (see <see cref="Display.MaxDescriptors"/>).</summary>
    internal int HeldDescriptors => IsDestroyed ? 0 : 2 + Volatile.Read(ref MappedShmPools) + _connection.IncomingFds + _connection.OutgoingFds;

    /// <summary>Sends the <c>no_memory</c> error on <c>wl_display</c> and disconnects the client.</summary>
    public void PostNoMemory() => PostError(_displayResource, (uint)Wayland.Protocols.WlDisplayError.NoMemory, "no memory");

    /// <summary>Sends the <c>implementation</c> error on <c>wl_display</c> (a compositor bug, not the client's fault)
    /// and disconnects the client (<c>wl_client_post_implementation_error</c>).</summary>
    public void PostImplementationError(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        PostError(_displayResource, (uint)Wayland.Protocols.WlDisplayError.Implementation, message);
    }

    /// <summary>
    /// Disconnects the client (<c>wl_client_destroy</c>): raises <see cref="Destroying"/>, flushes what is queued,
    /// closes the socket, destroys every resource in id order (no <c>delete_id</c> is sent), raises
    /// <see cref="Destroyed"/>. The clients that leave destroy at most <see cref="MaxDestroyedPerTurn"/> objects in one
    /// turn of the loop, all of them together: what is over that is destroyed over the loop's next turns, with everyone
    /// else served in between, and <see cref="IsDestroyed"/> is true and <see cref="Destroyed"/> raised once the last is
    /// gone. <see cref="Display.DestroyClients"/> and <see cref="Display.Dispose"/> finish what is left at once.
    /// </summary>
    public void Destroy()
    {
        if (_destroying)
        {
            return;
        }

        _destroying = true;
        Display.RemoveClient(this);

        // Teardown always completes: a handler that throws is reported, and the socket, the resources and the
        // other handlers are still dealt with, so no fd leaks and the loop keeps serving the other clients.
        Guard(Destroying, "Client.Destroying handler");
        try
        {
            _connection.Flush();
        }
        catch (WaylandException)
        {
            // The client is going away either way.
        }

        _source.Remove();
        _connection.Dispose();
        ForgetUnreadFds();
        _teardown = new List<Resource>(_objects.Count);
        _objects.ForEach((_, resource) => _teardown.Add(resource));
        Display.AddLeaving(this);
        TearDown(all: false);
    }

    /// <summary>
    /// Destroys more of a leaving client's resources, in id order: <paramref name="all"/> of them, or as many as this
    /// turn of the loop has left for clients that leave. When none is left (those created meanwhile included), the
    /// client is destroyed; otherwise the rest waits for the loop's next turn.
    /// </summary>
    internal void TearDown(bool all)
    {
        if (_teardown is not { } resources)
        {
            return;
        }

        int end = all ? resources.Count : _tornDown + Display.TakeTeardownShare(resources.Count - _tornDown);
        for (; _tornDown < end; _tornDown++)
        {
            DestroyLeaving(resources[_tornDown]);
        }

        if (_tornDown < resources.Count)
        {
            Display.Loop.Post(_continueTearDown);
            return;
        }

        // Objects the server made for the client after its teardown began (such as an offer sent to one of its data
        // devices) go now.
        _objects.ForEach((_, resource) => DestroyLeaving(resource));
        _teardown = null;
        IsDestroyed = true;
        CountObjects();
        Display.RemoveLeaving(this);
        Display.LeaveProcess(Account);
        Guard(Destroyed, "Client.Destroyed handler");
    }

    private void DestroyLeaving(Resource resource)
    {
        try
        {
            resource.Destroy();
        }
        catch (Exception e)
        {
            Display.ReportHandlerException($"{resource}.Destroyed handler", e, this);
        }
    }

    private void Guard(Action<Client>? handler, string context)
    {
        try
        {
            handler?.Invoke(this);
        }
        catch (Exception e)
        {
            Display.ReportHandlerException(context, e, this);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"client (pid {ProcessId})";

    /// <summary>Registers a resource the client asked for (a new_id), at <paramref name="version"/>.</summary>
    /// <returns>False, after posting <c>invalid new id</c>, when the id cannot be used, or <c>no_memory</c>, when the
    /// client is at <see cref="MaxObjects"/>.</returns>
    internal bool TryRegister(Resource resource, uint id, uint version)
    {
        resource.Attach(this, id, version);
        bool overClient = _maxObjects > 0 && _objects.Count >= _maxObjects;
        if (overClient || ProcessAtObjectLimit(1))
        {
            if (Display.ShouldLog(LogLevel.Warning, this))
            {
                (int count, int limit) = overClient ? (_objects.Count + 1, _maxObjects) : (Account.Objects + 1, Display.MaxObjectsPerProcess);
                ServerLog.ObjectLimit(Display.Log, overClient ? ToString() : $"client process {ProcessId}", resource.Interface.Name, id, count, limit);
            }

            PostNoMemory();
            return false;
        }

        if (_objects.InsertPeer(id, resource) != MapInsertResult.Ok)
        {
            PostError(_displayResource, (uint)Wayland.Protocols.WlDisplayError.InvalidObject, $"invalid new id {id}");
            return false;
        }

        CountObjects();

        try
        {
            ResourceCreated?.Invoke(resource);
        }
        catch (Exception e)
        {
            HandlerFailed($"{resource}.ResourceCreated", e);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Registers a resource under a new server-allocated id. It counts toward <see cref="MaxObjects"/>: the event that
    /// creates it is already being sent, so it is not refused, but a client at its limit gets <c>no_memory</c> and is
    /// disconnected (after its current request, or at the next flush) rather than piling up objects it never frees.
    /// </summary>
    internal uint AllocateServerId(Resource resource, uint version)
    {
        uint id = _objects.Allocate(resource);
        resource.Attach(this, id, version);
        CountObjects();
        bool overClient = _maxObjects > 0 && _objects.Count > _maxObjects;
        if ((overClient || ProcessAtObjectLimit(0)) && !_failed)
        {
            if (Display.ShouldLog(LogLevel.Warning, this))
            {
                (int count, int limit) = overClient ? (_objects.Count, _maxObjects) : (Account.Objects, Display.MaxObjectsPerProcess);
                ServerLog.ObjectLimit(Display.Log, overClient ? ToString() : $"client process {ProcessId}", resource.Interface.Name, id, count, limit);
            }

            PostNoMemory();
        }

        ResourceCreated?.Invoke(resource);
        return id;
    }

    /// <summary>Frees a destroyed resource's id; a client id is announced with <c>wl_display.delete_id</c>.</summary>
    internal void Forget(Resource resource)
    {
        uint id = resource.Id;
        if (_objects.Get(id) != resource)
        {
            return;
        }

        if (id < WireLimits.ServerIdStart && !_destroying)
        {
            // As libwayland (wl_resource_queue_event): delete_id alone does not make the loop send. It goes with the
            // next event, or once a page is pending, so destroying objects does not wake the client for nothing.
            bool wanted = _wantFlush;
            _displayResource.SendDeleteId(id);
            _wantFlush = wanted;
            if (_connection.OutgoingBytes >= WireLimits.DefaultBufferSize)
            {
                WantFlush();
            }
        }

        _objects.Remove(id);
        CountObjects();
    }

    /// <summary>Sends pending data (when an event asked for it, or <paramref name="always"/>); waits for writability when
    /// the socket is full; destroys the client on failure.</summary>
    internal void FlushCore(bool always = false)
    {
        if (_destroying || !(_wantFlush || always))
        {
            return;
        }

        _wantFlush = false;
        if (!always && _writesUnheard >= WritesBeforeWaitingForRoom)
        {
            // The client has not sent anything for many writes: it may be busy, and each write to its socket costs it
            // room for a whole buffer however small it is (the kernel takes about 280 before the client reads). So
            // wait for the socket to report room: at once while few writes are unread, otherwise when the client
            // reads. What is queued meanwhile goes out in one write, or in whole buffers as it fills up.
            WaitForRoom();
            return;
        }

        try
        {
            if (FlushConnection() == FlushResult.WouldBlock)
            {
                WaitForRoom();
            }
        }
        catch (WaylandException)
        {
            Destroy();
        }
    }

    /// <summary>Watches the socket for room (if it is not watched already); the writable event flushes.</summary>
    private void WaitForRoom()
    {
        if (!_waitingWritable)
        {
            _waitingWritable = true;
            _source.Update(WatchMask);
        }
    }

    /// <summary>Descriptors sent to the client since it was last seen to have read everything sent.</summary>
    private int _unreadFds;

    /// <summary><see cref="Connection.FdsSent"/> as last counted into <see cref="_unreadFds"/>.</summary>
    private long _fdsSentCounted;

    /// <summary>Flushes the connection, counting the descriptors that went out (also those sent by earlier flushes made
    /// to find room for an event).</summary>
    private FlushResult FlushConnection()
    {
        if (_unreadFds >= ProcessAccount.UnreadFdsCheckedFrom)
        {
            // Before sending more: whether the client has read what it was sent so far.
            CheckUnreadFds();
        }

        if (_connection.OutgoingBytes > 0 && _writesUnheard < int.MaxValue)
        {
            _writesUnheard++;
        }

        FlushResult result = _connection.Flush();
        long sent = _connection.FdsSent - _fdsSentCounted;
        if (sent > 0)
        {
            _fdsSentCounted = _connection.FdsSent;
            FdsSent((int)Math.Min(sent, int.MaxValue));
        }

        return result;
    }

    /// <summary>
    /// Descriptors sent and not read yet stay with the kernel, on the account of the server's user: past that user's
    /// descriptor limit, sending any descriptor fails (ETOOMANYREFS) for every client, unless the server runs as root.
    /// So once a client has been sent many without being seen to read them all, its process's count is checked
    /// against <see cref="Display.MaxUnreadFdsPerProcess"/>.
    /// </summary>
    private void FdsSent(int count)
    {
        _unreadFds += count;
        Account.UnreadFds += count;
        int limit = Display.MaxUnreadFdsPerProcess;
        if (_unreadFds < Math.Min(ProcessAccount.UnreadFdsCheckedFrom, limit))
        {
            return;
        }

        if (!CheckUnreadFds() && Account.UnreadFds > limit)
        {
            Display.ScheduleShedUnreadFds(Account);
        }
    }

    /// <summary>Forgets the descriptors sent to the client if it has read everything sent; returns whether it has.</summary>
    internal bool CheckUnreadFds()
    {
        if (_unreadFds == 0 || IsDestroyed || ServerSocketOps.UnreadBytes(_connection.Socket.Fd) != 0)
        {
            return _unreadFds == 0;
        }

        ForgetUnreadFds();
        return true;
    }

    private void ForgetUnreadFds()
    {
        Account.UnreadFds -= _unreadFds;
        _unreadFds = 0;
    }

    private string? InterfaceNameOf(uint id) => _objects.Get(id)?.Interface.Name;

    private WlDisplay NewDisplayResource() => WlDisplay.CreateForClient();
}
