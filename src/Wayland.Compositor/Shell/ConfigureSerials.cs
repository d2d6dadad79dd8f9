namespace Wayland.Compositor.Shell;

/// <summary>
/// The serials of the configures sent to one xdg_surface and not acknowledged yet, oldest first (serials only grow).
/// ack_configure of one acknowledges it and every earlier one, as xdg_surface says. At most <see cref="MaxKept"/> are
/// kept: past that the oldest is forgotten, and an ack of a forgotten serial still counts (it acknowledges everything
/// up to it), so a client that never acknowledges costs a bounded amount and an ack costs a search, not a scan.
/// </summary>
internal sealed class ConfigureSerials
{
    /// <summary>Most unacknowledged configure serials kept for one surface; a client acknowledges well before that.</summary>
    public const int MaxKept = 1024;

    private uint[] _serials = new uint[4];
    private int _head;
    private int _count;

    /// <summary>The newest serial forgotten, if any.</summary>
    private uint? _forgotten;

    /// <summary>The serial last acknowledged, if any.</summary>
    private uint? _acknowledged;

    public int Count => _count;

    public void Add(uint serial)
    {
        if (_count == MaxKept)
        {
            _forgotten = At(0);
            _head = (_head + 1) % _serials.Length;
            _count--;
        }
        else if (_count == _serials.Length)
        {
            uint[] larger = new uint[Math.Min(_serials.Length * 2, MaxKept)];
            for (int i = 0; i < _count; i++)
            {
                larger[i] = At(i);
            }

            _serials = larger;
            _head = 0;
        }

        _serials[(_head + _count) % _serials.Length] = serial;
        _count++;
    }

    /// <summary>Acknowledges <paramref name="serial"/> and those before it; false when it was never sent (or acknowledged already).</summary>
    public bool Acknowledge(uint serial)
    {
        int index = IndexOf(serial);
        if (index >= 0)
        {
            _head = (_head + index + 1) % _serials.Length;
            _count -= index + 1;
            _acknowledged = serial;
            return true;
        }

        // A serial forgotten and newer than the last ack: taken as sent (everything kept is newer still).
        if (_forgotten is { } forgotten && Compare(serial, forgotten) <= 0 && (_acknowledged is not { } acknowledged || Compare(serial, acknowledged) > 0))
        {
            _acknowledged = serial;
            return true;
        }

        return false;
    }

    public void Clear()
    {
        _head = 0;
        _count = 0;
        _forgotten = null;
        _acknowledged = null;
    }

    private uint At(int i) => _serials[(_head + i) % _serials.Length];

    /// <summary>Serials compare as wrapping numbers: the order they were handed out in.</summary>
    private static int Compare(uint a, uint b) => (int)(a - b);

    /// <summary>Binary search over the kept serials, which are in the order they were handed out.</summary>
    private int IndexOf(uint serial)
    {
        int low = 0;
        int high = _count - 1;
        while (low <= high)
        {
            int middle = low + ((high - low) / 2);
            int order = Compare(At(middle), serial);
            if (order == 0)
            {
                return middle;
            }

            if (order < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }
}
