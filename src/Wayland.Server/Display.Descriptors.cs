using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Wayland.Interop;
using Wayland.Server.Diagnostics;

namespace Wayland.Server;

/// <summary>What clients make the server process hold that is limited for the whole process, not per client.</summary>
internal enum ProcessResource
{
    /// <summary>Descriptors: two per connection (the socket and the event loop's duplicate), one per mapped shm pool,
    /// and those received and not used yet or queued to be sent.</summary>
    Descriptors,

    /// <summary>Memory mappings of shm pools (<c>vm.max_map_count</c>).</summary>
    ShmPools,
}

/// <summary>What one client process holds and uses over all its connections (<see cref="Client.ProcessKey"/>).</summary>
internal sealed class ProcessAccount(int key)
{
    /// <summary>Clients a process may have that each get a dispatch slice of their own; the clients of a process with
    /// more share one slice, and rest once it is used up (see <see cref="Display.IsResting"/>). Applications open one or
    /// two connections.</summary>
    public const int OwnSlices = 4;

    /// <summary>Its <see cref="Client.ProcessKey"/>.</summary>
    public int Key { get; } = key;

    /// <summary>Whether its clients share one dispatch slice (it has more than <see cref="OwnSlices"/>).</summary>
    public bool SharesSlice => Clients > OwnSlices;

    /// <summary>Its clients (connections) now.</summary>
    public int Clients;

    /// <summary>The objects of all its clients; see <see cref="Display.MaxObjectsPerProcess"/>.</summary>
    public int Objects;

    /// <summary>Time (<see cref="System.Diagnostics.Stopwatch"/> ticks) its clients have used of the dispatch slice they
    /// share, over as many loop turns as it took: reading their sockets and handling their requests.</summary>
    public long SliceUsed;

    /// <summary>Until when (<see cref="System.Diagnostics.Stopwatch"/> ticks) its clients rest after using up the shared
    /// slice, at least: as long as the slice itself. See <see cref="Display.IsResting"/>.</summary>
    public long RestUntil;

    /// <summary><see cref="Wayland.Events.EventLoop.CompleteWaits"/> when its rest began.</summary>
    public long RestWaits;

    /// <summary>Resumes its waiting clients when a rest ends; created on the first rest, removed with the account.</summary>
    public Wayland.Events.TimerEventSource? RestTimer;

    /// <summary>A client is checked for descriptors sent and not read once it has this many (or the process's limit,
    /// if lower); applications are sent a few at a time.</summary>
    public const int UnreadFdsCheckedFrom = 256;

    /// <summary>Descriptors sent to its clients that they were not yet seen to read; see
    /// <see cref="Display.MaxUnreadFdsPerProcess"/>.</summary>
    public int UnreadFds;

    /// <summary>Whether a check of <see cref="UnreadFds"/> is posted to the loop.</summary>
    public bool ShedPosted;

    /// <summary>Its clients that used up the shared slice with requests left, in the order they stopped.</summary>
    public readonly Queue<Client> Waiting = new();

    /// <summary>Whether <see cref="Resume"/> is posted to the loop.</summary>
    public bool ResumePosted;

    /// <summary>Serves <see cref="Waiting"/> on the loop's next turn (cached: posting it allocates nothing).</summary>
    public Action? Resume;
}

public sealed partial class Display
{
    private readonly Dictionary<int, ProcessAccount> _processes = [];
    private int _maxObjectsPerProcess = DefaultObjectLimit;
    private bool _makeRoomPosted;

    /// <summary>
    /// Most objects all clients of one process may have at once, together (default <see cref="DefaultObjectLimit"/>;
    /// 0 for no limit). <see cref="DefaultMaxObjects"/> bounds one connection; this bounds a process that opens many.
    /// Going over it is answered as going over <see cref="Client.MaxObjects"/>: <c>no_memory</c> for the client whose
    /// request would create one more.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public int MaxObjectsPerProcess
    {
        get => _maxObjectsPerProcess;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            _maxObjectsPerProcess = value;
        }
    }

    /// <summary>Descriptors one process's clients may have been sent and not read yet: a quarter of
    /// <see cref="MaxDescriptors"/>. Unread descriptors are held by the kernel for the server's user, and past its
    /// descriptor limit no descriptor can be sent to anyone (ETOOMANYREFS) unless the server runs as root.</summary>
    internal int MaxUnreadFdsPerProcess => _maxDescriptors / 4;

    /// <summary>On the loop's next turn: checks again which clients of <paramref name="account"/>'s process have not
    /// read what they were sent, and disconnects them all if they still hold more than
    /// <see cref="MaxUnreadFdsPerProcess"/> descriptors unread.</summary>
    internal void ScheduleShedUnreadFds(ProcessAccount account)
    {
        if (account.ShedPosted)
        {
            return;
        }

        account.ShedPosted = true;
        Loop.Post(() =>
        {
            account.ShedPosted = false;
            List<Client> clients = [.. _clients.Where(c => c.Account == account)];
            foreach (Client client in clients)
            {
                client.CheckUnreadFds();
            }

            if (account.UnreadFds > MaxUnreadFdsPerProcess)
            {
                ShedProcess(clients, account.Key, "descriptors sent and not read", $"{account.UnreadFds} of {MaxUnreadFdsPerProcess}", account.UnreadFds, null);
            }
        });
    }

    /// <summary>
    /// <paramref name="client"/>, of a process whose clients share a slice, used it up with requests left, or became
    /// ready while they rest: it waits with the others of its process, and when the rest is over they go on in the order
    /// they stopped, until the slice is used up again. So a process's waiting connections cost a turn one posted action
    /// (or timer), not one each.
    /// </summary>
    internal void WaitForTurn(Client client)
    {
        ProcessAccount account = client.Account;
        account.Waiting.Enqueue(client);
        if (account.ResumePosted)
        {
            return;
        }

        account.ResumePosted = true;
        Loop.Post(account.Resume ??= () =>
        {
            long now = Stopwatch.GetTimestamp();
            if (IsResting(account, now))
            {
                // Still resting: look again when its time is up, or in a millisecond if only the loop's round is not
                // (epoll counts whole milliseconds).
                account.RestTimer ??= Loop.AddTimer(account.Resume!);
                account.RestTimer.Update((int)Math.Max(1, ((account.RestUntil - now) * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency));
                return;
            }

            account.ResumePosted = false;
            while (account.Waiting.TryDequeue(out Client? next))
            {
                next.ResumeRequests();
                if (account.ResumePosted)
                {
                    break; // it used the slice up again and waits at the back; the rest wait for the next turn
                }
            }
        });
    }

    /// <summary>Longest rest, in slices, when the loop never gets round everything that is ready (many other busy
    /// clients): a process that shares a slice is slowed, not starved.</summary>
    private const int MaxRestSlices = 8;

    /// <summary>Starts the rest of a process whose clients used up their shared slice.</summary>
    internal void StartRest(ProcessAccount account, long now)
    {
        account.RestUntil = now + DispatchSliceTicks;
        account.RestWaits = Loop.CompleteWaits;
    }

    /// <summary>
    /// Whether the clients of <paramref name="account"/> rest: for a slice's time after using up their shared slice,
    /// and then until the loop has gone through everything that was ready (a wait that reported fewer events than a
    /// full batch), at most <see cref="MaxRestSlices"/> slices in all. The clients that turn ready meanwhile are put
    /// aside without being read, so however many connections the process keeps ready, the loop soon reaches everyone
    /// else's, and the process gets at most about half the loop.
    /// </summary>
    internal bool IsResting(ProcessAccount account, long now) =>
        now < account.RestUntil
        || (Loop.CompleteWaits == account.RestWaits && now < account.RestUntil + ((MaxRestSlices - 1) * DispatchSliceTicks));

    private int _lastOwnProcessKey;

    /// <summary>A <see cref="Client.ProcessKey"/> no other client has, for a client handed over with a socket pair.</summary>
    internal int NextOwnProcessKey() => --_lastOwnProcessKey;

    /// <summary>The account of process <paramref name="pid"/>, which a new client of it joins.</summary>
    internal ProcessAccount JoinProcess(int pid)
    {
        if (!_processes.TryGetValue(pid, out ProcessAccount? account))
        {
            _processes[pid] = account = new ProcessAccount(pid);
        }

        account.Clients++;
        return account;
    }

    /// <summary>A client of <paramref name="account"/>'s process is gone; the account goes with its last client.</summary>
    internal void LeaveProcess(ProcessAccount account)
    {
        if (--account.Clients == 0)
        {
            _processes.Remove(account.Key);
            account.RestTimer?.Remove();
            account.RestTimer = null;
        }
    }

    /// <summary>Makes room for descriptors on the loop's next turn: an event's descriptor was duplicated at or above
    /// <see cref="MaxDescriptors"/>, in the middle of sending, where no client may be destroyed.</summary>
    internal void ScheduleMakeRoom()
    {
        if (_makeRoomPosted)
        {
            return;
        }

        _makeRoomPosted = true;
        Loop.Post(() =>
        {
            _makeRoomPosted = false;
            MakeRoom(ProcessResource.Descriptors, _maxDescriptors, 0, null, "descriptors queued to be sent", "nothing");
        });
    }

    /// <summary>How long after a shedding pass that found nobody to disconnect the next one is skipped (the request
    /// that needs room is refused at once): a pass walks every client.</summary>
    private const long FutileShedPauseMs = 100;

    private int _maxDescriptors = DefaultMaxDescriptorsFor(FileOps.DescriptorLimit());
    private long _lastFutileShed = -FutileShedPauseMs;

    /// <summary>
    /// The descriptor number the server keeps clients below, for the whole process (every connection of every
    /// client together). By default the process's <c>RLIMIT_NOFILE</c> soft limit less a reserve of an eighth of it
    /// (at least 64, at most 4096), read when the display is created.
    /// </summary>
    /// <remarks>
    /// <para>A per-client limit does not bound what a process with many connections holds, and a .NET process whose
    /// descriptors are all in use cannot even start a thread: the runtime aborts. So once a connection accepted or a
    /// descriptor received gets a number at or above this one (the kernel hands out the lowest free number, so the
    /// table is that full), the server makes room: it disconnects every client of the process that holds the most
    /// descriptors (each with <c>wl_display.error</c> <c>no_memory</c>), provided it holds at least a 64th of this
    /// limit (and at least 32). The connection or client that needed the room is refused when it belongs to that
    /// process, or when no process holds that much. Clients of other processes are not touched.</para>
    /// <para>What counts for a client: two descriptors for its connection, one for each shm pool it has mapped, and
    /// those received from it or queued for it that are not used yet. Descriptors the compositor keeps on its own
    /// account are not attributed to anyone, but they do take room below the limit.</para>
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 64.</exception>
    public int MaxDescriptors
    {
        get => _maxDescriptors;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 64);
            _maxDescriptors = value;
        }
    }

    /// <summary>Shm pools mapped by all clients together (changed from any thread that ends an access, hence
    /// interlocked); see <see cref="Shm.MaxPools"/>.</summary>
    internal int MappedShmPools;

    /// <summary>The default of <see cref="MaxDescriptors"/> for a soft limit of <paramref name="limit"/> (-1: unknown,
    /// taken as 1024).</summary>
    internal static int DefaultMaxDescriptorsFor(int limit)
    {
        long soft = limit < 0 ? 1024 : limit;
        long reserve = Math.Clamp(soft / 8, 64, 4096);
        return (int)Math.Max(64, soft - reserve);
    }

    /// <summary>A connection was accepted as descriptor <paramref name="fd"/>: whether it may become a client, after
    /// making room when the table is nearly full.</summary>
    private bool AdmitConnection(int fd)
    {
        if (fd < _maxDescriptors)
        {
            return true;
        }

        int pid = ServerSocketOps.PeerCredentials(fd, out int peer, out _, out _, out _) < 0 ? 0 : peer;
        return MakeRoom(ProcessResource.Descriptors, _maxDescriptors, pid, null, $"descriptor {fd} of {_maxDescriptors}", "a connection");
    }

    /// <summary>
    /// Makes room for <paramref name="resource"/> when it is nearly used up: disconnects every client of the process
    /// holding the most of it, if that is at least a 64th of the limit. Returns false when the request that needed
    /// the room must be refused: its process was the one disconnected, or there was nobody to disconnect.
    /// <paramref name="requester"/> (the client asking, if any) is never destroyed here; its caller refuses it.
    /// </summary>
    internal bool MakeRoom(ProcessResource resource, int limit, int requesterKey, Client? requester, string detail, string what)
    {
        string name = resource == ProcessResource.Descriptors ? "descriptors" : "shm pool mappings";
        long now = Environment.TickCount64;
        int heaviest = 0;
        int held = 0;
        if (now - _lastFutileShed >= FutileShedPauseMs)
        {
            Dictionary<int, int> byProcess = [];
            foreach (Client client in _clients)
            {
                int count = resource == ProcessResource.Descriptors ? client.HeldDescriptors : Volatile.Read(ref client.MappedShmPools);
                byProcess[client.ProcessKey] = byProcess.GetValueOrDefault(client.ProcessKey) + count;
            }

            foreach ((int pid, int count) in byProcess)
            {
                if (count > held)
                {
                    (heaviest, held) = (pid, count);
                }
            }

            if (held < Math.Max(resource == ProcessResource.Descriptors ? 32 : 16, limit / 64))
            {
                held = 0;
                _lastFutileShed = now;
            }
        }

        if (held == 0)
        {
            if (requesterKey != 0)
            {
                Refused(name, detail, what, requesterKey);
            }

            return false;
        }

        ShedProcess([.. _clients.Where(c => c.ProcessKey == heaviest)], heaviest, name, detail, held, requester);
        return heaviest != requesterKey;
    }

    /// <summary>Disconnects <paramref name="clients"/>, all of process <paramref name="key"/>, with <c>no_memory</c>
    /// because it held <paramref name="held"/> of <paramref name="resource"/>; <paramref name="requester"/> only gets the
    /// error, its caller refuses it.</summary>
    private void ShedProcess(List<Client> clients, int key, string resource, string detail, int held, Client? requester)
    {
        if (ShouldLog(LogLevel.Warning, null))
        {
            ServerLog.Shed(Log, resource, detail, clients.Count, key, held);
        }

        foreach (Client client in clients)
        {
            Metrics.ClientsShed.Add(1, new KeyValuePair<string, object?>("wayland.resource", resource));
            client.PostNoMemory();
            if (client != requester)
            {
                client.Destroy();
            }
        }
    }

    private void Refused(string name, string detail, string what, int pid)
    {
        Metrics.ClientsShed.Add(1, new KeyValuePair<string, object?>("wayland.resource", name));
        if (_logLimiter.Allow(LogLevel.Warning, pid))
        {
            ServerLog.ShedRefused(Log, name, detail, what, pid);
        }
    }
}
