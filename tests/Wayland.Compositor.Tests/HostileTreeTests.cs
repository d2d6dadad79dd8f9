using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Compositor.Surfaces;
using Wayland.Protocols;

namespace Wayland.Compositor.Tests;

/// <summary>
/// A client building huge trees of popups or sub-surfaces may only hurt itself: each is walked on every repaint and
/// pointer motion, for every client, so one client holds a bounded number of each. The request that would go over the
/// limit gets wl_display.error no_memory (as the object limit answers) and only that client is disconnected; a
/// bystander is served throughout. Within the limit, objects given back can be made again. A sub-surface leaving a
/// tree of many siblings damages only where it was drawn, not the whole tree.
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

    [Fact]
    public void A_sub_surface_leaving_many_siblings_damages_only_where_it_was_drawn()
    {
        CompositorSession.Run("subsurface-detach-damage", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                WlSubcompositor subcompositor = client.Own(client.Globals.Bind<WlSubcompositor>());
                TestWindow window = client.MapWindow("siblings", client.SolidBuffer(200, 150, Argb.Blue));
                (WlSurface Surface, WlSubsurface Subsurface) Add(WlSurface parent, int x, int y, int size, uint color)
                {
                    WlSurface surface = client.Own(client.Compositor.CreateSurface());
                    WlSubsurface subsurface = client.Own(subcompositor.GetSubsurface(surface, parent));
                    subsurface.SetPosition(x, y);
                    subsurface.SetDesync();
                    surface.Attach(client.SolidBuffer(size, size, color).Buffer, 0, 0);
                    surface.Commit();
                    return (surface, subsurface);
                }

                // Many green siblings along the top, the yellow one leaving, and a red one with a green child of its own.
                for (int i = 0; i < 100; i++)
                {
                    Add(window.Surface, (i % 50) * 4, (i / 50) * 4, 3, Argb.Green);
                }

                WlSubsurface leaving = Add(window.Surface, 20, 30, 10, Argb.Yellow).Subsurface;
                (WlSurface holderSurface, WlSubsurface holder) = Add(window.Surface, 100, 60, 30, Argb.Red);
                Add(holderSurface, 10, 10, 5, Argb.Green);
                holderSurface.Commit();
                window.Surface.Commit();
                client.Roundtrip();
                Rect bounds = session.WaitForWindow("siblings").Bounds;
                Image before = session.Compositor.CaptureOutput();
                Assert.Equal(100, Pixels.CountOf(before, bounds, Argb.Yellow));

                // What the detach damaged, read on the loop's thread before any repaint: an empty surface destroyed
                // right after it (in the same read) reports it through the scene's SurfaceRemoved.
                Scene scene = session.Compositor.Scene;
                WlSurface marker = client.Compositor.CreateSurface();
                client.Roundtrip();
                uint markerId = marker.Id;
                Rect? damaged = null;
                session.Compositor.Invoke(() => scene.SurfaceRemoved += surface =>
                {
                    if (surface.Resource.Id == markerId && damaged is null)
                    {
                        damaged = scene.PendingDamage;
                    }
                });
                session.Compositor.CaptureOutput(); // nothing left to repaint
                leaving.Dispose();
                marker.Dispose();
                client.Roundtrip();
                session.WaitUntil(() => session.Compositor.Invoke(() => damaged) is not null, "the marker surface to go");
                Assert.Equal(new Rect(bounds.X + 20, bounds.Y + 30, 10, 10), damaged);

                Image after = session.Compositor.CaptureOutput();
                Assert.Equal(0, Pixels.CountOf(after, bounds, Argb.Yellow));
                Assert.Equal(Argb.Blue, after.GetPixel(bounds.X + 25, bounds.Y + 35));
                Assert.Equal((100 * 9) + 25, Pixels.CountOf(after, bounds, Argb.Green));

                // A sub-surface with one of its own takes it along.
                holder.Dispose();
                client.Roundtrip();
                after = session.Compositor.CaptureOutput();
                Assert.Equal(0, Pixels.CountOf(after, bounds, Argb.Red));
                Assert.Equal(100 * 9, Pixels.CountOf(after, bounds, Argb.Green));
            }

            bystander.AssertServed();
            session.AssertNoProtocolErrors();
        });
    }
}
