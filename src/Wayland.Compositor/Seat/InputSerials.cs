namespace Wayland.Compositor.Seat;

/// <summary>
/// The serials of the input events the seat sent one client (pointer and keyboard enter and leave, buttons, keys,
/// modifiers, touch down and up), as runs of consecutive serials: typing or clicking in one window makes few runs,
/// however many events. A request that must quote the serial of an input event (set_selection) is honoured only with
/// one of these: a serial the client never received, or one in a run too old to be remembered, is ignored.
/// </summary>
internal sealed class InputSerials
{
    /// <summary>How many runs of consecutive serials are kept, the latest ones.</summary>
    public const int RememberedRuns = 128;

    private readonly (uint First, uint Last)[] _runs = new (uint, uint)[RememberedRuns];
    private int _count;
    private int _latest = -1;

    public void Add(uint serial)
    {
        if (_count > 0)
        {
            ref (uint First, uint Last) latest = ref _runs[_latest];
            if (serial == latest.Last || serial == latest.Last + 1)
            {
                latest.Last = serial;
                return;
            }
        }

        _latest = (_latest + 1) % RememberedRuns;
        _runs[_latest] = (serial, serial);
        _count = Math.Min(_count + 1, RememberedRuns);
    }

    public bool Contains(uint serial)
    {
        for (int i = 0; i < _count; i++)
        {
            (uint first, uint last) = _runs[i];
            if (serial - first <= last - first)
            {
                return true;
            }
        }

        return false;
    }
}
