using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Shell;

/// <summary>An xdg_popup: placed by its positioner relative to the parent's window geometry, drawn above all windows.</summary>
internal sealed class Popup : XdgPopup.IHandler
{
    /// <summary>
    /// How deep popups may nest (a popup of a window is at depth 1). Menus in real toolkits nest a handful deep; the
    /// bound keeps every walk along a chain of parents short, whatever a client sends. get_popup deeper than this is
    /// refused with xdg_wm_base.invalid_popup_parent.
    /// </summary>
    public const int MaxDepth = 64;

    private readonly Scene _scene;
    // The popups each client process has mapped: each is walked on every repaint and pointer motion, for every client, so
    // one process maps a bounded number, over all its connections. A popup created and not mapped costs only memory,
    // which the object limit bounds.
    private readonly ProcessQuota _mapped;

    /// <summary>The popup asked for a grab with a serial that allowed none: it was dismissed and is never shown.</summary>
    private bool _grabRefused;
    private Positioner _positioner;

    public Popup(Scene scene, ProcessQuota mapped, XdgSurfaceRole xdgSurface, XdgSurfaceRole parent, XdgPopup resource, Positioner positioner)
    {
        _scene = scene;
        _mapped = mapped;
        XdgSurface = xdgSurface;
        Parent = parent;
        Resource = resource;
        _positioner = positioner;
        Depth = parent.Popup is { } below ? below.Depth + 1 : 1;
        Placement = Place();
    }

    /// <summary>How many popups deep this one is: 1 for a popup of a window (at most <see cref="MaxDepth"/>).</summary>
    public int Depth { get; }

    public XdgSurfaceRole XdgSurface { get; }

    public XdgSurfaceRole Parent { get; }

    public XdgPopup Resource { get; }

    /// <summary>The popup's window geometry relative to the parent's window geometry.</summary>
    public Rect Placement { get; private set; }

    public bool IsMapped { get; private set; }

    public bool HasGrab { get; private set; }

    /// <summary>Where content offsets moved the popup from its placement.</summary>
    public (int X, int Y) Offset { get; private set; }

    /// <summary>Output position of the wl_surface's origin.</summary>
    public (int X, int Y) SurfaceOrigin => Scene.SurfaceOriginOf(XdgSurface);

    /// <summary>Sends xdg_popup.configure and xdg_surface.configure; nothing before the initial commit.</summary>
    public void SendConfigure()
    {
        if (Resource.IsDestroyed || !XdgSurface.HasInitialCommit)
        {
            return;
        }

        Resource.SendConfigure(Placement.X, Placement.Y, Placement.Width, Placement.Height);
        XdgSurface.SendConfigure();
    }

    public void Committed()
    {
        if (_grabRefused)
        {
            return;
        }

        bool hasContent = XdgSurface.Surface.HasContent;
        if (hasContent && !IsMapped && (!Scene.IsShown(this) || !_mapped.TryTake(Resource.Client)))
        {
            // The parent must be mapped before the popup (xdg_popup); a popup whose parent is not shown is dismissed,
            // as is one the client maps while its process has as many shown as it may (HeadlessCompositorOptions.MaxPopupsPerClient).
            Dismiss(sendDone: true);
        }
        else if (hasContent && !IsMapped)
        {
            IsMapped = true;
            _scene.MapPopup(this);
        }
        else if (!hasContent && IsMapped)
        {
            // Unmapped by a commit without a buffer: mapping again starts over with an initial commit (xdg_surface).
            XdgSurface.ResetToUnconfigured();
            HasGrab = false;
            Offset = default;
            Unmap();
        }
    }

    /// <summary>A content offset moves a mapped popup from where its positioner put it, until it is placed again.</summary>
    public void ApplyOffset(int dx, int dy)
    {
        if (IsMapped)
        {
            Offset = (Rect.Saturate((long)Offset.X + dx), Rect.Saturate((long)Offset.Y + dy));
        }
    }

    /// <summary>Whether <paramref name="role"/> is this popup's parent, or its parent's parent, and so on.</summary>
    public bool IsAbove(XdgSurfaceRole role)
    {
        // A chain of at most MaxDepth popups, each made after its parent: it ends at a window.
        for (XdgSurfaceRole? parent = Parent; parent is not null; parent = parent.Popup?.Parent)
        {
            if (parent == role)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Unmaps the popup; with <paramref name="sendDone"/> tells the client with xdg_popup.popup_done.</summary>
    public void Dismiss(bool sendDone)
    {
        if (sendDone && !Resource.IsDestroyed)
        {
            Resource.SendPopupDone();
        }

        HasGrab = false;
        if (IsMapped)
        {
            Unmap();
        }
    }

    private void Unmap()
    {
        IsMapped = false;
        _mapped.Release(Resource.Client);
        _scene.UnmapPopup(this);
    }

    void XdgPopup.IHandler.Grab(XdgPopup resource, WlSeat seat, uint serial)
    {
        if (IsMapped)
        {
            resource.PostError((uint)XdgPopupError.InvalidGrab, $"xdg_popup#{resource.Id}: grab after the popup was mapped");
            return;
        }

        if (!_scene.IsGrabSerial(resource.Client, serial))
        {
            // As weston: a grab that quotes no press of the user's on this client is not taken, and the popup is
            // dismissed at once; it is never shown, so it cannot take the keyboard from the client in use.
            _grabRefused = true;
            Dismiss(sendDone: true);
            return;
        }

        HasGrab = true;
    }

    void XdgPopup.IHandler.Reposition(XdgPopup resource, XdgPositioner positioner, uint token)
    {
        _positioner = Positioner.Of(positioner).Snapshot();
        XdgSurface.Surface.DamageTree();
        Offset = default;
        Placement = Place();
        XdgSurface.Surface.DamageTree();
        resource.SendRepositioned(token);
        SendConfigure();
    }

    /// <summary>Places the popup inside the output (flip/slide rules of the positioner), relative to the parent.</summary>
    private Rect Place()
    {
        (int parentX, int parentY) = Scene.SurfaceOriginOf(Parent);
        Rect parentGeometry = Parent.WindowGeometry;
        int originX = Rect.Saturate((long)parentX + parentGeometry.X);
        int originY = Rect.Saturate((long)parentY + parentGeometry.Y);
        Rect output = new(Rect.Saturate(-(long)originX), Rect.Saturate(-(long)originY), _scene.Output.LogicalWidth, _scene.Output.LogicalHeight);
        return _positioner.Place(output);
    }
}
