using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Compositor.Tests;

/// <summary>
/// A client written with Wayland.Client in the test process, connected to a test's compositor: the core globals
/// bound, pings recorded and (unless told otherwise) answered, and helpers to make windows and solid-colour buffers
/// and to dispatch with a deadline.
/// </summary>
internal sealed class ManagedClient : IDisposable
{
    private readonly List<IDisposable> _owned = [];

    private ManagedClient(WaylandDisplay display, bool answerPings)
    {
        Display = display;
        Globals = WaylandGlobals.Create(display);
        Compositor = Globals.Bind<WlCompositor>(maxVersion: 6);
        Shm = Globals.Bind<WlShm>();
        WmBase = Globals.Bind<XdgWmBase>();
        WmBase.Ping += (sender, serial) =>
        {
            Pings.Add(serial);
            if (answerPings)
            {
                sender.Pong(serial);
            }
        };
    }

    public WaylandDisplay Display { get; }

    public WaylandGlobals Globals { get; }

    public WlCompositor Compositor { get; }

    public WlShm Shm { get; }

    public XdgWmBase WmBase { get; }

    /// <summary>Serials of the xdg_wm_base.ping events received, oldest first.</summary>
    public List<uint> Pings { get; } = [];

    /// <summary>Connects; with <paramref name="answerPings"/> false pings are recorded but left for the test to answer.</summary>
    public static ManagedClient Connect(string socketPath, bool answerPings = true)
    {
        WaylandDisplay display = WaylandDisplay.Connect(socketPath);
        try
        {
            return new ManagedClient(display, answerPings);
        }
        catch
        {
            display.Dispose();
            throw;
        }
    }

    /// <summary>Connects over <paramref name="socket"/>, one end of a socket pair whose other end the compositor was
    /// handed (<c>Display.CreateClient</c>): to the compositor, a process of its own.</summary>
    public static ManagedClient ConnectTo(SafeFdHandle socket)
    {
        WaylandDisplay display = WaylandDisplay.ConnectTo(socket);
        try
        {
            return new ManagedClient(display, answerPings: true);
        }
        catch
        {
            display.Dispose();
            throw;
        }
    }

    /// <summary>Keeps <paramref name="resource"/> until the client is disposed (disposed in reverse order).</summary>
    public T Own<T>(T resource)
        where T : IDisposable
    {
        _owned.Add(resource);
        return resource;
    }

    /// <summary>
    /// An xdg_toplevel, not yet committed. With <paramref name="autoAck"/> every configure is acknowledged at once. Its
    /// wl_surface comes from <paramref name="compositor"/> when given (another version of wl_compositor).
    /// </summary>
    public TestWindow CreateWindow(string title, bool autoAck = true, WlCompositor? compositor = null)
    {
        WlSurface surface = Own((compositor ?? Compositor).CreateSurface());
        XdgSurface xdgSurface = Own(WmBase.GetXdgSurface(surface));
        XdgToplevel toplevel = Own(xdgSurface.GetToplevel());
        toplevel.SetTitle(title);
        return new TestWindow(surface, xdgSurface, toplevel, autoAck);
    }

    /// <summary>A mapped toplevel showing <paramref name="buffer"/>: initial commit, configure, ack, attach, commit.</summary>
    public TestWindow MapWindow(string title, ShmBuffer buffer, WlCompositor? compositor = null)
    {
        TestWindow window = CreateWindow(title, compositor: compositor);
        window.Surface.Commit();
        DispatchUntil(() => window.Configures > 0, $"the initial configure of \"{title}\"");
        window.Show(buffer);
        Roundtrip();
        return window;
    }

    /// <summary>A buffer of <paramref name="width"/> × <paramref name="height"/> filled with <paramref name="argb"/> (premultiplied), in a pool of its own.</summary>
    public ShmBuffer SolidBuffer(int width, int height, uint argb)
    {
        ShmPool pool = Own(ShmPool.Create(Shm, width * height * 4));
        ShmBuffer buffer = Own(pool.CreateBuffer(0, width, height, width * 4));
        buffer.Pixels.Fill(argb);
        return buffer;
    }

    /// <summary>
    /// A sub-surface of <paramref name="parent"/> at (<paramref name="x"/>, <paramref name="y"/>) (synchronized, as
    /// created) with <paramref name="buffer"/> attached and committed: it shows once the parent's state is applied.
    /// </summary>
    public (WlSurface Surface, WlSubsurface Subsurface) AddSubsurface(WlSubcompositor subcompositor, WlSurface parent, ShmBuffer buffer, int x, int y)
    {
        WlSurface surface = Own(Compositor.CreateSurface());
        WlSubsurface subsurface = Own(subcompositor.GetSubsurface(surface, parent));
        subsurface.SetPosition(x, y);
        surface.Attach(buffer.Buffer, 0, 0);
        surface.DamageBuffer(0, 0, buffer.Width, buffer.Height);
        surface.Commit();
        return (surface, subsurface);
    }

    /// <summary>Dispatches until <paramref name="condition"/> holds; fails after <paramref name="timeout"/> (default 20 s).</summary>
    public void DispatchUntil(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Poll.DefaultTimeout;
        DateTime deadline = DateTime.UtcNow + limit;
        Display.Flush();
        while (!condition())
        {
            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                Assert.Fail($"timed out after {limit.TotalSeconds} s waiting for {what}");
            }

            Display.Dispatch(left < Poll.Interval ? left : Poll.Interval * 5);
        }
    }

    /// <summary>Dispatches until the compositor disconnects this client with a protocol error, and returns it.</summary>
    public WaylandProtocolException ExpectProtocolError(TimeSpan? timeout = null)
    {
        TimeSpan limit = timeout ?? Poll.DefaultTimeout;
        DateTime deadline = DateTime.UtcNow + limit;
        try
        {
            Display.Flush();
            while (DateTime.UtcNow < deadline)
            {
                Display.Dispatch(Poll.Interval * 5);
            }
        }
        catch (WaylandProtocolException error)
        {
            return error;
        }

        Assert.Fail($"no protocol error within {limit.TotalSeconds} s");
        return null!;
    }

    /// <summary>Sends a roundtrip (wl_display.sync) and waits for it, dispatching everything before it.</summary>
    public void Roundtrip() => Display.Roundtrip();

    public void Dispose()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        WmBase.Dispose();
        Shm.Dispose();
        Compositor.Dispose();
        Globals.Dispose();
        Display.Dispose();
    }
}

/// <summary>A toplevel of a <see cref="ManagedClient"/> and what the compositor told it.</summary>
internal sealed class TestWindow
{
    public TestWindow(WlSurface surface, XdgSurface xdgSurface, XdgToplevel toplevel, bool autoAck)
    {
        Surface = surface;
        XdgSurface = xdgSurface;
        Toplevel = toplevel;
        toplevel.Configure += (_, width, height, _) => SuggestedSize = (width, height);
        xdgSurface.Configure += (sender, serial) =>
        {
            LastSerial = serial;
            Configures++;
            if (autoAck)
            {
                sender.AckConfigure(serial);
            }
        };
    }

    public WlSurface Surface { get; }

    public XdgSurface XdgSurface { get; }

    public XdgToplevel Toplevel { get; }

    /// <summary>Serial of the latest xdg_surface.configure.</summary>
    public uint? LastSerial { get; private set; }

    /// <summary>How many xdg_surface.configure events arrived.</summary>
    public int Configures { get; private set; }

    public (int Width, int Height) SuggestedSize { get; private set; }

    /// <summary>Attaches <paramref name="buffer"/> (whole-buffer damage) and commits.</summary>
    public void Show(ShmBuffer buffer)
    {
        Surface.Attach(buffer.Buffer, 0, 0);
        Surface.DamageBuffer(0, 0, buffer.Width, buffer.Height);
        Surface.Commit();
    }
}
