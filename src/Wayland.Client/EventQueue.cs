using Wayland.Wire;

namespace Wayland.Client;

/// <summary>
/// A queue of events waiting to be dispatched. Every display has a display queue (its own events,
/// dispatched first), the default queue, and any number of queues the application creates, for example
/// one per thread. Events are decoded and delivered when the queue is dispatched.
/// </summary>
public sealed class EventQueue : IDisposable
{
    private readonly EventStore _events = new();

    internal EventQueue(WaylandDisplay display, string? name)
    {
        Display = display;
        Name = name;
    }

    /// <summary>The display the queue belongs to.</summary>
    public WaylandDisplay Display { get; }

    /// <summary>The queue's name, shown in <c>WAYLAND_DEBUG</c> output (null prints none).</summary>
    public string? Name { get; }

    /// <summary>Whether <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Events waiting (read from the socket, not yet dispatched).</summary>
    public int Count
    {
        get
        {
            lock (Display.SyncRoot)
            {
                return _events.Count;
            }
        }
    }

    /// <summary>The events waiting, read under the display's lock.</summary>
    internal EventStore Events => _events;

    /// <summary>Dispatches this queue, blocking until at least one event arrives.</summary>
    /// <returns>The number of events dispatched.</returns>
    public int Dispatch() => Display.DispatchQueue(this, Timeout.InfiniteTimeSpan);

    /// <summary>Dispatches this queue, waiting at most <paramref name="timeout"/> for events; 0 on timeout.</summary>
    public int Dispatch(TimeSpan timeout) => Display.DispatchQueue(this, timeout);

    /// <summary>Dispatches the events already queued, without reading from the socket.</summary>
    public int DispatchPending() => Display.DispatchQueuePending(this);

    /// <summary>Sends <c>wl_display.sync</c> on this queue and dispatches it until the answer arrives:
    /// afterwards every request sent before has been handled by the compositor.</summary>
    public int Roundtrip() => Display.RoundtripQueue(this);

    /// <summary>Drops pending events (closing their fds). Proxies still on this queue move to the default queue.</summary>
    public void Dispose()
    {
        if (Display.DefaultQueue == this || Display.DisplayQueue == this)
        {
            throw new InvalidOperationException("the display's own queues cannot be disposed");
        }

        lock (Display.SyncRoot)
        {
            if (IsDisposed)
            {
                return;
            }

            IsDisposed = true;
            _events.Clear();
            Display.ForgetQueueLocked(this);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => Name ?? "(unnamed queue)";
}

