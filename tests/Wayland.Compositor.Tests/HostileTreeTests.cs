using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;

namespace Wayland.Compositor.Tests;

/// <summary>
/// A client building huge trees of popups or sub-surfaces may only hurt itself: each is walked on every repaint and
/// pointer motion, for every client, so one client holds a bounded number of each. The request that would go over the
/// limit gets wl_display.error no_memory (as the object limit answers) and only that client is disconnected; a
/// bystander is served throughout. Within the limit, objects given back can be made again.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class HostileTreeTests
{
    /// <summary>The wl_display error a client gets when it goes over a per-client limit.</summary>
    private static readonly (string Interface, uint ObjectId, uint Code) NoMemory = ("wl_display", 1, (uint)WlDisplayError.NoMemory);

    [Fact]
    public void A_client_holding_the_most_popups_gets_no_memory_for_one_more()
    {
        const int Limit = HeadlessCompositorOptions.DefaultMaxPopupsPerClient;
        Refusal.Expect("popup-limit", client =>
        {
            TestWindow window = client.MapWindow("menus", client.SolidBuffer(40, 40, Argb.Blue));
            using XdgPositioner positioner = TestPopup.MenuPositioner(client);
            List<(WlSurface Surface, XdgSurface XdgSurface, XdgPopup Popup)> popups = [];
            (WlSurface, XdgSurface, XdgPopup) Open()
            {
                WlSurface surface = client.Own(client.Compositor.CreateSurface());
                XdgSurface xdgSurface = client.Own(client.WmBase.GetXdgSurface(surface));
                return (surface, xdgSurface, client.Own(xdgSurface.GetPopup(window.XdgSurface, positioner)));
            }

            for (int i = 0; i < Limit; i++)
            {
                popups.Add(Open());
            }

            client.Roundtrip();

            // A popup given back makes room for one more: the limit is on popups held at once.
            (WlSurface surface, XdgSurface xdgSurface, XdgPopup popup) = popups[^1];
            popup.Dispose();
            xdgSurface.Dispose();
            surface.Dispose();
            popups[^1] = Open();
            client.Roundtrip();

            Open();
            return NoMemory;
        });
    }

    [Fact]
    public void A_client_holding_the_most_sub_surfaces_gets_no_memory_for_one_more()
    {
        const int Limit = HeadlessCompositorOptions.DefaultMaxSubsurfacesPerClient;
        Refusal.Expect("subsurface-limit", client =>
        {
            WlSubcompositor subcompositor = client.Own(client.Globals.Bind<WlSubcompositor>());
            TestWindow window = client.MapWindow("layers", client.SolidBuffer(40, 40, Argb.Blue));

            // Spread over two trees (half nested under the window, half under one of its sub-surfaces): the limit is
            // the client's, whatever the shape.
            WlSurface? middle = null;
            List<WlSubsurface> subsurfaces = [];
            for (int i = 0; i < Limit; i++)
            {
                WlSurface surface = client.Own(client.Compositor.CreateSurface());
                subsurfaces.Add(client.Own(subcompositor.GetSubsurface(surface, middle ?? window.Surface)));
                if (i == Limit / 2)
                {
                    middle = surface;
                }

                if (i % 500 == 0)
                {
                    client.Roundtrip();
                }
            }

            window.Surface.Commit();
            client.Roundtrip();

            // A wl_subsurface given back makes room for one more, for the same surface or another.
            subsurfaces[^1].Dispose();
            WlSurface again = client.Own(client.Compositor.CreateSurface());
            subsurfaces[^1] = client.Own(subcompositor.GetSubsurface(again, window.Surface));
            client.Roundtrip();

            WlSurface extra = client.Own(client.Compositor.CreateSurface());
            client.Own(subcompositor.GetSubsurface(extra, window.Surface));
            return NoMemory;
        });
    }
}
