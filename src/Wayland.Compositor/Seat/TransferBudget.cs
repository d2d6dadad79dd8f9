using Wayland.Server;

namespace Wayland.Compositor.Seat;

/// <summary>
/// How many transfers the clients of one process may ask selection sources for (<c>receive</c> on a clipboard or
/// primary selection offer, which the server forwards to the source's client as <c>send</c> with a descriptor):
/// <see cref="PerPress"/> between two presses (key, button, touch down) the seat sends. A paste follows a press and
/// reads one type or a few, and a client offered a new selection may read every type of it once; but each forwarded
/// request costs the source's client an event and a descriptor, and one that was busy for a moment was disconnected
/// when another client asked thousands of times meanwhile. Presses come only from the user, so no client can give
/// itself more, and all connections of a process share one budget (kept until the next press, even when they close),
/// so opening more does not help either. A request past the budget is dropped and its descriptor closed: the requester
/// reads an empty transfer.
/// </summary>
internal sealed class TransferBudget
{
    /// <summary>Transfers a process may ask for between two presses; as many as one source may offer types.</summary>
    public const int PerPress = MimeTypeLimits.MaxTypes;

    /// <summary>Transfers each process asked for since the last press (processes that asked for none are not listed).</summary>
    private readonly Dictionary<int, int> _taken = [];

    /// <summary>Takes one transfer from <paramref name="client"/>'s process; false when it has none left.</summary>
    public bool TryTake(Client client)
    {
        int taken = _taken.GetValueOrDefault(client.ProcessKey);
        if (taken >= PerPress)
        {
            return false;
        }

        _taken[client.ProcessKey] = taken + 1;
        return true;
    }

    /// <summary>The seat sent a press: every process may ask for <see cref="PerPress"/> transfers again.</summary>
    public void Pressed() => _taken.Clear();
}
