using Wayland.Server;

namespace Wayland.Compositor;

/// <summary>
/// How many objects of one kind (sub-surfaces, mapped popups) each client holds, against a limit per client. Objects of
/// these kinds add work to what the compositor does for every client (each repaint, each pointer motion walks them), so
/// one client may not make the server hold more than the limit. <see cref="Admit"/> counts an object for as long as its
/// resource lives, and the request that would go over the limit gets <c>wl_display.error</c> <c>no_memory</c>, as the
/// object limit answers; <see cref="TryTake"/> and <see cref="Release"/> count a state (a popup while it is mapped)
/// and leave the answer to the caller. Only touched on the event loop's thread.
/// </summary>
internal sealed class ClientQuota(int limit)
{
    /// <summary>Objects held by each client holding any; a client leaves the table when it holds none.</summary>
    private readonly Dictionary<Client, int> _held = [];

    /// <summary>Objects one client may hold at once; 0 means no limit.</summary>
    public int Limit { get; } = limit;

    /// <summary>How many objects <paramref name="client"/> holds now.</summary>
    public int HeldBy(Client client) => _held.GetValueOrDefault(client);

    /// <summary>
    /// Counts the new object <paramref name="resource"/> against its client until the resource is destroyed; when the
    /// client already holds <see cref="Limit"/>, posts <c>no_memory</c> instead and returns false (the caller makes
    /// nothing of the request).
    /// </summary>
    public bool Admit(Resource resource)
    {
        Client client = resource.Client;
        if (!TryTake(client))
        {
            client.PostNoMemory();
            return false;
        }

        resource.Destroyed += _ => Release(client);
        return true;
    }

    /// <summary>Counts one more object against <paramref name="client"/>; false (and nothing counted) when it holds <see cref="Limit"/> already.</summary>
    public bool TryTake(Client client)
    {
        int held = HeldBy(client);
        if (Limit > 0 && held >= Limit)
        {
            return false;
        }

        _held[client] = held + 1;
        return true;
    }

    /// <summary>Counts one object fewer against <paramref name="client"/>, one <see cref="TryTake"/> took.</summary>
    public void Release(Client client)
    {
        int held = HeldBy(client) - 1;
        if (held > 0)
        {
            _held[client] = held;
        }
        else
        {
            _held.Remove(client);
        }
    }
}
