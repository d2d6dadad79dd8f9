using System.Globalization;
using Wayland.Events;
using Wayland.Trace.Decoding;
using Wayland.Wire;

namespace Wayland.Trace.Proxy;

/// <summary>
/// Descriptors, for the whole proxy and per client process. A client that sends more descriptors in one
/// <c>sendmsg</c> than its bytes can carry on (28 per byte, as libwayland receives them) makes the proxy hold the rest
/// until more bytes come, and a peer that does not read makes it hold what waits for it; each connection holds at
/// most <see cref="Relay.MaxHeldFds"/> per direction, but one process may open many connections. So, as
/// <c>Wayland.Server</c> does: a process that makes the proxy hold more than <see cref="MaxHeldFdsPerProcess"/> is
/// disconnected (all its connections), and when a descriptor the proxy gets is numbered at or above
/// <see cref="MaxDescriptors"/> (the table is that full), the process holding the most is disconnected if it holds at
/// least <see cref="ShedThreshold"/>. Nobody else is touched.
/// </summary>
internal sealed partial class TraceProxy
{
    /// <summary>How long the listening socket is left alone after <c>accept</c> failed for want of descriptors or
    /// memory (the connection stays pending and the socket readable: retrying at once would spin).</summary>
    public static readonly TimeSpan AcceptPause = TimeSpan.FromMilliseconds(100);

    /// <summary>Notes that a flood could repeat (accept failing, connections refused) are written at most this often.</summary>
    private const long RepeatedNoteIntervalMs = 1000;

    private readonly Dictionary<int, ProcessAccount> _processes = [];
    private readonly RepeatedNote _acceptFailed = new();
    private readonly RepeatedNote _refused = new();
    private int _lastOwnKey;
    private int _maxDescriptors = DefaultMaxDescriptorsFor(SoftDescriptorLimit());
    private int _maxHeldFdsPerProcess = -1;
    private TimerEventSource? _acceptTimer;

    /// <summary>
    /// The descriptor number the proxy keeps its clients below, for the whole process: by default the
    /// <c>RLIMIT_NOFILE</c> soft limit less an eighth of it (at least 64, at most 4096 kept in reserve), as
    /// <c>Wayland.Server</c>'s <c>Display.MaxDescriptors</c>.
    /// </summary>
    internal int MaxDescriptors
    {
        get => _maxDescriptors;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 64);
            _maxDescriptors = value;
        }
    }

    /// <summary>Most descriptors one client process may make the proxy hold (its connections' sockets and the
    /// descriptors received on them and not passed on yet, both ways): by default a quarter of
    /// <see cref="MaxDescriptors"/>.</summary>
    internal int MaxHeldFdsPerProcess
    {
        get => _maxHeldFdsPerProcess >= 0 ? _maxHeldFdsPerProcess : _maxDescriptors / 4;
        set => _maxHeldFdsPerProcess = value;
    }

    /// <summary>The least a process must hold to be disconnected to make room: a 64th of <see cref="MaxDescriptors"/>,
    /// and at least 32.</summary>
    internal int ShedThreshold => Math.Max(32, _maxDescriptors / 64);

    /// <summary>The default of <see cref="MaxDescriptors"/> for a soft limit of <paramref name="limit"/> (-1: unknown,
    /// taken as 1024).</summary>
    internal static int DefaultMaxDescriptorsFor(long limit)
    {
        long soft = limit < 0 ? 1024 : limit;
        long reserve = Math.Clamp(soft / 8, 64, 4096);
        return (int)Math.Clamp(soft - reserve, 64, int.MaxValue);
    }

    /// <summary>The soft <c>RLIMIT_NOFILE</c> from <c>/proc/self/limits</c>; -1 when it cannot be read.</summary>
    private static long SoftDescriptorLimit()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/limits"))
            {
                if (line.StartsWith("Max open files", StringComparison.Ordinal))
                {
                    string[] fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    return fields[0] == "unlimited" ? int.MaxValue
                        : long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out long soft) ? soft : -1;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux's procfs: take the default.
        }

        return -1;
    }

    /// <summary>The account of process <paramref name="processId"/> (0 when unknown: an account of its own), which a
    /// new connection of it joins.</summary>
    private ProcessAccount JoinProcess(int processId, TraceClient client)
    {
        int key = processId > 0 ? processId : --_lastOwnKey;
        if (!_processes.TryGetValue(key, out ProcessAccount? account))
        {
            _processes[key] = account = new ProcessAccount(key, client);
        }

        account.Connections++;
        return account;
    }

    private void LeaveProcess(ProxiedConnection connection)
    {
        if (connection.Account is { } account && --account.Connections == 0)
        {
            _processes.Remove(account.Key);
        }
    }

    /// <summary>A connection was accepted as descriptor <paramref name="fd"/>: whether it may be proxied, after making
    /// room when the table is nearly full.</summary>
    private bool AdmitConnection(int fd, int processId)
    {
        if (fd < _maxDescriptors)
        {
            return true;
        }

        if (MakeRoom(processId, $"descriptor {fd} of {_maxDescriptors}"))
        {
            return true;
        }

        if (_refused.Allow(out int suppressed))
        {
            Tracer.Note(null, $"refused a connection of pid {processId}: the proxy is out of descriptors (descriptor {fd} of "
                + $"{_maxDescriptors}) and no process holds {ShedThreshold} or more{RepeatedNote.Suffix(suppressed)}");
        }

        return false;
    }

    /// <summary>Descriptors were received on <paramref name="connection"/> (and passed on as far as they could be);
    /// the highest of them is <paramref name="highestFd"/>.</summary>
    private void ReceivedFds(ProxiedConnection connection, int highestFd)
    {
        ProcessAccount? account = connection.Account;
        if (account is not null && account.Descriptors > MaxHeldFdsPerProcess)
        {
            Shed(account, $"it made the proxy hold {account.Descriptors} descriptors, more than the {MaxHeldFdsPerProcess} one process may");
            return;
        }

        if (highestFd >= _maxDescriptors)
        {
            MakeRoom(account?.Key ?? 0, $"descriptor {highestFd} of {_maxDescriptors}");
        }
    }

    /// <summary>
    /// Makes room for descriptors: disconnects every connection of the process holding the most, if it holds at least
    /// <see cref="ShedThreshold"/>. Returns false when that was <paramref name="requesterKey"/>'s process, or nobody
    /// holds that much.
    /// </summary>
    private bool MakeRoom(int requesterKey, string detail)
    {
        ProcessAccount? heaviest = null;
        foreach (ProcessAccount account in _processes.Values)
        {
            if (heaviest is null || account.Descriptors > heaviest.Descriptors)
            {
                heaviest = account;
            }
        }

        if (heaviest is null || heaviest.Descriptors < ShedThreshold)
        {
            return false;
        }

        int key = heaviest.Key;
        Shed(heaviest, $"the proxy is nearly out of descriptors ({detail}) and it holds the most, {heaviest.Descriptors}");
        return key != requesterKey;
    }

    /// <summary>Disconnects every connection of <paramref name="account"/>'s process, with a note that says why.</summary>
    private void Shed(ProcessAccount account, string why)
    {
        ProxiedConnection[] connections = [.. _connections.Where(c => c.Account == account)];
        Tracer.Note(account.Client, $"disconnecting {account.Client} ({connections.Length} connection{(connections.Length == 1 ? "" : "s")}): {why}");
        foreach (ProxiedConnection connection in connections)
        {
            connection.Dispose();
        }
    }

    /// <summary>accept failed (EMFILE, ENFILE, ENOMEM...): stops watching the listening socket for
    /// <see cref="AcceptPause"/>, and notes it at most once a second.</summary>
    private void AcceptFailed(WaylandIOException e)
    {
        if (_acceptFailed.Allow(out int suppressed))
        {
            Tracer.Note(null, $"cannot accept a client: {e.Message}; accepting again in {AcceptPause.TotalMilliseconds:0} ms{RepeatedNote.Suffix(suppressed)}");
        }

        _listenSource?.Update(FdEvents.None);
        _acceptTimer ??= _loop.AddTimer(() => _listenSource?.Update(FdEvents.Readable));
        _acceptTimer.Update((int)AcceptPause.TotalMilliseconds);
    }

    /// <summary>A note that may come in floods: written at most once per <see cref="RepeatedNoteIntervalMs"/>, saying how
    /// many were left out.</summary>
    private sealed class RepeatedNote
    {
        private long _last = long.MinValue;
        private int _suppressed;

        public bool Allow(out int suppressed)
        {
            long now = Environment.TickCount64;
            if (_last != long.MinValue && now - _last < RepeatedNoteIntervalMs)
            {
                _suppressed++;
                suppressed = 0;
                return false;
            }

            _last = now;
            suppressed = _suppressed;
            _suppressed = 0;
            return true;
        }

        public static string Suffix(int suppressed) =>
            suppressed == 0 ? "" : $" ({suppressed} more like it since the last such note)";
    }
}
