namespace Wayland.Compositor.Seat;

/// <summary>
/// The serials of the latest input events the seat sent one client (pointer and keyboard enter and leave, buttons,
/// keys, modifiers, touch down and up). A request that must quote the serial of an input event (set_selection) is
/// honoured only with one of these: a serial the client never received, or one too old to be remembered, is ignored.
/// </summary>
internal sealed class InputSerials
{
    /// <summary>How many of the latest serials are kept; a client quotes the newest one or nearly.</summary>
    public const int Remembered = 64;

    private readonly uint[] _serials = new uint[Remembered];
    private int _count;
    private int _next;

    public void Add(uint serial)
    {
        _serials[_next] = serial;
        _next = (_next + 1) % Remembered;
        _count = Math.Min(_count + 1, Remembered);
    }

    public bool Contains(uint serial) => Array.IndexOf(_serials, serial, 0, _count) >= 0;
}
