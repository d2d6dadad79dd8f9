using Wayland.Compositor.Surfaces;
using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Seat;

/// <summary>
/// One drag-and-drop session (wl_data_device.start_drag), from the press that started it to the release that ends it.
/// The pointer moves the drag, not the pointer focus: the surface under it gets wl_data_device enter (with a fresh
/// wl_data_offer of the source's MIME types and actions), motion and leave; the release drops on that surface when it
/// accepted a type (and, from version 3, an action was agreed), and cancels the source otherwise. A drag without a
/// source stays within its own client. Actions follow the protocol's negotiation: the target's preferred action when
/// the source allows it, else the first of copy, move, ask that both allow.
/// </summary>
internal sealed class Drag
{
    private readonly Display _display;
    private readonly WlDataSource? _source;
    private readonly Client _origin;
    private readonly WlDataDeviceManagerDndAction _sourceActions;
    private readonly IReadOnlyList<string> _mimeTypes;
    private readonly Action<Client, Action<WlDataDevice>> _forEachDevice;
    private Surface? _focus;
    private DragOffer? _offer;

    public Drag(Display display, Client origin, WlDataSource? source, WlDataDeviceManagerDndAction sourceActions,
        IReadOnlyList<string> mimeTypes, Action<Client, Action<WlDataDevice>> forEachDevice)
    {
        _display = display;
        _origin = origin;
        _source = source;
        _sourceActions = sourceActions;
        _mimeTypes = mimeTypes;
        _forEachDevice = forEachDevice;
    }

    /// <summary>Raised once when the drag is over (dropped, cancelled, or its source destroyed).</summary>
    public event Action? Ended;

    public bool IsOver { get; private set; }

    public WlDataSource? Source => _source;

    /// <summary>The client that started the drag.</summary>
    public Client Origin => _origin;

    /// <summary>The pointer is at (sx, sy) on <paramref name="target"/> (or over no surface).</summary>
    public void Motion(Surface? target, double sx, double sy, uint time)
    {
        if (IsOver)
        {
            return;
        }

        // Without a source, only the client that started the drag sees it.
        if (target is not null && _source is null && target.Resource.Client != _origin)
        {
            target = null;
        }

        if (target != _focus)
        {
            Leave();
            if (target is not null)
            {
                Enter(target, sx, sy);
            }
        }
        else if (target is not null)
        {
            ForEachDevice(target, d => d.SendMotion(time, sx, sy));
        }
    }

    /// <summary>The button that started the drag was released: drop on the surface under the pointer, or cancel.</summary>
    public void Drop()
    {
        if (IsOver)
        {
            return;
        }

        if (_focus is { } target && (_source is null || (_offer is { } offer && offer.AcceptsDrop)))
        {
            ForEachDevice(target, d => d.SendDrop());
            if (_offer is { } dropped)
            {
                dropped.Dropped = true;
            }

            if (_source is { IsDestroyed: false } source && source.Version >= WlDataSourceInterface.Events.DndDropPerformedSince)
            {
                source.SendDndDropPerformed();
            }
        }
        else if (_source is { IsDestroyed: false } source)
        {
            source.SendCancelled();
        }

        End();
    }

    /// <summary>The drag ends without a drop (its source went away, or its client did).</summary>
    public void Cancel()
    {
        if (!IsOver)
        {
            End();
        }
    }

    private void End()
    {
        Leave();
        IsOver = true;
        Ended?.Invoke();
    }

    private void Enter(Surface target, double sx, double sy)
    {
        _focus = target;
        uint serial = _display.NextSerial();
        _forEachDevice(target.Resource.Client, device =>
        {
            WlDataOffer? offerResource = null;
            if (_source is not null)
            {
                offerResource = device.SendDataOffer();
                DragOffer offer = new(this, offerResource);
                _offer = offer;
                offerResource.Handler = offer;
                offerResource.Destroyed += _ => offer.Abandoned();
                foreach (string type in _mimeTypes)
                {
                    offerResource.SendOffer(type);
                }

                if (offerResource.Version >= WlDataOfferInterface.Events.SourceActionsSince)
                {
                    offerResource.SendSourceActions(_sourceActions);
                }
            }

            device.SendEnter(serial, target.Resource, sx, sy, offerResource);
        });
    }

    private void Leave()
    {
        if (_focus is { } old)
        {
            ForEachDevice(old, d => d.SendLeave());
            _focus = null;
        }

        if (_offer is { Dropped: false } offer)
        {
            offer.Active = false;
        }

        _offer = null;
    }

    private void ForEachDevice(Surface surface, Action<WlDataDevice> send)
    {
        if (!surface.IsDestroyed)
        {
            _forEachDevice(surface.Resource.Client, send);
        }
    }

    /// <summary>Picks the action: the preferred one when both sides allow it, else the first of copy, move, ask that both allow.</summary>
    private static WlDataDeviceManagerDndAction Choose(WlDataDeviceManagerDndAction common, WlDataDeviceManagerDndAction preferred)
    {
        if ((common & preferred) != 0 && IsSingle(preferred))
        {
            return preferred;
        }

        foreach (WlDataDeviceManagerDndAction action in (ReadOnlySpan<WlDataDeviceManagerDndAction>)
            [WlDataDeviceManagerDndAction.Copy, WlDataDeviceManagerDndAction.Move, WlDataDeviceManagerDndAction.Ask])
        {
            if ((common & action) != 0)
            {
                return action;
            }
        }

        return WlDataDeviceManagerDndAction.None;
    }

    private static bool IsSingle(WlDataDeviceManagerDndAction action) => action != 0 && (action & (action - 1)) == 0;

    /// <summary>The wl_data_offer a drag target gets at enter: accept, actions, receive, finish.</summary>
    private sealed class DragOffer(Drag drag, WlDataOffer resource) : WlDataOffer.IHandler
    {
        private string? _accepted;
        private WlDataDeviceManagerDndAction _action;

        /// <summary>While the pointer is over its surface (or it was dropped): requests on a stale offer are ignored.</summary>
        public bool Active { get; set; } = true;

        public bool Dropped { get; set; }

        /// <summary>Whether a drop would be accepted: a type was accepted, and (version 3) an action agreed on.</summary>
        public bool AcceptsDrop => _accepted is not null &&
            (resource.Version < WlDataOfferInterface.Requests.SetActionsSince || _action != WlDataDeviceManagerDndAction.None);

        /// <summary>The target destroyed the offer: one dropped and never finished cancels the source (version 3).</summary>
        public void Abandoned()
        {
            if (Dropped && drag._source is { IsDestroyed: false } source && source.Version >= WlDataSourceInterface.Events.DndFinishedSince)
            {
                Dropped = false;
                source.SendCancelled();
            }
        }

        void WlDataOffer.IHandler.Accept(WlDataOffer offer, uint serial, string? mimeType)
        {
            if (!Active || Dropped)
            {
                return;
            }

            _accepted = mimeType;
            if (drag._source is { IsDestroyed: false } source)
            {
                source.SendTarget(mimeType);
            }

            // A target older than version 3 cannot set actions: it copies. From version 3 set_actions decides.
            if (offer.Version < WlDataOfferInterface.Requests.SetActionsSince)
            {
                UpdateAction(WlDataDeviceManagerDndAction.Copy, WlDataDeviceManagerDndAction.None);
            }
        }

        void WlDataOffer.IHandler.Receive(WlDataOffer offer, string mimeType, Wayland.Wire.SafeFdHandle fd)
        {
            using (fd)
            {
                if ((Active || Dropped) && drag._source is { IsDestroyed: false } source)
                {
                    source.SendSend(mimeType, fd);
                }
            }
        }

        void WlDataOffer.IHandler.Finish(WlDataOffer offer)
        {
            if (!Dropped)
            {
                offer.PostError((uint)WlDataOfferError.InvalidFinish, $"wl_data_offer#{offer.Id}: finish before the drop");
                return;
            }

            if (_accepted is null || _action == WlDataDeviceManagerDndAction.None)
            {
                offer.PostError((uint)WlDataOfferError.InvalidFinish, $"wl_data_offer#{offer.Id}: finish without an accepted type and action");
                return;
            }

            Dropped = false;
            if (drag._source is { IsDestroyed: false } source && source.Version >= WlDataSourceInterface.Events.DndFinishedSince)
            {
                source.SendDndFinished();
            }
        }

        void WlDataOffer.IHandler.SetActions(WlDataOffer offer, WlDataDeviceManagerDndAction dndActions, WlDataDeviceManagerDndAction preferredAction)
        {
            const WlDataDeviceManagerDndAction all = WlDataDeviceManagerDndAction.Copy | WlDataDeviceManagerDndAction.Move | WlDataDeviceManagerDndAction.Ask;
            if ((dndActions & ~all) != 0)
            {
                offer.PostError((uint)WlDataOfferError.InvalidActionMask, $"wl_data_offer#{offer.Id}: invalid action mask {(uint)dndActions}");
                return;
            }

            if (preferredAction != WlDataDeviceManagerDndAction.None && (!IsSingle(preferredAction) || (preferredAction & ~all) != 0))
            {
                offer.PostError((uint)WlDataOfferError.InvalidAction, $"wl_data_offer#{offer.Id}: invalid preferred action {(uint)preferredAction}");
                return;
            }

            if (!Active || Dropped)
            {
                return;
            }

            UpdateAction(dndActions, preferredAction);
        }

        private void UpdateAction(WlDataDeviceManagerDndAction allowed, WlDataDeviceManagerDndAction preferred)
        {
            WlDataDeviceManagerDndAction chosen = Choose(allowed & drag._sourceActions, preferred);
            if (chosen == _action)
            {
                return;
            }

            _action = chosen;
            if (resource.Version >= WlDataOfferInterface.Events.ActionSince)
            {
                resource.SendAction(chosen);
            }

            if (drag._source is { IsDestroyed: false } source && source.Version >= WlDataSourceInterface.Events.ActionSince)
            {
                source.SendAction(chosen);
            }
        }
    }
}
