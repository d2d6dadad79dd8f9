using Wayland.Compositor.Surfaces;
using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Shell;

/// <summary>
/// An xdg_surface and the role of its wl_surface: the configure/ack_configure handshake, window geometry, and the
/// toplevel or popup made from it.
/// </summary>
internal sealed class XdgSurfaceRole : ISurfaceRole, XdgSurface.IHandler
{
    private readonly Scene _scene;
    private readonly ConfigureSerials _unackedSerials = new();
    private Rect? _pendingGeometry;

    public XdgSurfaceRole(Scene scene, ShellClient shell, Surface surface, XdgSurface resource)
    {
        _scene = scene;
        Shell = shell;
        Surface = surface;
        Resource = resource;
    }

    public string RoleName => Toplevel is not null ? "xdg_toplevel" : Popup is not null ? "xdg_popup" : "xdg_surface";

    public Surface Surface { get; }

    /// <summary>The xdg_wm_base this xdg_surface was made from (its pings speak for the client).</summary>
    public ShellClient Shell { get; }

    public XdgSurface Resource { get; }

    public Toplevel? Toplevel { get; private set; }

    public Popup? Popup { get; private set; }

    /// <summary>Whether the initial commit (without a buffer) was made, so configure events may be sent.</summary>
    public bool HasInitialCommit { get; private set; }

    /// <summary>Whether the client acknowledged at least one configure (it may attach buffers from then on).</summary>
    public bool IsConfigured { get; private set; }

    /// <summary>Configures sent and not acknowledged yet that are kept (at most <see cref="ConfigureSerials.MaxKept"/>).</summary>
    public int UnacknowledgedConfigures => _unackedSerials.Count;

    /// <summary>The committed window geometry, or null for "the whole surface".</summary>
    public Rect? Geometry { get; private set; }

    /// <summary>Window geometry in surface-local coordinates (the surface's extent when none was set).</summary>
    public Rect WindowGeometry => Geometry ?? new Rect(0, 0, Surface.Width, Surface.Height);

    /// <summary>
    /// After the surface was unmapped by a commit without a buffer: back to the state before the initial commit, as
    /// xdg_surface says — the client must commit without a buffer again and acknowledge the configure that answers it
    /// before it attaches a buffer. Configures sent before the unmap can no longer be acknowledged.
    /// </summary>
    public void ResetToUnconfigured()
    {
        HasInitialCommit = false;
        IsConfigured = false;
        _unackedSerials.Clear();
        Geometry = null;
        _pendingGeometry = null;
    }

    /// <summary>Sends xdg_surface.configure with a new serial (after the role's own configure event).</summary>
    public void SendConfigure()
    {
        if (Resource.IsDestroyed)
        {
            return;
        }

        uint serial = Shell.NextSerial();
        _unackedSerials.Add(serial);
        Resource.SendConfigure(serial);
    }

    /// <summary>Posts an xdg_wm_base error about this xdg_surface (on the wm_base it was made from, while that lives).</summary>
    private void PostWmBaseError(XdgWmBaseError error, string message)
    {
        if (!Shell.Resource.IsDestroyed)
        {
            Shell.Resource.PostError((uint)error, message);
        }
        else
        {
            Resource.PostError((uint)error, message);
        }
    }

    bool ISurfaceRole.BeforeCommit(Surface surface, SurfaceState pending)
    {
        if (Toplevel is null && Popup is null)
        {
            Resource.PostError((uint)XdgSurfaceError.NotConstructed,
                $"xdg_surface#{Resource.Id}: committed before get_toplevel or get_popup");
            return false;
        }

        if (pending.BufferAttached && pending.Buffer is not null && !IsConfigured)
        {
            Resource.PostError((uint)XdgSurfaceError.UnconfiguredBuffer,
                $"xdg_surface#{Resource.Id}: buffer attached before the first configure was acknowledged");
            return false;
        }

        return true;
    }

    void ISurfaceRole.AfterCommit(Surface surface)
    {
        if (_pendingGeometry is { } geometry)
        {
            Geometry = geometry;
            _pendingGeometry = null;
        }

        if (!HasInitialCommit)
        {
            HasInitialCommit = true;
            Toplevel?.SendInitialConfigure();
            Popup?.SendConfigure();
            return;
        }

        Toplevel?.Committed();
        Popup?.Committed();
    }

    void ISurfaceRole.ApplyOffset(Surface surface, int dx, int dy)
    {
        Toplevel?.ApplyOffset(dx, dy);
        Popup?.ApplyOffset(dx, dy);
    }

    void ISurfaceRole.SurfaceDestroyed(Surface surface)
    {
        Toplevel?.Unmap();
        Popup?.Dismiss(sendDone: false);
    }

    void XdgSurface.IHandler.GetToplevel(XdgSurface resource, XdgToplevel id)
    {
        if (IsDefunct(resource) || !CanConstruct(resource))
        {
            return;
        }

        Toplevel = new Toplevel(_scene, Shell.Windows, this, id);
        id.Handler = Toplevel;
        id.Destroyed += _ => Toplevel?.Unmap();
    }

    void XdgSurface.IHandler.GetPopup(XdgSurface resource, XdgPopup id, XdgSurface? parent, XdgPositioner positioner)
    {
        if (IsDefunct(resource) || !CanConstruct(resource))
        {
            return;
        }

        Positioner rules = Positioner.Of(positioner).Snapshot();
        if (!rules.IsComplete)
        {
            PostWmBaseError(XdgWmBaseError.InvalidPositioner,
                $"xdg_surface#{resource.Id}: get_popup with an incomplete positioner (size and anchor rect are required)");
            return;
        }

        if (parent?.Handler is not XdgSurfaceRole parentRole)
        {
            PostWmBaseError(XdgWmBaseError.InvalidPopupParent,
                $"xdg_surface#{resource.Id}: popups need an xdg_surface parent here");
            return;
        }

        // The parent must already be a toplevel or a popup: so a popup is always younger than its parent, and no
        // chain of parents can loop back (this xdg_surface as its own parent, or as its parent's parent, ...).
        if (parentRole.Toplevel is null && parentRole.Popup is null)
        {
            PostWmBaseError(XdgWmBaseError.InvalidPopupParent,
                $"xdg_surface#{resource.Id}: the parent xdg_surface#{parent.Id} is neither a toplevel nor a popup");
            return;
        }

        if (parentRole.Surface.IsDestroyed)
        {
            PostWmBaseError(XdgWmBaseError.InvalidPopupParent,
                $"xdg_surface#{resource.Id}: the wl_surface of the parent xdg_surface#{parent.Id} was destroyed");
            return;
        }

        if (parentRole.Popup is { Depth: >= Popup.MaxDepth })
        {
            PostWmBaseError(XdgWmBaseError.InvalidPopupParent,
                $"xdg_surface#{resource.Id}: popups nest at most {Popup.MaxDepth} deep");
            return;
        }

        Popup = new Popup(_scene, Shell.Popups, this, parentRole, id, rules);
        id.Handler = Popup;
        id.Destroyed += _ => Popup?.Dismiss(sendDone: false);
    }

    void XdgSurface.IHandler.SetWindowGeometry(XdgSurface resource, int x, int y, int width, int height)
    {
        if (IsDefunct(resource))
        {
            return;
        }

        if (width <= 0 || height <= 0)
        {
            resource.PostError((uint)XdgSurfaceError.InvalidSize, $"xdg_surface#{resource.Id}: window geometry {width}x{height} is not positive");
            return;
        }

        _pendingGeometry = new Rect(x, y, width, height);
    }

    void XdgSurface.IHandler.AckConfigure(XdgSurface resource, uint serial)
    {
        if (IsDefunct(resource))
        {
            return;
        }

        // Acknowledging a configure also acknowledges every earlier one.
        if (!_unackedSerials.Acknowledge(serial))
        {
            resource.PostError((uint)XdgSurfaceError.InvalidSerial, $"xdg_surface#{resource.Id}: ack_configure of serial {serial}, which was never sent");
            return;
        }

        IsConfigured = true;
    }

    void XdgSurface.IHandler.Destroy(XdgSurface resource)
    {
        if ((Toplevel is { Resource.IsDestroyed: false }) || (Popup is { Resource.IsDestroyed: false }))
        {
            resource.PostError((uint)XdgSurfaceError.DefunctRoleObject, $"xdg_surface#{resource.Id}: destroyed before its {RoleName}");
            return;
        }

        Surface.Role = null;
    }

    /// <summary>
    /// Whether the wl_surface went away before this xdg_surface (it is then good only for destroy): any other request
    /// is defunct_role_object, "surface was destroyed before its role object".
    /// </summary>
    private bool IsDefunct(XdgSurface resource)
    {
        if (!Surface.IsDestroyed)
        {
            return false;
        }

        resource.PostError((uint)XdgSurfaceError.DefunctRoleObject, $"xdg_surface#{resource.Id}: its wl_surface was destroyed; only destroy is allowed");
        return true;
    }

    private bool CanConstruct(XdgSurface resource)
    {
        if (Toplevel is not null || Popup is not null)
        {
            resource.PostError((uint)XdgSurfaceError.AlreadyConstructed, $"xdg_surface#{resource.Id}: already has the role {RoleName}");
            return false;
        }

        return true;
    }
}
