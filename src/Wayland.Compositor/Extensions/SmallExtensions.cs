using Wayland.Compositor.Shell;
using Wayland.Compositor.Surfaces;
using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Compositor;

/// <summary>zxdg_decoration_manager_v1: windows decorate themselves (client-side), so screenshots show what the client drew.</summary>
internal sealed class Decorations : ZxdgDecorationManagerV1.IHandler
{
    /// <summary>The toplevels that have a decoration object.</summary>
    private readonly HashSet<XdgToplevel> _decorated = [];

    void ZxdgDecorationManagerV1.IHandler.GetToplevelDecoration(ZxdgDecorationManagerV1 resource, ZxdgToplevelDecorationV1 id, XdgToplevel toplevel)
    {
        id.Handler = new ToplevelDecoration(toplevel);
        if (!_decorated.Add(toplevel))
        {
            id.PostError((uint)ZxdgToplevelDecorationV1Error.AlreadyConstructed, $"xdg_toplevel#{toplevel.Id} already has a decoration object");
            return;
        }

        id.Destroyed += _ => _decorated.Remove(toplevel);
        toplevel.Destroyed += _ => _decorated.Remove(toplevel);
        id.SendConfigure(ZxdgToplevelDecorationV1Mode.ClientSide);
    }

}

/// <summary>A zxdg_toplevel_decoration_v1: answers every mode request with client-side decorations.</summary>
internal sealed class ToplevelDecoration(XdgToplevel toplevel) : ZxdgToplevelDecorationV1.IHandler
{
    void ZxdgToplevelDecorationV1.IHandler.SetMode(ZxdgToplevelDecorationV1 resource, ZxdgToplevelDecorationV1Mode mode) => Reply(resource);

    void ZxdgToplevelDecorationV1.IHandler.UnsetMode(ZxdgToplevelDecorationV1 resource) => Reply(resource);

    private void Reply(ZxdgToplevelDecorationV1 resource)
    {
        // Its xdg_toplevel must outlive it; used after that, it is orphaned (taking the destroy alone, as wlroots does).
        if (toplevel.IsDestroyed)
        {
            resource.PostError((uint)ZxdgToplevelDecorationV1Error.Orphaned, $"zxdg_toplevel_decoration_v1#{resource.Id}: its xdg_toplevel was destroyed");
            return;
        }

        resource.SendConfigure(ZxdgToplevelDecorationV1Mode.ClientSide);

        // A decoration configure is applied with the next xdg_surface.configure.
        if (toplevel.Handler is Toplevel window && window.XdgSurface.IsConfigured)
        {
            window.SendConfigure();
        }
    }
}

/// <summary>wp_presentation: feedback objects are answered with "presented" at the repaint that shows their commit.</summary>
internal sealed class Presentation : WpPresentation.IHandler
{
    void WpPresentation.IHandler.Feedback(WpPresentation resource, WlSurface surface, WpPresentationFeedback callback) =>
        Surface.Of(surface).Pending.Feedbacks.Add(callback);
}

/// <summary>wp_fractional_scale_manager_v1: tells each surface the output's (integer) scale in 120ths.</summary>
internal sealed class FractionalScale(int scale) : WpFractionalScaleManagerV1.IHandler
{
    /// <summary>Denominator of wp_fractional_scale_v1.preferred_scale.</summary>
    private const uint Denominator = 120;

    private readonly HashSet<WlSurface> _surfaces = [];

    void WpFractionalScaleManagerV1.IHandler.GetFractionalScale(WpFractionalScaleManagerV1 resource, WpFractionalScaleV1 id, WlSurface surface)
    {
        if (!_surfaces.Add(surface))
        {
            resource.PostError((uint)WpFractionalScaleManagerV1Error.FractionalScaleExists, $"wl_surface#{surface.Id} already has a wp_fractional_scale_v1");
            return;
        }

        id.Destroyed += _ => _surfaces.Remove(surface);
        surface.Destroyed += _ => _surfaces.Remove(surface);
        id.SendPreferredScale((uint)scale * Denominator);
    }
}

/// <summary>wp_single_pixel_buffer_manager_v1: one-pixel buffers of a solid colour (scaled with wp_viewport).</summary>
internal sealed class SinglePixel : WpSinglePixelBufferManagerV1.IHandler
{
    void WpSinglePixelBufferManagerV1.IHandler.CreateU32RgbaBuffer(WpSinglePixelBufferManagerV1 resource, WlBuffer id, uint r, uint g, uint b, uint a) =>
        id.Handler = new SinglePixelBuffer(((a >> 24) << 24) | ((r >> 24) << 16) | ((g >> 24) << 8) | (b >> 24));
}
