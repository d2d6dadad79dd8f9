using Wayland.Server;

namespace Wayland.Compositor;

/// <summary>
/// How many objects of one kind (sub-surfaces, mapped popups, mapped windows) the clients of each process hold, against a
/// limit per process. Objects of these kinds add work to what the compositor does for every client (each repaint, each
/// pointer motion walks them), so one process may not make the server hold more than the limit, however many
/// connections it opens: all connections of one process (<see cref="Client.ProcessKey"/>) count together.
/// <see cref="Admit"/> counts an object for as long as its resource lives, and the request that would go over the limit
/// gets <c>wl_display.error</c> <c>no_memory</c>, as the object limit answers; <see cref="TryTake"/> and
/// <see cref="Release"/> count a state (a popup or a window while it is mapped) and leave the answer to the caller. Only
/// touched on the event loop's thread.
/// </summary>
/// <param name="limit">Objects the clients of one process may hold at once; 0 means no limit.</param>
/// <param name="what">What is counted, plural, for error messages ("sub-surfaces").</param>
internal sealed class ProcessQuota(int limit, string what)
{
    /// <summary>Objects held by the clients of each process holding any; a process leaves the table when it holds none.</summary>
    private readonly Dictionary<int, int> _held = [];

    /// <summary>Objects the clients of one process may hold at once; 0 means no limit.</summary>
    public int Limit { get; } = limit;

    /// <summary>How many objects the clients of <paramref name="client"/>'s process hold now.</summary>
    public int HeldBy(Client client) => _held.GetValueOrDefault(client.ProcessKey);

    /// <summary>
    /// Counts the new object <paramref name="resource"/> against its client's process until the resource is destroyed;
    /// when the process already holds <see cref="Limit"/>, posts <c>no_memory</c> instead and returns false (the caller
    /// makes nothing of the request).
    /// </summary>
    public bool Admit(Resource resource)
    {
        Client client = resource.Client;
        if (!TryTake(client))
        {
            Refuse(resource);
            return false;
        }

        resource.Destroyed += _ => Release(client);
        return true;
    }

    /// <summary>
    /// Posts <c>no_memory</c> to <paramref name="resource"/>'s client (which is disconnected), saying that its process
    /// holds <see cref="Limit"/> objects already.
    /// </summary>
    public void Refuse(Resource resource) =>
        resource.Client.DisplayResource.PostError((uint)Wayland.Protocols.WlDisplayError.NoMemory,
            $"{resource}: the clients of process {resource.Client.ProcessId} hold {Limit} {what}, the most one process may");

    /// <summary>Counts one more object against <paramref name="client"/>'s process; false (and nothing counted) when it holds <see cref="Limit"/> already.</summary>
    public bool TryTake(Client client)
    {
        int held = HeldBy(client);
        if (Limit > 0 && held >= Limit)
        {
            return false;
        }

        _held[client.ProcessKey] = held + 1;
        return true;
    }

    /// <summary>Counts one object fewer against <paramref name="client"/>'s process, one <see cref="TryTake"/> took.</summary>
    public void Release(Client client)
    {
        int held = HeldBy(client) - 1;
        if (held > 0)
        {
            _held[client.ProcessKey] = held;
        }
        else
        {
            _held.Remove(client.ProcessKey);
        }
    }
}
