using Wayland.Server;

namespace Wayland.Compositor.Seat;

/// <summary>
/// Objects of one kind (wl_pointer, wl_keyboard, wl_touch, data devices) grouped by the client that made them: an event
/// for one client walks that client's objects only, and making or releasing one costs the same however many objects
/// other clients hold. An object leaves its group when destroyed; a client's group goes with the client.
/// </summary>
/// <typeparam name="T">The kind of object.</typeparam>
internal sealed class ClientObjects<T>
    where T : Resource
{
    private readonly Dictionary<Client, HashSet<T>> _byClient = [];

    /// <summary>How many objects <see cref="ForEach"/> has handed out so far: the work events for clients took.</summary>
    public long Visited { get; private set; }

    public void Add(T resource)
    {
        if (!_byClient.TryGetValue(resource.Client, out HashSet<T>? group))
        {
            group = [];
            _byClient.Add(resource.Client, group);
        }

        group.Add(resource);
        resource.Destroyed += _ => Remove(resource);
    }

    /// <summary>Whether <paramref name="client"/> has any of these objects.</summary>
    public bool Any(Client client) => _byClient.ContainsKey(client);

    /// <summary>Runs <paramref name="action"/> on each live object of <paramref name="client"/>, until the client has
    /// failed: events to it are dropped from then on, and a client that cannot take what is sent to its thousands of
    /// objects fails partway.</summary>
    public void ForEach(Client client, Action<T> action)
    {
        if (!_byClient.TryGetValue(client, out HashSet<T>? group))
        {
            return;
        }

        foreach (T resource in group)
        {
            if (client.HasFailed)
            {
                return;
            }

            Visited++;
            if (!resource.IsDestroyed)
            {
                action(resource);
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> on each live object of every client.</summary>
    public void ForEachOfAll(Action<T> action)
    {
        foreach (HashSet<T> group in _byClient.Values)
        {
            foreach (T resource in group)
            {
                Visited++;
                if (!resource.IsDestroyed)
                {
                    action(resource);
                }
            }
        }
    }

    public void ClientGone(Client client) => _byClient.Remove(client);

    private void Remove(T resource)
    {
        if (_byClient.TryGetValue(resource.Client, out HashSet<T>? group) && group.Remove(resource) && group.Count == 0)
        {
            _byClient.Remove(resource.Client);
        }
    }
}
