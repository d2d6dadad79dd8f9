using System.Collections.Concurrent;
using System.Globalization;

namespace Wayland.Fuzz;

/// <summary>What the hostile connections did and got back, shared by all of them (thread-safe).</summary>
internal sealed class FuzzStats
{
    private long _sent;
    private long _mutated;
    private long _fdsSent;
    private long _connections;
    private long _disconnectsWithoutError;
    private long _truncations;
    private long _stalls;
    private long _errorsOnUnmutatedTraffic;

    /// <summary>wl_display.error events received, by "interface.code", with one message as an example.</summary>
    internal ConcurrentDictionary<string, (long Count, string Example)> Errors { get; } = new();

    internal long Sent => Interlocked.Read(ref _sent);

    internal long Mutated => Interlocked.Read(ref _mutated);

    internal long FdsSent => Interlocked.Read(ref _fdsSent);

    internal long Connections => Interlocked.Read(ref _connections);

    internal long DisconnectsWithoutError => Interlocked.Read(ref _disconnectsWithoutError);

    internal long Truncations => Interlocked.Read(ref _truncations);

    /// <summary>Hostile connections whose own roundtrip got no answer for 5 s (the server may drop floods; reported only).</summary>
    internal long Stalls => Interlocked.Read(ref _stalls);

    /// <summary>Errors on connections that had sent no mutated message: the plausible generator's own mistakes.</summary>
    internal long ErrorsOnUnmutatedTraffic => Interlocked.Read(ref _errorsOnUnmutatedTraffic);

    internal long ErrorsReceived => Errors.Values.Sum(e => e.Count);

    internal void CountSent(bool mutated, int fds)
    {
        Interlocked.Increment(ref _sent);
        if (mutated)
        {
            Interlocked.Increment(ref _mutated);
        }

        Interlocked.Add(ref _fdsSent, fds);
    }

    internal void CountConnection() => Interlocked.Increment(ref _connections);

    internal void CountDisconnectWithoutError() => Interlocked.Increment(ref _disconnectsWithoutError);

    internal void CountTruncation() => Interlocked.Increment(ref _truncations);

    internal void CountStall() => Interlocked.Increment(ref _stalls);

    internal void CountError(string interfaceName, uint code, string message, bool afterMutation)
    {
        if (!afterMutation)
        {
            Interlocked.Increment(ref _errorsOnUnmutatedTraffic);
        }

        Errors.AddOrUpdate(string.Create(CultureInfo.InvariantCulture, $"{interfaceName}.{code}"), _ => (1, message), (_, e) => (e.Count + 1, e.Example));
    }
}
