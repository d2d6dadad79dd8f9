using Wayland.Compositor.Surfaces;
using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Shell;

/// <summary>xdg_wm_base requests: xdg_surface and xdg_positioner creation, pong, destroy.</summary>
internal sealed class XdgShellProtocol : XdgWmBase.IHandler
{
    private readonly HeadlessCompositor _compositor;

    public XdgShellProtocol(HeadlessCompositor compositor) => _compositor = compositor;

    /// <summary>A client bound xdg_wm_base.</summary>
    public void Bind(XdgWmBase resource)
    {
        resource.Handler = this;
        _ = new ShellClient(_compositor, resource);
    }

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

        ShellClient shell = ShellClient.Of(resource);
        XdgSurfaceRole role = new(_compositor, shell, surface, id);
        surface.Role = role;
        id.Handler = role;
        id.UserData = resource;
        shell.Surfaces.Add(role);
        id.Destroyed += _ => shell.Surfaces.Remove(role);
    }

    void XdgWmBase.IHandler.CreatePositioner(XdgWmBase resource, XdgPositioner id)
    {
        Positioner positioner = new();
        id.Handler = positioner;
        id.UserData = positioner;
    }

    void XdgWmBase.IHandler.Pong(XdgWmBase resource, uint serial)
    {
        _compositor.CountPong();
        ShellClient.Of(resource).Pong(serial);
    }

    void XdgWmBase.IHandler.Destroy(XdgWmBase resource)
    {
        int alive = ShellClient.Of(resource).Surfaces.Count;
        if (alive > 0)
        {
            resource.PostError((uint)XdgWmBaseError.DefunctSurfaces,
                $"xdg_wm_base#{resource.Id}: destroyed while {alive} xdg_surface(s) made from it are alive");
        }
    }
}
