using Wayland.Compositor.Surfaces;
using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Seat;

/// <summary>
/// The seat's touchscreen: each touch point belongs to the surface under it at touch-down and stays with it until it
/// is lifted or cancelled; its coordinates are given relative to that surface. Every scripted change ends with
/// wl_touch.frame to the clients it concerned.
/// </summary>
internal sealed class TouchPoints : WlTouch.IHandler
{
    private readonly Display _display;
    private readonly Scene _scene;
    private readonly Action<Client, uint> _sent;
    private readonly ClientObjects<WlTouch> _touches = new();

    /// <summary>Points down now: their surface (null for a point that went down on no surface) and that surface's origin in output coordinates at touch-down.</summary>
    private readonly Dictionary<int, (Surface? Surface, double OriginX, double OriginY)> _points = [];

    /// <param name="display">The display whose serials touch events carry.</param>
    /// <param name="scene">The scene that tells which surface a point is on.</param>
    /// <param name="sent">Remembers that a client was sent a touch event with this serial.</param>
    public TouchPoints(Display display, Scene scene, Action<Client, uint> sent)
    {
        _sent = sent;
        _display = display;
        _scene = scene;
    }

    public void Bind(WlTouch touch)
    {
        touch.Handler = this;
        _touches.Add(touch);
    }

    /// <summary>How many wl_touch objects events have been delivered through so far.</summary>
    public long Visited => _touches.Visited;

    public bool IsDown(int id) => _points.ContainsKey(id);

    /// <summary>The serial of the latest touch down sent, and the client it went to (what xdg_popup.grab may quote).</summary>
    public (uint Serial, Client Client)? LastDown { get; private set; }

    /// <summary>Puts point <paramref name="id"/> down at (x, y) in output coordinates; false when it is already down.</summary>
    public bool Down(int id, double x, double y, uint time)
    {
        if (_points.ContainsKey(id))
        {
            return false;
        }

        Surface? target = _scene.SurfaceAt((int)Math.Floor(x), (int)Math.Floor(y), out int localX, out int localY);
        if (target is null)
        {
            _points[id] = (null, 0, 0);
            return true;
        }

        double sx = localX + (x - Math.Floor(x));
        double sy = localY + (y - Math.Floor(y));
        _points[id] = (target, x - sx, y - sy);
        uint serial = Serial(target.Resource.Client);
        ForEachTouch(target.Resource.Client, t => t.SendDown(serial, time, target.Resource, id, sx, sy));
        LastDown = (serial, target.Resource.Client);
        Frame(target.Resource.Client);
        return true;
    }

    /// <summary>Moves point <paramref name="id"/> to (x, y) in output coordinates; false when it is not down.</summary>
    public bool Motion(int id, double x, double y, uint time)
    {
        if (!_points.TryGetValue(id, out var point))
        {
            return false;
        }

        if (point.Surface is { } surface)
        {
            ForEachTouch(surface.Resource.Client, t => t.SendMotion(time, id, x - point.OriginX, y - point.OriginY));
            Frame(surface.Resource.Client);
        }

        return true;
    }

    /// <summary>Lifts point <paramref name="id"/>; false when it is not down.</summary>
    public bool Up(int id, uint time)
    {
        if (!_points.Remove(id, out var point))
        {
            return false;
        }

        if (point.Surface is { } surface)
        {
            uint serial = Serial(surface.Resource.Client);
            ForEachTouch(surface.Resource.Client, t => t.SendUp(serial, time, id));
            Frame(surface.Resource.Client);
        }

        return true;
    }

    /// <summary>Cancels every point down (wl_touch.cancel to each client that had one).</summary>
    public void Cancel()
    {
        HashSet<Client> clients = [];
        foreach (var point in _points.Values)
        {
            if (point.Surface is { } surface)
            {
                clients.Add(surface.Resource.Client);
            }
        }

        _points.Clear();
        foreach (Client client in clients)
        {
            ForEachTouch(client, t => t.SendCancel());
        }
    }

    /// <summary>Points on a surface that goes away stay down but send nothing more (the client knows its surface is gone).</summary>
    public void SurfaceGone(Surface surface)
    {
        foreach ((int id, var point) in _points.ToArray())
        {
            if (point.Surface == surface)
            {
                _points[id] = (null, 0, 0);
            }
        }
    }

    public void ClientGone(Client client)
    {
        _touches.ClientGone(client);
        if (LastDown?.Client == client)
        {
            LastDown = null;
        }

        foreach ((int id, var point) in _points.ToArray())
        {
            if (point.Surface?.Resource.Client == client)
            {
                _points[id] = (null, 0, 0);
            }
        }
    }

    private uint Serial(Client client)
    {
        uint serial = _display.NextSerial();
        if (_touches.Any(client))
        {
            _sent(client, serial);
        }

        return serial;
    }

    private void Frame(Client client) => ForEachTouch(client, t => t.SendFrame());

    private void ForEachTouch(Client client, Action<WlTouch> send) => _touches.ForEach(client, send);
}
