using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Seat;

/// <summary>
/// wl_data_device_manager with the selection (clipboard): a client sets a data source as the selection, and the
/// client with keyboard focus is offered it; a receive request is forwarded to the source as send with the fd.
/// Drag and drop is not performed (a drag is cancelled at once).
/// </summary>
internal sealed class DataDevices :
    WlDataDeviceManager.IHandler, WlDataDevice.IHandler, WlDataSource.IHandler
{
    private readonly SeatProtocol _seat;
    private readonly List<WlDataDevice> _devices = [];
    private readonly Dictionary<WlDataSource, List<string>> _mimeTypes = [];
    private WlDataSource? _selection;

    public DataDevices(SeatProtocol seat) => _seat = seat;

    /// <summary>Sends the current selection (or none) to every data device of <paramref name="client"/>.</summary>
    public void OfferSelection(Client client)
    {
        foreach (WlDataDevice device in _devices)
        {
            if (device.Client == client && !device.IsDestroyed)
            {
                OfferSelection(device);
            }
        }
    }

    public void ClientGone(Client client)
    {
        _devices.RemoveAll(d => d.Client == client);
        if (_selection is { } selection && selection.Client == client)
        {
            _selection = null;
        }
    }

    void WlDataDeviceManager.IHandler.CreateDataSource(WlDataDeviceManager resource, WlDataSource id)
    {
        id.Handler = this;
        _mimeTypes[id] = [];
        id.Destroyed += _ =>
        {
            _mimeTypes.Remove(id);
            if (_selection == id)
            {
                _selection = null;
                if (_seat.KeyboardFocusClient is { IsDestroyed: false } focus && focus != id.Client)
                {
                    OfferSelection(focus);
                }
            }
        };
    }

    void WlDataDeviceManager.IHandler.GetDataDevice(WlDataDeviceManager resource, WlDataDevice id, WlSeat seat)
    {
        id.Handler = this;
        _devices.Add(id);
        id.Destroyed += _ => _devices.Remove(id);
        if (_seat.KeyboardFocusClient == id.Client)
        {
            OfferSelection(id);
        }
    }

    // wl_data_source

    void WlDataSource.IHandler.Offer(WlDataSource resource, string mimeType)
    {
        if (_mimeTypes.TryGetValue(resource, out List<string>? types) && !types.Contains(mimeType))
        {
            types.Add(mimeType);
        }
    }

    // wl_data_device

    void WlDataDevice.IHandler.SetSelection(WlDataDevice resource, WlDataSource? source, uint serial)
    {
        if (_selection == source)
        {
            return;
        }

        WlDataSource? previous = _selection;
        _selection = source;
        if (previous is { IsDestroyed: false })
        {
            previous.SendCancelled();
        }

        if (_seat.KeyboardFocusClient is { IsDestroyed: false } focus)
        {
            OfferSelection(focus);
        }
    }

    void WlDataDevice.IHandler.StartDrag(WlDataDevice resource, WlDataSource? source, WlSurface origin, WlSurface? icon, uint serial)
    {
        // No drag and drop on a headless seat: the drag ends at once, as if dropped nowhere.
        if (source is { IsDestroyed: false })
        {
            source.SendCancelled();
        }
    }

    private void OfferSelection(WlDataDevice device)
    {
        if (_selection is not { IsDestroyed: false } selection || !_mimeTypes.TryGetValue(selection, out List<string>? types))
        {
            device.SendSelection(null);
            return;
        }

        WlDataOffer offer = device.SendDataOffer();
        offer.Handler = new Offer(this, selection);
        foreach (string type in types)
        {
            offer.SendOffer(type);
        }

        device.SendSelection(offer);
    }

    /// <summary>A wl_data_offer of the selection: it reads from its source while that is still the selection.</summary>
    private sealed class Offer(DataDevices devices, WlDataSource source) : WlDataOffer.IHandler
    {
        void WlDataOffer.IHandler.Receive(WlDataOffer resource, string mimeType, Wayland.Wire.SafeFdHandle fd)
        {
            using (fd)
            {
                if (source is { IsDestroyed: false } && source == devices._selection)
                {
                    source.SendSend(mimeType, fd);
                }
            }
        }
    }
}
