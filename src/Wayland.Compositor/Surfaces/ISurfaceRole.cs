namespace Wayland.Compositor.Surfaces;

/// <summary>What a wl_surface is used as (sub-surface, xdg toplevel or popup, cursor); at most one per surface, for life.</summary>
internal interface ISurfaceRole
{
    /// <summary>Role name for error messages.</summary>
    string RoleName { get; }

    /// <summary>Called on wl_surface.commit before the pending state is applied; false rejects the commit (an error was posted).</summary>
    bool BeforeCommit(Surface surface, SurfaceState pending) => true;

    /// <summary>
    /// Called while a commit is applied that carries a content offset (wl_surface.offset, or attach's x and y): the
    /// new content's top-left is (<paramref name="dx"/>, <paramref name="dy"/>) from the old one's, so the role moves
    /// the surface by that much. Roles without a position of their own ignore it.
    /// </summary>
    void ApplyOffset(Surface surface, int dx, int dy)
    {
    }

    /// <summary>Called after a commit was applied to the surface's current state.</summary>
    void AfterCommit(Surface surface)
    {
    }

    /// <summary>Called when the wl_surface goes away.</summary>
    void SurfaceDestroyed(Surface surface)
    {
    }
}
