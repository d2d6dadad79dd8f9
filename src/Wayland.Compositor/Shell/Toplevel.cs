using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Shell;

/// <summary>An xdg_toplevel: a window. Placed, stacked and focused by the compositor.</summary>
internal sealed class Toplevel : XdgToplevel.IHandler
{
    private readonly Scene _scene;

    // The windows each client process has mapped: each is walked on every map, repaint and pointer motion, for every
    // client, so one process maps a bounded number, over all its connections.
    private readonly ProcessQuota _mapped;

    /// <summary>The toplevels whose <see cref="Parent"/> this one is.</summary>
    /// <summary>Most ancestors a new parent may have: a policy of this compositor, far beyond what dialogs need.</summary>
    internal const int MaxParentChain = 1000;

    private readonly HashSet<Toplevel> _children = []; // a set: a client destroying thousands of children one by one costs O(1) each

    public Toplevel(Scene scene, ProcessQuota mapped, XdgSurfaceRole xdgSurface, XdgToplevel resource)
    {
        _scene = scene;
        _mapped = mapped;
        XdgSurface = xdgSurface;
        Resource = resource;
        Id = scene.NextWindowId();
    }

    public int Id { get; }

    public XdgSurfaceRole XdgSurface { get; }

    public XdgToplevel Resource { get; }

    public string? Title { get; private set; }

    public string? AppId { get; private set; }

    /// <summary>Output position of the window geometry's top-left corner.</summary>
    public int X { get; set; }

    public int Y { get; set; }

    public bool IsMapped { get; private set; }

    public bool IsActivated { get; private set; }

    public bool IsMaximized { get; private set; }

    public bool IsFullscreen { get; private set; }

    /// <summary>Size the compositor asks for in configure (0 = client's choice).</summary>
    public (int Width, int Height) RequestedSize { get; set; }

    public (int Width, int Height) MinSize { get; private set; }

    public (int Width, int Height) MaxSize { get; private set; }

    /// <summary>
    /// The parent set with xdg_toplevel.set_parent: always a mapped toplevel, and never this one or one of its
    /// descendants (refused with invalid_parent), so following parents always ends.
    /// </summary>
    public Toplevel? Parent { get; private set; }

    /// <summary>Output position of the wl_surface's origin.</summary>
    public (int X, int Y) SurfaceOrigin
    {
        get
        {
            Rect geometry = XdgSurface.WindowGeometry;
            return (Rect.Saturate((long)X - geometry.X), Rect.Saturate((long)Y - geometry.Y));
        }
    }

    public Rect Bounds
    {
        get
        {
            Rect geometry = XdgSurface.WindowGeometry;
            return new Rect(X, Y, geometry.Width, geometry.Height);
        }
    }

    public void SendInitialConfigure()
    {
        if (Resource.Version >= XdgToplevelInterface.Events.ConfigureBoundsSince)
        {
            Resource.SendConfigureBounds(_scene.Output.LogicalWidth, _scene.Output.LogicalHeight);
        }

        if (Resource.Version >= XdgToplevelInterface.Events.WmCapabilitiesSince)
        {
            Span<byte> capabilities = stackalloc byte[8];
            BitConverter.TryWriteBytes(capabilities, (uint)XdgToplevelWmCapabilities.Maximize);
            BitConverter.TryWriteBytes(capabilities[4..], (uint)XdgToplevelWmCapabilities.Fullscreen);
            Resource.SendWmCapabilities(capabilities);
        }

        SendConfigure();
    }

    /// <summary>
    /// Sends xdg_toplevel.configure with the current size request and states, then xdg_surface.configure; nothing
    /// before the initial commit (that commit's answer carries the state).
    /// </summary>
    public void SendConfigure()
    {
        if (Resource.IsDestroyed || !XdgSurface.HasInitialCommit)
        {
            return;
        }

        Span<byte> states = stackalloc byte[12];
        int count = 0;
        if (IsMaximized)
        {
            BitConverter.TryWriteBytes(states[(count++ * 4)..], (uint)XdgToplevelState.Maximized);
        }

        if (IsFullscreen)
        {
            BitConverter.TryWriteBytes(states[(count++ * 4)..], (uint)XdgToplevelState.Fullscreen);
        }

        if (IsActivated)
        {
            BitConverter.TryWriteBytes(states[(count++ * 4)..], (uint)XdgToplevelState.Activated);
        }

        (int width, int height) = IsMaximized || IsFullscreen ? (_scene.Output.LogicalWidth, _scene.Output.LogicalHeight) : RequestedSize;
        Resource.SendConfigure(width, height, states[..(count * 4)]);
        XdgSurface.SendConfigure();
    }

    public void SetActivated(bool activated)
    {
        if (IsActivated != activated)
        {
            IsActivated = activated;
            SendConfigure();
        }
    }

    /// <summary>
    /// After a commit: maps the window once it has content, unmaps it when the buffer is removed. A commit that would
    /// map one window more than its client's process may have mapped (HeadlessCompositorOptions.MaxWindowsPerClient)
    /// gets <c>no_memory</c> instead, and the window is not mapped.
    /// </summary>
    public void Committed()
    {
        bool hasContent = XdgSurface.Surface.HasContent;
        if (hasContent && !IsMapped)
        {
            if (!_mapped.TryTake(Resource.Client))
            {
                _mapped.Refuse(Resource);
                return;
            }

            IsMapped = true;
            _scene.MapToplevel(this);
        }
        else if (!hasContent && IsMapped)
        {
            // Unmapped by a commit without a buffer: everything goes back to how it was right after get_toplevel
            // (xdg_toplevel), before the scene lets go of the window, so that losing focus sends it no configure.
            XdgSurface.ResetToUnconfigured();
            (Title, AppId) = (null, null);
            (IsActivated, IsMaximized, IsFullscreen) = (false, false, false);
            (MinSize, MaxSize, RequestedSize) = (default, default, default);
            Unmap();
        }
    }

    /// <summary>A content offset moves a mapped window by that much (as weston does), unless the output's size holds it in place.</summary>
    public void ApplyOffset(int dx, int dy)
    {
        if (IsMapped && !IsMaximized && !IsFullscreen)
        {
            (X, Y) = (Rect.Saturate((long)X + dx), Rect.Saturate((long)Y + dy));
        }
    }

    /// <summary>Unmaps the window (a commit without a buffer, or its surface or role object went away).</summary>
    public void Unmap()
    {
        // Children of an unmapped toplevel get its parent (xdg_toplevel.set_parent); remapped, it has none. Its own
        // parent link goes too: an unmapped window that is mapped again or destroyed starts without one.
        foreach (Toplevel child in _children)
        {
            child.Parent = Parent;
            Parent?._children.Add(child);
        }

        _children.Clear();
        SetParent(null);
        if (IsMapped)
        {
            IsMapped = false;
            _mapped.Release(Resource.Client);
            _scene.UnmapToplevel(this);
        }
    }

    void XdgToplevel.IHandler.SetTitle(XdgToplevel resource, string title) => Title = title;

    void XdgToplevel.IHandler.SetAppId(XdgToplevel resource, string appId) => AppId = appId;

    void XdgToplevel.IHandler.SetMinSize(XdgToplevel resource, int width, int height)
    {
        if (width < 0 || height < 0)
        {
            resource.PostError((uint)XdgToplevelError.InvalidSize, $"xdg_toplevel#{resource.Id}: negative minimum size {width}x{height}");
            return;
        }

        MinSize = (width, height);
    }

    void XdgToplevel.IHandler.SetMaxSize(XdgToplevel resource, int width, int height)
    {
        if (width < 0 || height < 0)
        {
            resource.PostError((uint)XdgToplevelError.InvalidSize, $"xdg_toplevel#{resource.Id}: negative maximum size {width}x{height}");
            return;
        }

        MaxSize = (width, height);
    }

    void XdgToplevel.IHandler.SetMaximized(XdgToplevel resource) => ChangeState(true, maximize: true);

    void XdgToplevel.IHandler.UnsetMaximized(XdgToplevel resource) => ChangeState(false, maximize: true);

    void XdgToplevel.IHandler.SetFullscreen(XdgToplevel resource, WlOutput? output) => ChangeState(true, maximize: false);

    void XdgToplevel.IHandler.UnsetFullscreen(XdgToplevel resource) => ChangeState(false, maximize: false);

    void XdgToplevel.IHandler.SetParent(XdgToplevel resource, XdgToplevel? parentResource)
    {
        Toplevel? parent = parentResource?.Handler as Toplevel;
        if (parent == this)
        {
            resource.PostError((uint)XdgToplevelError.InvalidParent, $"xdg_toplevel#{resource.Id}: a toplevel cannot be its own parent");
            return;
        }

        // Parents always end (see Parent): a loop, not a recursion, and it meets this one only if it would close a cycle.
        // The walk is bounded too, so that a client cannot make each request cost as much as the chain it built.
        int steps = 0;
        for (Toplevel? ancestor = parent?.Parent; ancestor is not null; ancestor = ancestor.Parent)
        {
            if (++steps > MaxParentChain)
            {
                resource.PostError((uint)XdgToplevelError.InvalidParent,
                    $"xdg_toplevel#{resource.Id}: xdg_toplevel#{parentResource!.Id} has more than {MaxParentChain} ancestors");
                return;
            }

            if (ancestor == this)
            {
                resource.PostError((uint)XdgToplevelError.InvalidParent,
                    $"xdg_toplevel#{resource.Id}: xdg_toplevel#{parentResource!.Id} is its descendant and cannot be its parent");
                return;
            }
        }

        // A parent that is not mapped is the same as none.
        SetParent(parent is { IsMapped: true } ? parent : null);
    }

    void XdgToplevel.IHandler.Resize(XdgToplevel resource, WlSeat seat, uint serial, XdgToplevelResizeEdge edges)
    {
        if ((uint)edges > (uint)XdgToplevelResizeEdge.BottomRight || edges is (XdgToplevelResizeEdge)3 or (XdgToplevelResizeEdge)7)
        {
            resource.PostError((uint)XdgToplevelError.InvalidResizeEdge, $"xdg_toplevel#{resource.Id}: {(uint)edges} is not a resize edge");
        }

        // Interactive resizing needs a pointer grab; a headless compositor ignores it.
    }

    private void SetParent(Toplevel? parent)
    {
        Parent?._children.Remove(this);
        Parent = parent;
        parent?._children.Add(this);
    }

    private void ChangeState(bool value, bool maximize)
    {
        if (maximize)
        {
            IsMaximized = value;
        }
        else
        {
            IsFullscreen = value;
        }

        if (IsMaximized || IsFullscreen)
        {
            (X, Y) = (0, 0);
        }

        // Before the initial commit the state goes out with the initial configure.
        SendConfigure();
    }
}
