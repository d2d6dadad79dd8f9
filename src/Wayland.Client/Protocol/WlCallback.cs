namespace Wayland.Client.Protocol;

/// <summary><c>wl_callback</c>; the runtime's own part.</summary>
public sealed partial class WlCallback
{
    /// <summary>Set by the roundtrip's <c>done</c> handler, so a roundtrip needs no closure.</summary>
    internal bool RoundtripDone { get; set; }

    /// <summary>The display's own: it goes back to the display's pool once it is destroyed, its <c>done</c> was
    /// delivered and the compositor released its id (<see cref="WaylandDisplay.Sync(DoneHandler, EventQueue?)"/>).</summary>
    internal bool IsPooled { get; set; }

    /// <summary>Destroyed by the runtime right after its <c>done</c> handler returned.</summary>
    internal bool DestroyAfterDone { get; set; }

    /// <summary>Its one event, <c>done</c>, was delivered (or discarded): no queued event refers to it any more.</summary>
    internal bool DoneDelivered { get; set; }

    /// <summary>Makes a pooled callback new again before it is sent once more.</summary>
    internal void Reset()
    {
        Done = null;
        UserData = null;
        RoundtripDone = false;
        DoneDelivered = false;
        DestroyAfterDone = false;
        IsDestroyed = false;
        IdDeleted = false;
    }
}
