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
    private readonly Selection<WlDataSource, WlDataDevice> _selection;

    public DataDevices(SeatProtocol seat) => _selection = new(seat, source => source.SendCancelled(), SendOffer);

    /// <summary>Sends the current selection (or none) to every data device of <paramref name="client"/>.</summary>
    public void OfferSelection(Client client) => _selection.OfferTo(client);

    public void ClientGone(Client client) => _selection.ClientGone(client);

    void WlDataDeviceManager.IHandler.CreateDataSource(WlDataDeviceManager resource, WlDataSource id)
    {
        id.Handler = this;
        _selection.AddSource(id);
    }

    void WlDataDeviceManager.IHandler.GetDataDevice(WlDataDeviceManager resource, WlDataDevice id, WlSeat seat)
    {
        id.Handler = this;
        _selection.AddDevice(id);
    }

    // wl_data_source

    void WlDataSource.IHandler.Offer(WlDataSource resource, string mimeType) => _selection.AddMimeType(resource, mimeType);

    // wl_data_device

    void WlDataDevice.IHandler.SetSelection(WlDataDevice resource, WlDataSource? source, uint serial) => _selection.Set(source);

    void WlDataDevice.IHandler.StartDrag(WlDataDevice resource, WlDataSource? source, WlSurface origin, WlSurface? icon, uint serial)
    {
        // No drag and drop on a headless seat: the drag ends at once, as if dropped nowhere.
        if (source is { IsDestroyed: false })
        {
            source.SendCancelled();
        }
    }

    private void SendOffer(WlDataDevice device, WlDataSource? source, IReadOnlyList<string> types)
    {
        if (source is null)
        {
            device.SendSelection(null);
            return;
        }

        WlDataOffer offer = device.SendDataOffer();
        offer.Handler = new Offer(_selection, source);
        foreach (string type in types)
        {
            offer.SendOffer(type);
        }

        device.SendSelection(offer);
    }

    /// <summary>A wl_data_offer of the selection: it reads from its source while that is still the selection.</summary>
    private sealed class Offer(Selection<WlDataSource, WlDataDevice> selection, WlDataSource source) : WlDataOffer.IHandler
    {
        void WlDataOffer.IHandler.Receive(WlDataOffer resource, string mimeType, Wayland.Wire.SafeFdHandle fd)
        {
            using (fd)
            {
                if (source is { IsDestroyed: false } && source == selection.Current)
                {
                    source.SendSend(mimeType, fd);
                }
            }
        }
    }
}
