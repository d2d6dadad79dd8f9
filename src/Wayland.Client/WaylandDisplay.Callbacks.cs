using Wayland.Client.Protocol;

namespace Wayland.Client;

public sealed partial class WaylandDisplay
{
    /// <summary>Callbacks that can be sent again: destroyed, done delivered, id released by the compositor.</summary>
    private readonly Stack<WlCallback> _freeCallbacks = new();

    /// <summary>
    /// Sends <c>wl_display.sync</c> and calls <paramref name="done"/> once the compositor has handled every request
    /// sent before, when <paramref name="queue"/> (default: the default queue) is dispatched. Unlike
    /// <c>Proxy.Sync()</c>, this allocates nothing in steady state: the callback proxy is the display's, destroyed
    /// right after <paramref name="done"/> returns and sent again by a later call once the compositor has released its
    /// id. The handler must not keep it. Keep the delegate in a field to allocate no delegate per call either.
    /// </summary>
    public void Sync(WlCallback.DoneHandler done, EventQueue? queue = null)
    {
        ArgumentNullException.ThrowIfNull(done);
        SendPooledSync(queue ?? DefaultQueue, done, destroyAfterDone: true);
    }

    /// <summary>Sends <c>wl_display.sync</c> on a pooled callback (a new one when none is free). The handler is in
    /// place before the request goes out: another thread dispatching <paramref name="queue"/> may see done at once.</summary>
    private WlCallback SendPooledSync(EventQueue queue, WlCallback.DoneHandler done, bool destroyAfterDone)
    {
        WlCallback? callback;
        lock (_lock)
        {
            _freeCallbacks.TryPop(out callback);
        }

        callback ??= NewCallback();
        callback.Reset();
        callback.IsPooled = true;
        callback.DestroyAfterDone = destroyAfterDone;
        callback.Done += done;
        return _proxy.Sync(callback, queue);
    }

    private static T NewCallback<T>()
        where T : Proxy, IProxyFactory<T> => T.Create();

    private static WlCallback NewCallback() => NewCallback<WlCallback>();

    /// <summary>After a pooled callback's <c>done</c> was delivered: destroys it when asked to, and frees it when it can.</summary>
    private void DoneDelivered(WlCallback callback)
    {
        lock (_lock)
        {
            callback.DoneDelivered = true;
            if (callback.DestroyAfterDone)
            {
                DestroyLocked(callback);
            }

            RecycleLocked(callback);
        }
    }

    /// <summary>Returns a pooled callback to the pool once nothing can refer to it any more: destroyed, its done event
    /// delivered, and its id released (delete_id came, and the id is out of the map).</summary>
    private void RecycleLocked(WlCallback callback)
    {
        if (callback.IsPooled && callback.IsDestroyed && callback.IdDeleted && callback.DoneDelivered && !_disposed)
        {
            callback.IsPooled = false; // once in the pool, nothing recycles it twice
            _freeCallbacks.Push(callback);
        }
    }
}
