using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Surfaces;

/// <summary>wl_compositor, wl_surface, wl_region and wl_subcompositor requests.</summary>
internal sealed class SurfaceProtocol :
    WlCompositor.IHandler, WlSurface.IHandler, WlRegion.IHandler, WlSubcompositor.IHandler
{
    private readonly HeadlessCompositor _compositor;

    public SurfaceProtocol(HeadlessCompositor compositor) => _compositor = compositor;

    // wl_compositor

    void WlCompositor.IHandler.CreateSurface(WlCompositor resource, WlSurface id)
    {
        Surface surface = new(_compositor, id);
        id.Handler = this;
        id.UserData = surface;
        id.Destroyed += _ => _compositor.OnSurfaceDestroyed(surface);
    }

    void WlCompositor.IHandler.CreateRegion(WlCompositor resource, WlRegion id)
    {
        id.Handler = this;
        id.UserData = new Region();
    }

    // wl_region

    void WlRegion.IHandler.Add(WlRegion resource, int x, int y, int width, int height) =>
        ((Region)resource.UserData!).Add(new Rect(x, y, width, height));

    void WlRegion.IHandler.Subtract(WlRegion resource, int x, int y, int width, int height) =>
        ((Region)resource.UserData!).Subtract(new Rect(x, y, width, height));

    // wl_surface

    void WlSurface.IHandler.Attach(WlSurface resource, WlBuffer? buffer, int x, int y)
    {
        if ((x != 0 || y != 0) && resource.Version >= WlSurfaceInterface.Requests.OffsetSince)
        {
            resource.PostError((uint)WlSurfaceError.InvalidOffset,
                $"wl_surface#{resource.Id}: attach with a non-zero offset; use wl_surface.offset from version 5");
            return;
        }

        SurfaceState pending = Of(resource).Pending;
        pending.BufferAttached = true;
        pending.Buffer = buffer;
        if (resource.Version < WlSurfaceInterface.Requests.OffsetSince)
        {
            // Before version 5 attach carries the offset; from 5 on it is wl_surface.offset's alone.
            (pending.Dx, pending.Dy) = (x, y);
        }
    }

    void WlSurface.IHandler.Offset(WlSurface resource, int x, int y)
    {
        SurfaceState pending = Of(resource).Pending;
        pending.Dx = x;
        pending.Dy = y;
    }

    void WlSurface.IHandler.Damage(WlSurface resource, int x, int y, int width, int height) => Of(resource).Pending.Damaged = true;

    void WlSurface.IHandler.DamageBuffer(WlSurface resource, int x, int y, int width, int height) => Of(resource).Pending.Damaged = true;

    void WlSurface.IHandler.Frame(WlSurface resource, WlCallback callback) => Of(resource).Pending.FrameCallbacks.Add(callback);

    void WlSurface.IHandler.SetOpaqueRegion(WlSurface resource, WlRegion? region)
    {
        // Only an optimisation hint; every pixel is blended by its alpha anyway.
    }

    void WlSurface.IHandler.SetInputRegion(WlSurface resource, WlRegion? region)
    {
        SurfaceState pending = Of(resource).Pending;
        pending.InputRegionSet = true;
        pending.InputRegion = (region?.UserData as Region)?.Clone();
    }

    void WlSurface.IHandler.SetBufferScale(WlSurface resource, int scale)
    {
        if (scale < 1)
        {
            resource.PostError((uint)WlSurfaceError.InvalidScale, $"wl_surface#{resource.Id}: buffer scale {scale} is not positive");
            return;
        }

        SurfaceState pending = Of(resource).Pending;
        pending.ScaleSet = true;
        pending.Scale = scale;
    }

    void WlSurface.IHandler.SetBufferTransform(WlSurface resource, WlOutputTransform transform)
    {
        if ((uint)transform > (uint)WlOutputTransform.Flipped270)
        {
            resource.PostError((uint)WlSurfaceError.InvalidTransform,
                $"wl_surface#{resource.Id}: buffer transform {(uint)transform} is not a wl_output.transform");
            return;
        }

        SurfaceState pending = Of(resource).Pending;
        pending.TransformSet = true;
        pending.Transform = transform;
    }

    void WlSurface.IHandler.Commit(WlSurface resource)
    {
        _compositor.CountCommit();
        Of(resource).Commit();
    }

    // wl_subcompositor

    void WlSubcompositor.IHandler.GetSubsurface(WlSubcompositor resource, WlSubsurface id, WlSurface surfaceResource, WlSurface parentResource)
    {
        Surface surface = Of(surfaceResource);
        Surface parent = Of(parentResource);
        if (surface.Role is not null)
        {
            resource.PostError((uint)WlSubcompositorError.BadSurface,
                $"wl_subcompositor#{resource.Id}: wl_surface#{surfaceResource.Id} already has the role {surface.Role.RoleName}");
            return;
        }

        if (surface == parent || IsAncestor(surface, parent))
        {
            resource.PostError((uint)WlSubcompositorError.BadSurface,
                $"wl_subcompositor#{resource.Id}: wl_surface#{parentResource.Id} cannot be the parent of its own ancestor");
            return;
        }

        Subsurface subsurface = new(surface, parent, id);
        surface.Role = subsurface;
        id.Handler = subsurface;
        id.Destroyed += _ =>
        {
            subsurface.Detach();
            if (surface.Role == subsurface)
            {
                surface.Role = null;
            }
        };
    }

    internal static Surface Of(WlSurface resource) => (Surface)resource.UserData!;

    private static bool IsAncestor(Surface candidate, Surface of)
    {
        for (Surface? current = of; current?.AsSubsurface is { } sub; current = sub.Parent)
        {
            if (sub.Parent == candidate)
            {
                return true;
            }
        }

        return false;
    }
}
