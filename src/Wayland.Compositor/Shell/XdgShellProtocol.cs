using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Shell;

/// <summary>
/// The xdg_wm_base global: each bind makes a <see cref="ShellClient"/>, the handler of that xdg_wm_base. Holds what the
/// shell clients share: the scene windows go into, the ping timeout, the pong count, and the windows and popups each
/// client process has mapped.
/// </summary>
internal sealed class XdgShellProtocol
{
    private long _pongs;
    private long _pingTimeoutTicks = TimeSpan.FromSeconds(10).Ticks;

    public XdgShellProtocol(Display display, Scene scene, int maxWindowsPerClient, int maxPopupsPerClient)
    {
        Display = display;
        Scene = scene;
        Windows = new ProcessQuota(maxWindowsPerClient, "mapped windows");
        Popups = new ProcessQuota(maxPopupsPerClient, "mapped popups");
        display.CreateGlobal<XdgWmBase>(XdgWmBaseInterface.Version, resource => _ = new ShellClient(this, resource));
    }

    /// <summary>Raised when a client left a ping unanswered for <see cref="PingTimeout"/>.</summary>
    public event Action<Client>? ClientUnresponsive;

    public Display Display { get; }

    public Scene Scene { get; }

    /// <summary>The xdg_toplevels the clients of each process have mapped, against <see cref="HeadlessCompositorOptions.MaxWindowsPerClient"/>.</summary>
    public ProcessQuota Windows { get; }

    /// <summary>The xdg_popups the clients of each process have mapped, against <see cref="HeadlessCompositorOptions.MaxPopupsPerClient"/>.</summary>
    public ProcessQuota Popups { get; }

    /// <summary>xdg_wm_base.pong requests received so far (any thread).</summary>
    public long Pongs => Interlocked.Read(ref _pongs);

    /// <summary>How long a client may take to answer a ping (any thread; a change applies to later pings).</summary>
    public TimeSpan PingTimeout
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _pingTimeoutTicks));
        set => Interlocked.Exchange(ref _pingTimeoutTicks, value.Ticks);
    }

    public void CountPong() => Interlocked.Increment(ref _pongs);

    public void ReportUnresponsive(Client client) => ClientUnresponsive?.Invoke(client);
}
