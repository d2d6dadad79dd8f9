using Wayland.Compositor.Surfaces;
using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Seat;

/// <summary>
/// wl_data_device_manager with the selection (clipboard): a client sets a data source as the selection, and the
/// client with keyboard focus is offered it; a receive request is forwarded to the source as send with the fd.
/// Drag and drop: start_drag quoting the serial of the press of the one pointer button held on one of the client's
/// surfaces starts a <see cref="Drag"/> the seat's pointer then moves and drops.
/// </summary>
internal sealed class DataDevices :
    WlDataDeviceManager.IHandler, WlDataDevice.IHandler, WlDataSource.IHandler
{
    private readonly SeatProtocol _seat;
    private readonly Selection<WlDataSource, WlDataDevice> _selection;
    private readonly Dictionary<WlDataSource, WlDataDeviceManagerDndAction> _actions = [];

    public DataDevices(SeatProtocol seat)
    {
        _seat = seat;
        _selection = new(seat, source => source.SendCancelled(), SendOffer);
    }

    /// <summary>Sends the current selection (or none) to every data device of <paramref name="client"/>.</summary>
    public void OfferSelection(Client client) => _selection.OfferTo(client);

    public void ClientGone(Client client) => _selection.ClientGone(client);

    /// <summary>How many data devices events have been sent through so far.</summary>
    public long Visited => _selection.Visited;

    void WlDataDeviceManager.IHandler.CreateDataSource(WlDataDeviceManager resource, WlDataSource id)
    {
        id.Handler = this;
        _selection.AddSource(id);
        id.Destroyed += _ =>
        {
            _actions.Remove(id);
            if (_seat.Drag is { } drag && drag.Source == id)
            {
                drag.Cancel();
            }
        };
    }

    void WlDataDeviceManager.IHandler.GetDataDevice(WlDataDeviceManager resource, WlDataDevice id, WlSeat seat)
    {
        id.Handler = this;
        _selection.AddDevice(id);
    }

    // wl_data_source

    void WlDataSource.IHandler.Offer(WlDataSource resource, string mimeType) => _selection.AddMimeType(resource, mimeType);

    void WlDataSource.IHandler.SetActions(WlDataSource resource, WlDataDeviceManagerDndAction dndActions)
    {
        const WlDataDeviceManagerDndAction all = WlDataDeviceManagerDndAction.Copy | WlDataDeviceManagerDndAction.Move | WlDataDeviceManagerDndAction.Ask;
        if ((dndActions & ~all) != 0)
        {
            resource.PostError((uint)WlDataSourceError.InvalidActionMask, $"wl_data_source#{resource.Id}: invalid action mask {(uint)dndActions}");
            return;
        }

        _actions[resource] = dndActions;
    }

    // wl_data_device

    void WlDataDevice.IHandler.SetSelection(WlDataDevice resource, WlDataSource? source, uint serial) =>
        _selection.Set(resource.Client, source, serial);

    void WlDataDevice.IHandler.StartDrag(WlDataDevice resource, WlDataSource? source, WlSurface origin, WlSurface? icon, uint serial)
    {
        // Sources older than version 3 cannot state actions: they copy.
        WlDataDeviceManagerDndAction actions = source is null ? WlDataDeviceManagerDndAction.None
            : _actions.TryGetValue(source, out WlDataDeviceManagerDndAction set) ? set
            : source.Version < WlDataSourceInterface.Requests.SetActionsSince ? WlDataDeviceManagerDndAction.Copy
            : WlDataDeviceManagerDndAction.None;
        IReadOnlyList<string> types = source is null ? [] : [.. _selection.MimeTypesOf(source)];
        Drag drag = new(_seat.Display, resource.Client, source, actions, types, _selection.ForEachDevice);
        if (!_seat.StartDrag(drag, Surface.Of(origin), serial) && source is { IsDestroyed: false })
        {
            // Not during an implicit grab of the client's with this serial: nothing starts, and the source is told at
            // once, as if dropped nowhere (as wlroots destroys it; weston leaves it to the client).
            source.SendCancelled();
        }
    }

    private WlDataOffer? SendOffer(WlDataDevice device, WlDataSource? source, IReadOnlyList<string> types)
    {
        if (source is null)
        {
            device.SendSelection(null);
            return null;
        }

        WlDataOffer offer = device.SendDataOffer();
        offer.Handler = new Offer(_selection, source);
        foreach (string type in types)
        {
            offer.SendOffer(type);
        }

        device.SendSelection(offer);
        return offer;
    }

    /// <summary>A wl_data_offer of the selection: it reads from its source while that is still the selection, within its process's <see cref="TransferBudget"/>.</summary>
    private sealed class Offer(Selection<WlDataSource, WlDataDevice> selection, WlDataSource source) : WlDataOffer.IHandler
    {
        void WlDataOffer.IHandler.Receive(WlDataOffer resource, string mimeType, Wayland.Wire.SafeFdHandle fd)
        {
            using (fd)
            {
                if (selection.MayTransfer(source, resource.Client))
                {
                    source.SendSend(mimeType, fd);
                }
            }
        }
    }
}
