using System.Text;
using Wayland.Server;

namespace Wayland.Compositor.Seat;

/// <summary>
/// One selection of the seat (the clipboard or the primary selection), whatever its protocol: the live sources with
/// the MIME types they offer, which one is the selection, and the devices it is offered on. The client with keyboard
/// focus is offered the selection when it gets the focus, when it makes a device, and whenever the selection changes;
/// a device still holding the offer of the current selection (or told there is none, when there is none) is not told
/// again, so another client taking and giving back the focus cannot make the server send it the same offer over and
/// over.
/// </summary>
/// <typeparam name="TSource">The protocol's data source resource.</typeparam>
/// <typeparam name="TDevice">The protocol's data device resource.</typeparam>
internal sealed class Selection<TSource, TDevice>
    where TSource : Resource
    where TDevice : Resource
{
    private readonly SeatProtocol _seat;
    private readonly Action<TSource> _sendCancelled;
    private readonly Func<TDevice, TSource?, IReadOnlyList<string>, Resource?> _sendOffer;
    private readonly ClientObjects<TDevice> _devices = new();
    private readonly Dictionary<TSource, MimeTypes> _mimeTypes = [];

    /// <summary>What each device was last told: the source offered (null for no selection) and the offer made for it.</summary>
    private readonly Dictionary<TDevice, (TSource? Source, Resource? Offer)> _told = [];

    /// <summary>The serial the selection was last set with, once it has been.</summary>
    private uint? _serial;

    /// <param name="seat">The seat whose keyboard focus decides who is offered the selection.</param>
    /// <param name="sendCancelled">Tells a source it is no longer the selection.</param>
    /// <param name="sendOffer">Sends a device an offer of the source with these types, or no selection when null; returns
    /// the offer it made (null for no selection).</param>
    public Selection(SeatProtocol seat, Action<TSource> sendCancelled, Func<TDevice, TSource?, IReadOnlyList<string>, Resource?> sendOffer)
    {
        _seat = seat;
        _sendCancelled = sendCancelled;
        _sendOffer = sendOffer;
    }

    /// <summary>The source that is the selection, or null.</summary>
    public TSource? Current { get; private set; }

    /// <summary>How many devices offers and drag events have been sent through so far.</summary>
    public long Visited => _devices.Visited;

    /// <summary>Runs <paramref name="action"/> on each live device of <paramref name="client"/>.</summary>
    public void ForEachDevice(Client client, Action<TDevice> action) => _devices.ForEach(client, action);

    /// <summary>The MIME types <paramref name="source"/> offered so far (empty for a destroyed one).</summary>
    public IReadOnlyList<string> MimeTypesOf(TSource source) => _mimeTypes.TryGetValue(source, out MimeTypes? types) ? types.List : [];

    public void AddSource(TSource source)
    {
        _mimeTypes[source] = new();
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

    /// <summary>
    /// Adds a type <paramref name="source"/> offers. Past <see cref="MimeTypeLimits.MaxTypes"/> types or
    /// <see cref="MimeTypeLimits.MaxBytes"/> bytes of type names the offer is ignored (the protocol has no error for
    /// it), so what one selection or drag sends a client stays a small burst; a repeated type is ignored too.
    /// </summary>
    public void AddMimeType(TSource source, string mimeType)
    {
        if (_mimeTypes.TryGetValue(source, out MimeTypes? types))
        {
            types.TryAdd(mimeType);
        }
    }

    public void AddDevice(TDevice device)
    {
        _devices.Add(device);
        device.Destroyed += _ => _told.Remove(device);
        if (_seat.KeyboardFocusClient == device.Client)
        {
            Offer(device);
        }
    }

    /// <summary>
    /// <paramref name="client"/> asks to make <paramref name="source"/> the selection (null clears it): the previous
    /// source is cancelled and the focused client offered the new one. As the protocol says, a request is ignored
    /// unless <paramref name="serial"/> is that of an input event the seat sent the client (a key, a button, an enter;
    /// see <see cref="InputSerials"/>), and, as in weston, unless it is newer than the serial the selection was last
    /// set with: each change needs a new input event to the client, so no client can make the server send the focused
    /// client offer after offer. A client that copies on a key press and loses the focus before its request arrives
    /// still sets the selection (the focus may move on before a toolkit answers).
    /// </summary>
    public void Set(Client client, TSource? source, uint serial)
    {
        if (!_seat.SentInputSerial(client, serial) || (_serial is { } last && (int)(serial - last) <= 0))
        {
            return;
        }

        _serial = serial;
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

    /// <summary>
    /// Sends the current selection (or none) to every device of <paramref name="client"/> that does not hold it yet: one
    /// that was never told, was told of another selection, or destroyed the offer it was given.
    /// </summary>
    public void OfferTo(Client client) => _devices.ForEach(client, Offer);

    /// <summary>
    /// Whether <paramref name="client"/>'s receive on an offer of <paramref name="source"/> is forwarded to the source:
    /// only while the source is the selection, and within the <see cref="TransferBudget"/> of the client's process.
    /// </summary>
    public bool MayTransfer(TSource source, Client client) => !source.IsDestroyed && source == Current && _seat.Transfers.TryTake(client);

    public void ClientGone(Client client)
    {
        _devices.ClientGone(client);
        if (Current is { } current && current.Client == client)
        {
            Current = null;
        }
    }

    private void Offer(TDevice device)
    {
        TSource? current = Current is { IsDestroyed: false } live && _mimeTypes.ContainsKey(live) ? live : null;
        if (_told.TryGetValue(device, out (TSource? Source, Resource? Offer) told) && told.Source == current
            && (current is null || told.Offer is { IsDestroyed: false }))
        {
            return;
        }

        Resource? offer = current is null ? _sendOffer(device, null, []) : _sendOffer(device, current, _mimeTypes[current].List);
        _told[device] = (current, offer);
    }

    /// <summary>The types one source offers, in order, within <see cref="MimeTypeLimits"/>.</summary>
    private sealed class MimeTypes
    {
        private int _bytes;

        public List<string> List { get; } = [];

        public void TryAdd(string mimeType)
        {
            // The limits are checked first, so a flood of offers past them costs one comparison each.
            int bytes = Encoding.UTF8.GetByteCount(mimeType);
            if (List.Count >= MimeTypeLimits.MaxTypes || _bytes + bytes > MimeTypeLimits.MaxBytes || List.Contains(mimeType))
            {
                return;
            }

            List.Add(mimeType);
            _bytes += bytes;
        }
    }
}

/// <summary>
/// What one data source (clipboard, primary selection or drag) may offer. Real clients offer a few to a few dozen
/// short types (GTK about 10, Firefox about 15, LibreOffice about 30 of under 100 bytes each); the limits keep the
/// events a selection or drag enter sends the focused client well inside what its socket holds, so another client's
/// source cannot make the server drop it for not reading fast enough.
/// </summary>
internal static class MimeTypeLimits
{
    /// <summary>Most MIME types one source offers; further ones are ignored.</summary>
    public const int MaxTypes = 64;

    /// <summary>Most bytes (UTF-8) of MIME type names one source offers; a type that would go past it is ignored.</summary>
    public const int MaxBytes = 16 * 1024;
}
