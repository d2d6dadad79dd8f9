using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Compositor.Surfaces;
using Wayland.Protocols;

namespace Wayland.Compositor.Tests;

/// <summary>
/// A client building huge trees of popups or sub-surfaces may only hurt itself: each shown popup and each sub-surface is
/// walked on every repaint and pointer motion, for every client, so one client shows a bounded number of popups and
/// holds a bounded number of sub-surfaces. A popup shown over the limit is dismissed (popup_done); the sub-surface
/// request that would go over it gets wl_display.error no_memory (as the object limit answers) and only that client is
/// disconnected; a bystander is served throughout. Within the limit, objects given back can be made again. A sub-surface leaving a
/// tree of many siblings damages only where it was drawn, not the whole tree.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class HostileTreeTests
{
    /// <summary>The wl_display error a client gets when it goes over a per-client limit.</summary>
    private static readonly (string Interface, uint ObjectId, uint Code) NoMemory = ("wl_display", 1, (uint)WlDisplayError.NoMemory);

    [Fact]
    public void A_client_showing_the_most_popups_has_one_more_dismissed_and_unmapped_ones_do_not_count()
    {
        const int Limit = 4;
        HeadlessCompositorOptions options = new() { Width = 400, Height = 300, MaxPopupsPerClient = Limit };
        CompositorSession.Run("popup-limit", options, session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            TestWindow window = client.MapWindow("menus", client.SolidBuffer(100, 100, Argb.Blue));
            session.Compositor.MoveWindow(session.WaitForWindow("menus").Id, 100, 100);
            int done = 0;
            TestPopup Open()
            {
                TestPopup popup = TestPopup.Open(client, window, rules =>
                {
                    rules.SetSize(10, 10);
                    rules.SetAnchorRect(0, 0, 1, 1);
                });
                popup.Popup.PopupDone += _ => done++;
                return popup;
            }

            // Popups made and never shown cost only memory: many times the limit of them are no error.
            List<TestPopup> popups = [];
            for (int i = 0; i < 10 * Limit; i++)
            {
                popups.Add(Open());
            }

            for (int i = 0; i < Limit; i++)
            {
                popups[i].Show(client.SolidBuffer(10, 10, Argb.Yellow));
            }

            Assert.Equal(0, done);
            (int x, int y, _, _) = popups[0].Placement!.Value;
            (int X, int Y) center = (100 + x + 5, 100 + y + 5);
            void AssertDrawn(uint color, string what)
            {
                Image screen = session.Compositor.CaptureOutput();
                Assert.True(color == screen.GetPixel(center.X, center.Y), $"{what} ({CompositorSession.SaveForInspection(screen, "popup-limit")})");
            }

            // One more shown while the client shows as many as it may: dismissed (popup_done), not drawn, no error.
            popups[Limit].Show(client.SolidBuffer(10, 10, Argb.Red));
            client.DispatchUntil(() => done == 1, "popup_done for the popup over the limit");
            AssertDrawn(Argb.Yellow, "the popup over the limit is drawn");

            // A popup unmapped (a commit without a buffer) makes room, and the dismissed one, not destroyed, takes none.
            popups[0].Surface.Attach(null, 0, 0);
            popups[0].Surface.Commit();
            popups[Limit + 1].Show(client.SolidBuffer(10, 10, Argb.Green));
            client.Roundtrip();
            Assert.Equal(1, done);
            AssertDrawn(Argb.Green, "the popup shown after another was unmapped is not drawn");

            // A popup destroyed makes room too.
            popups[1].Close();
            popups[Limit + 2].Show(client.SolidBuffer(10, 10, Argb.Red));
            client.Roundtrip();
            Assert.Equal(1, done);
            AssertDrawn(Argb.Red, "the popup shown after another was destroyed is not drawn");

            bystander.AssertServed();
            session.AssertNoProtocolErrors();
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

                // What a detach damaged, read on the loop's thread before any repaint: an empty surface destroyed
                // right after it (in the same read) reports it through the scene's SurfaceRemoved.
                Scene scene = session.Compositor.Scene;
                Rect DamageOf(WlSubsurface detached)
                {
                    WlSurface marker = client.Compositor.CreateSurface();
                    client.Roundtrip();
                    uint markerId = marker.Id;
                    Rect? damaged = null;
                    void Record(Surface surface)
                    {
                        if (surface.Resource.Id == markerId && damaged is null)
                        {
                            damaged = scene.PendingDamage;
                        }
                    }

                    session.Compositor.Invoke(() => scene.SurfaceRemoved += Record);
                    session.Compositor.CaptureOutput(); // nothing left to repaint
                    detached.Dispose();
                    marker.Dispose();
                    client.Roundtrip();
                    session.WaitUntil(() => session.Compositor.Invoke(() => damaged) is not null, "the marker surface to go");
                    session.Compositor.Invoke(() => scene.SurfaceRemoved -= Record);
                    return session.Compositor.Invoke(() => damaged!.Value);
                }

                Assert.Equal(new Rect(bounds.X + 20, bounds.Y + 30, 10, 10), DamageOf(leaving));
                Image after = session.Compositor.CaptureOutput();
                Assert.Equal(0, Pixels.CountOf(after, bounds, Argb.Yellow));
                Assert.Equal(Argb.Blue, after.GetPixel(bounds.X + 25, bounds.Y + 35));
                Assert.Equal((100 * 9) + 25, Pixels.CountOf(after, bounds, Argb.Green));

                // A sub-surface with one of its own takes it along, and damages only where the two were drawn.
                Assert.Equal(new Rect(bounds.X + 100, bounds.Y + 60, 30, 30), DamageOf(holder));
                after = session.Compositor.CaptureOutput();
                Assert.Equal(0, Pixels.CountOf(after, bounds, Argb.Red));
                Assert.Equal(100 * 9, Pixels.CountOf(after, bounds, Argb.Green));
            }

            bystander.AssertServed();
            session.AssertNoProtocolErrors();
        });
    }
}
