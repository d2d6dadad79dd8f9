using Wayland.Compositor.Surfaces;
using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Shell;

/// <summary>
/// One bound xdg_wm_base (weston's "desktop client"): the xdg_surfaces made from it, which must go before it does, and
/// its ping. One ping is outstanding at a time; when it is not answered within the compositor's ping timeout the
/// client counts as unresponsive until the pong arrives. A pong with any other serial is ignored: xdg-shell makes it
/// no error, and weston ignores it too. Only touched on the event loop's thread.
/// </summary>
internal sealed class ShellClient : XdgWmBase.IHandler
{
    private readonly XdgShellProtocol _shell;
    private TimerEventSource? _timer;
    private uint? _pingSerial;

    public ShellClient(XdgShellProtocol shell, XdgWmBase resource)
    {
        _shell = shell;
        Resource = resource;
        resource.Handler = this;
        resource.Destroyed += _ =>
        {
            _timer?.Remove();
            _timer = null;
        };
    }

    public XdgWmBase Resource { get; }

    /// <summary>The windows the clients of each process have mapped (counted per process, whichever connection and xdg_wm_base made them).</summary>
    public ProcessQuota Windows => _shell.Windows;

    /// <summary>The popups the clients of each process have mapped (counted per process, whichever connection and xdg_wm_base made them).</summary>
    public ProcessQuota Popups => _shell.Popups;

    /// <summary>The live xdg_surfaces made from this xdg_wm_base.</summary>
    public HashSet<XdgSurfaceRole> Surfaces { get; } = [];

    /// <summary>Whether a ping went unanswered for longer than the ping timeout (and is still unanswered).</summary>
    public bool IsUnresponsive { get; private set; }

    public uint NextSerial() => _shell.Display.NextSerial();

    /// <summary>Sends xdg_wm_base.ping and starts the timeout, unless a ping is outstanding already.</summary>
    public void Ping()
    {
        if (Resource.IsDestroyed || _pingSerial is not null)
        {
            return;
        }

        uint serial = NextSerial();
        _pingSerial = serial;
        _timer ??= _shell.Display.Loop.AddTimer(OnTimeout);
        _timer.Update((int)Math.Ceiling(_shell.PingTimeout.TotalMilliseconds));
        Resource.SendPing(serial);
    }

    /// <summary>xdg_wm_base.pong: answers the outstanding ping when the serial is its serial.</summary>
    public void Pong(uint serial)
    {
        if (serial != _pingSerial)
        {
            return;
        }

        _pingSerial = null;
        _timer?.Update(0);
        IsUnresponsive = false;
    }

    private void OnTimeout()
    {
        if (_pingSerial is null || IsUnresponsive || Resource.IsDestroyed)
        {
            return;
        }

        IsUnresponsive = true;
        _shell.ReportUnresponsive(Resource.Client);
    }

    void XdgWmBase.IHandler.GetXdgSurface(XdgWmBase resource, XdgSurface id, WlSurface surfaceResource)
    {
        Surface surface = Surface.Of(surfaceResource);
        if (surface.Role is not null)
        {
            resource.PostError((uint)XdgWmBaseError.Role,
                $"xdg_wm_base#{resource.Id}: wl_surface#{surfaceResource.Id} already has the role {surface.Role.RoleName}");
            return;
        }

        if (surface.HasContent || surface.Pending.Buffer is not null)
        {
            resource.PostError((uint)XdgWmBaseError.InvalidSurfaceState,
                $"xdg_wm_base#{resource.Id}: wl_surface#{surfaceResource.Id} already has a buffer");
            return;
        }

        XdgSurfaceRole role = new(_shell.Scene, this, surface, id);
        surface.Role = role;
        id.Handler = role;
        Surfaces.Add(role);
        id.Destroyed += _ => Surfaces.Remove(role);
    }

    void XdgWmBase.IHandler.CreatePositioner(XdgWmBase resource, XdgPositioner id) => id.Handler = new Positioner();

    void XdgWmBase.IHandler.Pong(XdgWmBase resource, uint serial)
    {
        _shell.CountPong();
        Pong(serial);
    }

    void XdgWmBase.IHandler.Destroy(XdgWmBase resource)
    {
        int alive = Surfaces.Count;
        if (alive > 0)
        {
            resource.PostError((uint)XdgWmBaseError.DefunctSurfaces,
                $"xdg_wm_base#{resource.Id}: destroyed while {alive} xdg_surface(s) made from it are alive");
        }
    }
}
