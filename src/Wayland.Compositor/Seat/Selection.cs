using Wayland.Server;

namespace Wayland.Compositor.Seat;

/// <summary>
/// One selection of the seat (the clipboard or the primary selection), whatever its protocol: the live sources with
/// the MIME types they offer, which one is the selection, and the devices it is offered on. The client with keyboard
/// focus is offered the selection when it gets the focus, when it makes a device, and whenever the selection changes.
/// </summary>
/// <typeparam name="TSource">The protocol's data source resource.</typeparam>
/// <typeparam name="TDevice">The protocol's data device resource.</typeparam>
internal sealed class Selection<TSource, TDevice>
    where TSource : Resource
    where TDevice : Resource
{
    private readonly SeatProtocol _seat;
    private readonly Action<TSource> _sendCancelled;
    private readonly Action<TDevice, TSource?, IReadOnlyList<string>> _sendOffer;
    private readonly List<TDevice> _devices = [];
    private readonly Dictionary<TSource, List<string>> _mimeTypes = [];

    /// <param name="seat">The seat whose keyboard focus decides who is offered the selection.</param>
    /// <param name="sendCancelled">Tells a source it is no longer the selection.</param>
    /// <param name="sendOffer">Sends a device an offer of the source with these types, or no selection when null.</param>
    public Selection(SeatProtocol seat, Action<TSource> sendCancelled, Action<TDevice, TSource?, IReadOnlyList<string>> sendOffer)
    {
        _seat = seat;
        _sendCancelled = sendCancelled;
        _sendOffer = sendOffer;
    }

    /// <summary>The source that is the selection, or null.</summary>
    public TSource? Current { get; private set; }

    /// <summary>The live devices, oldest first.</summary>
    public IReadOnlyList<TDevice> Devices => _devices;

    /// <summary>The MIME types <paramref name="source"/> offered so far (empty for a destroyed one).</summary>
    public IReadOnlyList<string> MimeTypesOf(TSource source) => _mimeTypes.TryGetValue(source, out List<string>? types) ? types : [];

    public void AddSource(TSource source)
    {
        _mimeTypes[source] = [];
        source.Destroyed += _ =>
        {
            _mimeTypes.Remove(source);
            if (Current == source)
            {
                Current = null;
                if (_seat.KeyboardFocusClient is { IsDestroyed: false } focus && focus != source.Client)
                {
                    OfferTo(focus);
                }
            }
        };
    }

    public void AddMimeType(TSource source, string mimeType)
    {
        if (_mimeTypes.TryGetValue(source, out List<string>? types) && !types.Contains(mimeType))
        {
            types.Add(mimeType);
        }
    }

    public void AddDevice(TDevice device)
    {
        _devices.Add(device);
        device.Destroyed += _ => _devices.Remove(device);
        if (_seat.KeyboardFocusClient == device.Client)
        {
            Offer(device);
        }
    }

    /// <summary>Makes <paramref name="source"/> the selection: the previous source is cancelled, the focused client offered it.</summary>
    public void Set(TSource? source)
    {
        if (Current == source)
        {
            return;
        }

        TSource? previous = Current;
        Current = source;
        if (previous is { IsDestroyed: false })
        {
            _sendCancelled(previous);
        }

        if (_seat.KeyboardFocusClient is { IsDestroyed: false } focus)
        {
            OfferTo(focus);
        }
    }

    /// <summary>Sends the current selection (or none) to every device of <paramref name="client"/>.</summary>
    public void OfferTo(Client client)
    {
        foreach (TDevice device in _devices)
        {
            if (device.Client == client && !device.IsDestroyed)
            {
                Offer(device);
            }
        }
    }

    public void ClientGone(Client client)
    {
        _devices.RemoveAll(d => d.Client == client);
        if (Current is { } current && current.Client == client)
        {
            Current = null;
        }
    }

    private void Offer(TDevice device)
    {
        if (Current is { IsDestroyed: false } current && _mimeTypes.TryGetValue(current, out List<string>? types))
        {
            _sendOffer(device, current, types);
        }
        else
        {
            _sendOffer(device, null, []);
        }
    }
}
