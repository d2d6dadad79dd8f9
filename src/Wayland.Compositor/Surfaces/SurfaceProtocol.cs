using Wayland.Compositor.Rendering;
using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Surfaces;

/// <summary>
/// The wl_compositor and wl_subcompositor globals: they make surfaces, regions and sub-surfaces, each the handler of its
/// own resource, and hold what the surfaces share (the scene, content memory, the commit count, the sub-surfaces each
/// client process holds).
/// </summary>
internal sealed class SurfaceProtocol : WlCompositor.IHandler, WlSubcompositor.IHandler
{
    private long _commits;

    public SurfaceProtocol(Display display, Scene scene, int maxSubsurfacesPerClient, long maxContentBytesPerClient)
    {
        Scene = scene;
        Subsurfaces = new ProcessQuota(maxSubsurfacesPerClient, "sub-surfaces");
        Memory = new ContentMemory(maxContentBytesPerClient);
        display.CreateGlobal<WlCompositor>(WlCompositorInterface.Version, compositor => compositor.Handler = this);
        display.CreateGlobal<WlSubcompositor>(WlSubcompositorInterface.Version, subcompositor => subcompositor.Handler = this);
    }

    public Scene Scene { get; }

    public ContentMemory Memory { get; }

    /// <summary>The wl_subsurfaces the clients of each process hold, against <see cref="HeadlessCompositorOptions.MaxSubsurfacesPerClient"/>.</summary>
    public ProcessQuota Subsurfaces { get; }

    /// <summary>wl_surface.commit requests handled so far (any thread).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    public void CountCommit() => Interlocked.Increment(ref _commits);

    // wl_compositor

    void WlCompositor.IHandler.CreateSurface(WlCompositor resource, WlSurface id)
    {
        Surface surface = new(this, id);
        id.Handler = surface;
        id.Destroyed += _ =>
        {
            Scene.OnSurfaceDestroyed(surface);
            Memory.Replaced(id.Client, surface.Content, null);
            surface.FreeContent();
            Memory.Release(id.Client, surface.RegionBytes + surface.DrawnBytes);
        };
    }

    void WlCompositor.IHandler.CreateRegion(WlCompositor resource, WlRegion id)
    {
        Region region = new(Memory, id);
        id.Handler = region;
        id.Destroyed += _ => region.Release();
    }

    // wl_subcompositor

    void WlSubcompositor.IHandler.GetSubsurface(WlSubcompositor resource, WlSubsurface id, WlSurface surfaceResource, WlSurface parentResource)
    {
        Surface surface = Surface.Of(surfaceResource);
        Surface parent = Surface.Of(parentResource);
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

        // Every sub-surface of a shown tree is walked on each repaint and pointer motion, for every client: one client
        // process holds a bounded number, over all its connections.
        if (!Subsurfaces.Admit(id))
        {
            return;
        }

        Subsurface subsurface = new(this, surface, parent, id);
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
