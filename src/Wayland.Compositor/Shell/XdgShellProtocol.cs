using Wayland.Compositor.Surfaces;
using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Shell;

/// <summary>xdg_wm_base requests: xdg_surface and xdg_positioner creation, ping/pong.</summary>
internal sealed class XdgShellProtocol : XdgWmBase.IHandler
{
    private readonly HeadlessCompositor _compositor;

    public XdgShellProtocol(HeadlessCompositor compositor) => _compositor = compositor;

    void XdgWmBase.IHandler.GetXdgSurface(XdgWmBase resource, XdgSurface id, WlSurface surfaceResource)
    {
        Surface surface = SurfaceProtocol.Of(surfaceResource);
        if (surface.Role is not null)
        {
            resource.PostError((uint)XdgWmBaseError.Role,
                $"xdg_wm_base#{resource.Id}: wl_surface#{surfaceResource.Id} already has the role {surface.Role.RoleName}");
            return;
        }

        if (surface.HasContent || surface.Pending.Buffer is not null)
        {
            resource.PostError((uint)XdgWmBaseError.InvalidSurfaceState,
                $"xdg_wm_base#{resource.Id}: wl_surface#{surfaceResource.Id} already has a buffer");
            return;
        }

        XdgSurfaceRole role = new(_compositor, surface, id);
        surface.Role = role;
        id.Handler = role;
        id.UserData = resource;
    }

    void XdgWmBase.IHandler.CreatePositioner(XdgWmBase resource, XdgPositioner id)
    {
        Positioner positioner = new();
        id.Handler = positioner;
        id.UserData = positioner;
    }

    void XdgWmBase.IHandler.Pong(XdgWmBase resource, uint serial) => _compositor.CountPong();
}
