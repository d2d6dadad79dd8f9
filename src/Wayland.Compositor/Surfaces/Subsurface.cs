using Wayland.Compositor.Rendering;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Surfaces;

/// <summary>The wl_subsurface role: position relative to the parent, stacking among siblings, sync/desync.</summary>
internal sealed class Subsurface : ISurfaceRole, WlSubsurface.IHandler
{
    private readonly SurfaceProtocol _surfaces;
    private (int X, int Y)? _pendingPosition;

    public Subsurface(SurfaceProtocol surfaces, Surface surface, Surface parent, WlSubsurface resource)
    {
        _surfaces = surfaces;
        Surface = surface;
        Parent = parent;
        Resource = resource;
        parent.PendingStack.Add(surface);
    }

    public string RoleName => "wl_subsurface";

    public Surface Surface { get; }

    /// <summary>Null once the wl_subsurface was destroyed (the surface is then unmapped).</summary>
    public Surface? Parent { get; private set; }

    public WlSubsurface Resource { get; }

    public int X { get; private set; }

    public int Y { get; private set; }

    public bool Synchronized { get; private set; } = true;

    /// <summary>
    /// A sub-surface is synchronized when it is, or when any ancestor sub-surface is. A loop up the parents, not a
    /// recursion: a client decides how deep the tree is (it has no cycles: wl_subcompositor refuses them).
    /// </summary>
    public bool IsEffectivelySynchronized
    {
        get
        {
            for (Subsurface? current = this; current is not null; current = current.Parent?.AsSubsurface)
            {
                if (current.Synchronized)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Applies set_position on the parent's commit; true when the position changed.</summary>
    public bool ApplyPendingPosition()
    {
        if (_pendingPosition is not { } position || position == (X, Y))
        {
            _pendingPosition = null;
            return false;
        }

        (X, Y) = position;
        _pendingPosition = null;
        return true;
    }

    /// <summary>
    /// Ends the sub-surface (wl_subsurface.destroy, or either surface went away): the surface leaves its parent and is
    /// unmapped at once, so where it was drawn is repainted; a cached commit is dropped.
    /// </summary>
    public void Detach()
    {
        if (Parent is not { } parent)
        {
            return;
        }

        DamageWhereDrawn();
        parent.RemoveChild(Surface);
        Parent = null;
        Surface.DiscardCachedState();
    }

    void ISurfaceRole.SurfaceDestroyed(Surface surface) => Detach();

    /// <summary>
    /// Damages where the surface leaving its parent, and the sub-surfaces it takes along, were drawn, while its tree is
    /// shown. The rest of the parent's tree stays as it was, so a detach costs the climb to the root and a walk of the
    /// part that leaves, not of the whole tree (what a client stacking thousands of siblings would otherwise make
    /// every detach cost).
    /// </summary>
    private void DamageWhereDrawn() => _surfaces.Scene.DamageSubtreeDrawn(Surface);

    /// <summary>A content offset moves the sub-surface relative to its parent, as weston does (until the next set_position).</summary>
    void ISurfaceRole.ApplyOffset(Surface surface, int dx, int dy) => (X, Y) = (Rect.Saturate((long)X + dx), Rect.Saturate((long)Y + dy));

    void WlSubsurface.IHandler.Destroy(WlSubsurface resource)
    {
        // Detached while still a sub-surface, so that the tree it leaves is found and repainted.
        Detach();
        Surface.Role = null;
    }

    void WlSubsurface.IHandler.SetPosition(WlSubsurface resource, int x, int y) => _pendingPosition = (x, y);

    void WlSubsurface.IHandler.PlaceAbove(WlSubsurface resource, WlSurface sibling) => Place(resource, sibling, above: true);

    void WlSubsurface.IHandler.PlaceBelow(WlSubsurface resource, WlSurface sibling) => Place(resource, sibling, above: false);

    void WlSubsurface.IHandler.SetSync(WlSubsurface resource) => Synchronized = true;

    void WlSubsurface.IHandler.SetDesync(WlSubsurface resource)
    {
        Synchronized = false;

        // When the parent behaves as desynchronized too, the cache is applied now; otherwise it waits for the
        // parent's state (or for this surface's next commit, which adds to it and applies the whole).
        if (!IsEffectivelySynchronized)
        {
            Surface.ApplyCachedState();
        }
    }

    private void Place(WlSubsurface resource, WlSurface siblingResource, bool above)
    {
        if (Parent is not { } parent)
        {
            return;
        }

        Surface? sibling = siblingResource.Handler as Surface;
        int siblingIndex = sibling is null ? -1 : parent.PendingStack.IndexOf(sibling);
        if (sibling is null || sibling == Surface || siblingIndex < 0)
        {
            resource.PostError((uint)Wayland.Protocols.WlSubsurfaceError.BadSurface,
                $"wl_subsurface#{resource.Id}: the reference surface is not the parent or a sibling");
            return;
        }

        parent.PendingStack.Remove(Surface);
        siblingIndex = parent.PendingStack.IndexOf(sibling);
        parent.PendingStack.Insert(above ? siblingIndex + 1 : siblingIndex, Surface);
    }
}
