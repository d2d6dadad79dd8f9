using Wayland.Compositor.Surfaces;
using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Compositor;

/// <summary>wp_viewporter and wp_viewport: double-buffered source rectangle and destination size of a surface.</summary>
internal sealed class Viewporter : WpViewporter.IHandler
{
    private readonly HashSet<Surface> _withViewport = [];

    void WpViewporter.IHandler.GetViewport(WpViewporter resource, WpViewport id, WlSurface surfaceResource)
    {
        Surface surface = Surface.Of(surfaceResource);
        if (!_withViewport.Add(surface))
        {
            resource.PostError((uint)WpViewporterError.ViewportExists, $"wl_surface#{surfaceResource.Id} already has a wp_viewport");
            return;
        }

        Viewport viewport = new(surface);
        id.Handler = viewport;
        surface.Viewport = id;
        surfaceResource.Destroyed += _ => viewport.Surface = null;
        id.Destroyed += _ =>
        {
            _withViewport.Remove(surface);
            if (surface.Viewport == id)
            {
                surface.Viewport = null;
            }

            if (!surface.IsDestroyed)
            {
                // Destroying the viewport unsets both, from the next commit.
                surface.Pending.SourceSet = true;
                surface.Pending.Source = (-1, -1, -1, -1);
                surface.Pending.DestinationSet = true;
                surface.Pending.Destination = (-1, -1);
            }
        };
    }
}

/// <summary>A wp_viewport: sets the pending source and destination of its surface, while that surface lives.</summary>
internal sealed class Viewport(Surface surface) : WpViewport.IHandler
{
    /// <summary>The surface; null once it was destroyed (requests are then a no_surface error).</summary>
    public Surface? Surface { get; set; } = surface;

    void WpViewport.IHandler.SetSource(WpViewport resource, double x, double y, double width, double height)
    {
        if (Target(resource) is not { } surface)
        {
            return;
        }

        bool unset = x == -1 && y == -1 && width == -1 && height == -1;
        if (!unset && (x < 0 || y < 0 || width <= 0 || height <= 0))
        {
            resource.PostError((uint)WpViewportError.BadValue, $"wp_viewport#{resource.Id}: source {x},{y} {width}x{height} is invalid");
            return;
        }

        surface.Pending.SourceSet = true;
        surface.Pending.Source = (x, y, width, height);
    }

    void WpViewport.IHandler.SetDestination(WpViewport resource, int width, int height)
    {
        if (Target(resource) is not { } surface)
        {
            return;
        }

        bool unset = width == -1 && height == -1;
        if (!unset && (width <= 0 || height <= 0))
        {
            resource.PostError((uint)WpViewportError.BadValue, $"wp_viewport#{resource.Id}: destination {width}x{height} is invalid");
            return;
        }

        surface.Pending.DestinationSet = true;
        surface.Pending.Destination = (width, height);
    }

    private Surface? Target(WpViewport resource)
    {
        if (Surface is { } surface)
        {
            return surface;
        }

        resource.PostError((uint)WpViewportError.NoSurface, $"wp_viewport#{resource.Id}: its wl_surface was destroyed");
        return null;
    }
}
