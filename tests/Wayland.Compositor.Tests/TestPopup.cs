using Wayland.Client;
using Wayland.Client.Protocol;

namespace Wayland.Compositor.Tests;

/// <summary>An xdg_popup of a <see cref="ManagedClient"/>: created and configured (acknowledged), then shown and closed.</summary>
internal sealed class TestPopup
{
    private readonly ManagedClient _client;

    private TestPopup(ManagedClient client, WlSurface surface, XdgSurface xdgSurface, XdgPopup popup)
    {
        _client = client;
        Surface = surface;
        XdgSurface = xdgSurface;
        Popup = popup;
        popup.Configure += (_, x, y, width, height) => Placement = (x, y, width, height);
        xdgSurface.Configure += (sender, serial) =>
        {
            sender.AckConfigure(serial);
            Configured = true;
        };
    }

    public WlSurface Surface { get; }

    public XdgSurface XdgSurface { get; }

    public XdgPopup Popup { get; }

    /// <summary>The latest xdg_popup.configure: the popup's rectangle relative to the parent's window geometry.</summary>
    public (int X, int Y, int Width, int Height)? Placement { get; private set; }

    public bool Configured { get; private set; }

    /// <summary>
    /// Creates a popup of <paramref name="parent"/> placed by the positioner <paramref name="rules"/> set up, grabbing
    /// with (seat, serial) when <paramref name="grab"/> is given, commits it and waits for its configure.
    /// </summary>
    public static TestPopup Open(ManagedClient client, TestWindow parent, Action<XdgPositioner> rules, (WlSeat Seat, uint Serial)? grab = null)
    {
        using XdgPositioner positioner = client.WmBase.CreatePositioner();
        rules(positioner);
        WlSurface surface = client.Own(client.Compositor.CreateSurface());
        XdgSurface xdgSurface = client.Own(client.WmBase.GetXdgSurface(surface));
        TestPopup popup = new(client, surface, xdgSurface, client.Own(xdgSurface.GetPopup(parent.XdgSurface, positioner)));
        if (grab is { } g)
        {
            popup.Popup.Grab(g.Seat, g.Serial);
        }

        surface.Commit();
        client.DispatchUntil(() => popup.Configured, "the popup's configure");
        return popup;
    }

    /// <summary>As <see cref="Open"/>, for a small menu: a 10x10 popup at the corner of a 1x1 anchor rect of <paramref name="parent"/>.</summary>
    public static TestPopup OpenMenu(ManagedClient client, TestWindow parent) => Open(client, parent, rules =>
    {
        rules.SetSize(10, 10);
        rules.SetAnchorRect(0, 0, 1, 1);
    });

    /// <summary>A complete positioner for a small menu: a 10x10 popup at the corner of a 1x1 anchor rect.</summary>
    public static XdgPositioner MenuPositioner(ManagedClient client)
    {
        XdgPositioner positioner = client.WmBase.CreatePositioner();
        positioner.SetSize(10, 10);
        positioner.SetAnchorRect(0, 0, 1, 1);
        return positioner;
    }

    /// <summary>Shows <paramref name="buffer"/> in the popup (maps it) and waits for the compositor to have it.</summary>
    public void Show(ShmBuffer buffer)
    {
        Surface.Attach(buffer.Buffer, 0, 0);
        Surface.DamageBuffer(0, 0, buffer.Width, buffer.Height);
        Surface.Commit();
        _client.Roundtrip();
    }

    /// <summary>Destroys the popup, as a client closing its menu does.</summary>
    public void Close()
    {
        Popup.Dispose();
        XdgSurface.Dispose();
        Surface.Dispose();
        _client.Roundtrip();
    }
}
