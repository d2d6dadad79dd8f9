using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Seat;

/// <summary>
/// zwp_primary_selection_device_manager_v1: the primary selection (middle-click paste), kept as the clipboard is: a
/// client sets a source as the primary selection, the client with keyboard focus is offered it, and a receive request
/// is forwarded to the source as send with the fd.
/// </summary>
internal sealed class PrimarySelection :
    ZwpPrimarySelectionDeviceManagerV1.IHandler, ZwpPrimarySelectionDeviceV1.IHandler, ZwpPrimarySelectionSourceV1.IHandler
{
    private readonly Selection<ZwpPrimarySelectionSourceV1, ZwpPrimarySelectionDeviceV1> _selection;

    public PrimarySelection(SeatProtocol seat) => _selection = new(seat, source => source.SendCancelled(), SendOffer);

    /// <summary>Sends the current primary selection (or none) to every device of <paramref name="client"/>.</summary>
    public void OfferSelection(Client client) => _selection.OfferTo(client);

    public void ClientGone(Client client) => _selection.ClientGone(client);

    /// <summary>How many primary selection devices offers have been sent through so far.</summary>
    public long Visited => _selection.Visited;

    void ZwpPrimarySelectionDeviceManagerV1.IHandler.CreateSource(ZwpPrimarySelectionDeviceManagerV1 resource, ZwpPrimarySelectionSourceV1 id)
    {
        id.Handler = this;
        _selection.AddSource(id);
    }

    void ZwpPrimarySelectionDeviceManagerV1.IHandler.GetDevice(ZwpPrimarySelectionDeviceManagerV1 resource, ZwpPrimarySelectionDeviceV1 id, WlSeat seat)
    {
        id.Handler = this;
        _selection.AddDevice(id);
    }

    void ZwpPrimarySelectionSourceV1.IHandler.Offer(ZwpPrimarySelectionSourceV1 resource, string mimeType) =>
        _selection.AddMimeType(resource, mimeType);

    void ZwpPrimarySelectionDeviceV1.IHandler.SetSelection(ZwpPrimarySelectionDeviceV1 resource, ZwpPrimarySelectionSourceV1? source, uint serial) =>
        _selection.Set(resource.Client, source, serial);

    private ZwpPrimarySelectionOfferV1? SendOffer(ZwpPrimarySelectionDeviceV1 device, ZwpPrimarySelectionSourceV1? source, IReadOnlyList<string> types)
    {
        if (source is null)
        {
            device.SendSelection(null);
            return null;
        }

        ZwpPrimarySelectionOfferV1 offer = device.SendDataOffer();
        offer.Handler = new Offer(_selection, source);
        foreach (string type in types)
        {
            offer.SendOffer(type);
        }

        device.SendSelection(offer);
        return offer;
    }

    /// <summary>An offer of the primary selection: it reads from its source while that is still the primary selection, within its process's <see cref="TransferBudget"/>.</summary>
    private sealed class Offer(Selection<ZwpPrimarySelectionSourceV1, ZwpPrimarySelectionDeviceV1> selection, ZwpPrimarySelectionSourceV1 source)
        : ZwpPrimarySelectionOfferV1.IHandler
    {
        void ZwpPrimarySelectionOfferV1.IHandler.Receive(ZwpPrimarySelectionOfferV1 resource, string mimeType, Wayland.Wire.SafeFdHandle fd)
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
