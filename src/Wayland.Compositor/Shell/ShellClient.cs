using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Shell;

/// <summary>
/// One bound xdg_wm_base (weston's "desktop client"): the xdg_surfaces made from it, which must go before it does, and
/// its ping. One ping is outstanding at a time; when it is not answered within the compositor's ping timeout the
/// client counts as unresponsive until the pong arrives. A pong with any other serial is ignored: xdg-shell makes it
/// no error, and weston ignores it too. Only touched on the event loop's thread.
/// </summary>
internal sealed class ShellClient
{
    private readonly HeadlessCompositor _compositor;
    private TimerEventSource? _timer;
    private uint? _pingSerial;

    public ShellClient(HeadlessCompositor compositor, XdgWmBase resource)
    {
        _compositor = compositor;
        Resource = resource;
        resource.UserData = this;
        resource.Destroyed += _ =>
        {
            _timer?.Remove();
            _timer = null;
        };
    }

    public XdgWmBase Resource { get; }

    /// <summary>The live xdg_surfaces made from this xdg_wm_base.</summary>
    public List<XdgSurfaceRole> Surfaces { get; } = [];

    /// <summary>Whether a ping went unanswered for longer than the ping timeout (and is still unanswered).</summary>
    public bool IsUnresponsive { get; private set; }

    public static ShellClient Of(XdgWmBase resource) => (ShellClient)resource.UserData!;

    /// <summary>Sends xdg_wm_base.ping and starts the timeout, unless a ping is outstanding already.</summary>
    public void Ping()
    {
        if (Resource.IsDestroyed || _pingSerial is not null)
        {
            return;
        }

        uint serial = _compositor.Display.NextSerial();
        _pingSerial = serial;
        _timer ??= _compositor.Display.Loop.AddTimer(OnTimeout);
        _timer.Update((int)Math.Ceiling(_compositor.PingTimeout.TotalMilliseconds));
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
        _compositor.ReportUnresponsive(Resource.Client);
    }
}
