using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Xunit.Abstractions;

namespace Wayland.Compositor.Tests;

/// <summary>
/// Graphs a client builds — popup parents, sub-surface trees, toplevel parents, roles: every cycle a client can attempt
/// is refused with the protocol's error, and deep (legal) chains are drawn, hit and torn down without recursion.
/// Each refusal happens next to a bystander client that must still be served afterwards.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ClientGraphTests(ITestOutputHelper output)
{
    [Fact]
    public void A_popup_that_is_its_own_parent_is_invalid_popup_parent_and_repositioning_it_cannot_loop()
    {
        Refusal.Expect("popup-self-parent", client =>
        {
            using XdgPositioner positioner = TestPopup.MenuPositioner(client);
            WlSurface surface = client.Own(client.Compositor.CreateSurface());
            XdgSurface xdgSurface = client.Own(client.WmBase.GetXdgSurface(surface));
            XdgPopup popup = client.Own(xdgSurface.GetPopup(xdgSurface, positioner));

            // What once overflowed the stack: placing a popup whose chain of parents loops.
            popup.Reposition(positioner, 1);
            surface.Commit();
            return ("xdg_wm_base", client.WmBase.Id, (uint)XdgWmBaseError.InvalidPopupParent);
        });
    }

    [Fact]
    public void Two_popups_that_are_each_others_parent_are_invalid_popup_parent()
    {
        Refusal.Expect("popup-loop", client =>
        {
            using XdgPositioner positioner = TestPopup.MenuPositioner(client);
            XdgSurface a = client.Own(client.WmBase.GetXdgSurface(client.Own(client.Compositor.CreateSurface())));
            XdgSurface b = client.Own(client.WmBase.GetXdgSurface(client.Own(client.Compositor.CreateSurface())));

            // a's parent would be b, b's parent a: refused at the first, since b is not yet a toplevel or popup.
            client.Own(a.GetPopup(b, positioner));
            client.Own(b.GetPopup(a, positioner));
            return ("xdg_wm_base", client.WmBase.Id, (uint)XdgWmBaseError.InvalidPopupParent);
        });
    }

    [Fact]
    public void A_sub_surface_that_is_its_own_parent_is_bad_surface()
    {
        Refusal.Expect("subsurface-self", client =>
        {
            WlSubcompositor subcompositor = client.Own(client.Globals.Bind<WlSubcompositor>());
            WlSurface surface = client.Own(client.Compositor.CreateSurface());
            client.Own(subcompositor.GetSubsurface(surface, surface));
            return ("wl_subcompositor", subcompositor.Id, (uint)WlSubcompositorError.BadSurface);
        });
    }

    [Fact]
    public void A_sub_surface_whose_parent_is_its_own_descendant_is_bad_surface()
    {
        Refusal.Expect("subsurface-loop", client =>
        {
            WlSubcompositor subcompositor = client.Own(client.Globals.Bind<WlSubcompositor>());
            WlSurface a = client.Own(client.Compositor.CreateSurface());
            WlSurface b = client.Own(client.Compositor.CreateSurface());
            WlSurface c = client.Own(client.Compositor.CreateSurface());
            client.Own(subcompositor.GetSubsurface(b, a));
            client.Own(subcompositor.GetSubsurface(c, b));
            client.Roundtrip();

            // a → b → c, and now c as a's parent.
            client.Own(subcompositor.GetSubsurface(a, c));
            return ("wl_subcompositor", subcompositor.Id, (uint)WlSubcompositorError.BadSurface);
        });
    }

    [Fact]
    public void A_toplevel_that_is_its_own_parent_is_invalid_parent()
    {
        Refusal.Expect("toplevel-self-parent", client =>
        {
            TestWindow window = client.MapWindow("self", client.SolidBuffer(20, 20, Argb.Blue));
            window.Toplevel.SetParent(window.Toplevel);
            return ("xdg_toplevel", window.Toplevel.Id, (uint)XdgToplevelError.InvalidParent);
        });
    }

    [Fact]
    public void A_toplevel_parent_loop_of_three_windows_is_invalid_parent()
    {
        Refusal.Expect("toplevel-loop", client =>
        {
            TestWindow one = client.MapWindow("one", client.SolidBuffer(20, 20, Argb.Blue));
            TestWindow two = client.MapWindow("two", client.SolidBuffer(20, 20, Argb.Blue));
            TestWindow three = client.MapWindow("three", client.SolidBuffer(20, 20, Argb.Blue));
            two.Toplevel.SetParent(one.Toplevel);
            three.Toplevel.SetParent(two.Toplevel);
            client.Roundtrip();

            // one → two → three → one.
            one.Toplevel.SetParent(three.Toplevel);
            return ("xdg_toplevel", one.Toplevel.Id, (uint)XdgToplevelError.InvalidParent);
        });
    }

    [Fact]
    public void A_toplevel_parent_loop_through_an_unmapped_child_is_invalid_parent()
    {
        Refusal.Expect("toplevel-loop-unmapped", client =>
        {
            // A dialog sets its parent before it is mapped; the parent then names the dialog as its own parent.
            TestWindow main = client.MapWindow("main", client.SolidBuffer(20, 20, Argb.Blue));
            TestWindow dialog = client.CreateWindow("dialog");
            dialog.Toplevel.SetParent(main.Toplevel);
            client.Roundtrip();
            main.Toplevel.SetParent(dialog.Toplevel);
            return ("xdg_toplevel", main.Toplevel.Id, (uint)XdgToplevelError.InvalidParent);
        });
    }

    [Fact]
    public void An_xdg_surface_cannot_become_a_sub_surface()
    {
        Refusal.Expect("role-xdg-then-subsurface", client =>
        {
            WlSubcompositor subcompositor = client.Own(client.Globals.Bind<WlSubcompositor>());
            TestWindow window = client.MapWindow("window", client.SolidBuffer(20, 20, Argb.Blue));
            WlSurface parent = client.Own(client.Compositor.CreateSurface());
            client.Own(subcompositor.GetSubsurface(window.Surface, parent));
            return ("wl_subcompositor", subcompositor.Id, (uint)WlSubcompositorError.BadSurface);
        });
    }

    [Fact]
    public void A_sub_surface_cannot_become_an_xdg_surface()
    {
        Refusal.Expect("role-subsurface-then-xdg", client =>
        {
            WlSubcompositor subcompositor = client.Own(client.Globals.Bind<WlSubcompositor>());
            WlSurface parent = client.Own(client.Compositor.CreateSurface());
            WlSurface child = client.Own(client.Compositor.CreateSurface());
            client.Own(subcompositor.GetSubsurface(child, parent));
            client.Own(client.WmBase.GetXdgSurface(child));
            return ("xdg_wm_base", client.WmBase.Id, (uint)XdgWmBaseError.Role);
        });
    }

    [Fact]
    public void A_chain_of_100_000_nested_sub_surfaces_is_drawn_hit_and_torn_down()
    {
        const int Depth = 100_000;
        // Far more sub-surfaces than one client may hold by default: this test is about depth (no walk recurses), which
        // still matters to a compositor that lifts the limit.
        HeadlessCompositorOptions options = new() { Width = 800, Height = 600, MaxSubsurfacesPerClient = 0 };
        CompositorSession.Run("deep-subsurfaces", options, session =>
        {
            // Two objects per link: more than the default per-client and per-process object limits, which this test is not about.
            session.Compositor.Display.DefaultMaxObjects = 0;
            session.Compositor.Display.MaxObjectsPerProcess = 0;
            using Bystander bystander = Bystander.Start(session);
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                WlSubcompositor subcompositor = client.Own(client.Globals.Bind<WlSubcompositor>());
                WlSeat seat = client.Own(client.Globals.Bind<WlSeat>());
                WlPointer pointer = client.Own(seat.GetPointer());
                WlSurface? entered = null;
                pointer.Enter += (_, _, surface, _, _) => entered = surface;
                TestWindow window = client.MapWindow("deep", client.SolidBuffer(100, 100, Argb.Blue));

                // chain[0] is a sub-surface of the window, chain[i] of chain[i - 1]. Linked from the bottom up, so
                // that each new parent is a fresh surface; positions add up to (30 + 7, 20 + 5).
                WlSurface[] chain = new WlSurface[Depth];
                for (int i = 0; i < Depth; i++)
                {
                    chain[i] = client.Own(client.Compositor.CreateSurface());
                }

                for (int i = Depth - 1; i >= 0; i--)
                {
                    WlSubsurface link = client.Own(subcompositor.GetSubsurface(chain[i], i == 0 ? window.Surface : chain[i - 1]));
                    (int x, int y) = i == 0 ? (30, 20) : i % 2 == 1 ? (7, 5) : (-7, -5);
                    link.SetPosition(x, y);
                    FlushNow(client, i);
                }

                ShmBuffer red = client.SolidBuffer(1, 1, Argb.Red);
                chain[^1].Attach(red.Buffer, 0, 0);
                chain[^1].DamageBuffer(0, 0, 1, 1);
                for (int i = Depth - 1; i >= 0; i--)
                {
                    chain[i].Commit(); // synchronized: cached until the parent's state is applied
                    FlushNow(client, i);
                }

                window.Surface.Commit(); // applies the whole chain, one level after the other
                client.Roundtrip();

                WindowInfo info = session.WaitForWindow("deep");
                (int redX, int redY) = (info.Bounds.X + 37, info.Bounds.Y + 25);
                Image screen = session.Compositor.CaptureOutput();
                string picture = CompositorSession.SaveForInspection(screen, "deep-subsurfaces");
                Assert.True(Argb.Red == screen.GetPixel(redX, redY), $"the deepest sub-surface is not at ({redX}, {redY}) ({picture})");
                Assert.Equal(1, Pixels.CountOf(screen, info.Bounds, Argb.Red));

                // Hit testing walks the whole tree: the pointer enters the deepest surface.
                session.Compositor.MovePointer(redX + 0.5, redY + 0.5);
                client.DispatchUntil(() => entered is not null, "the pointer to enter");
                Assert.Same(chain[^1], entered);
                output.WriteLine($"{Depth} nested sub-surfaces: drawn at ({redX}, {redY}) and hit");
            }

            // The client hung up with the whole chain alive: torn down without recursion.
            session.WaitUntil(() => session.Compositor.GetWindows().All(w => w.Title != "deep"), "the deep window to go away");
            bystander.AssertServed();
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Popups_nest_64_deep_are_dismissed_together_and_the_65th_is_invalid_popup_parent()
    {
        const int Depth = 64;
        CompositorSession.Run("deep-popups", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            int done = 0;
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow window = client.MapWindow("menus", client.SolidBuffer(100, 100, Argb.Blue));
                using XdgPositioner positioner = client.WmBase.CreatePositioner();
                positioner.SetSize(4, 4);
                positioner.SetAnchorRect(2, 2, 1, 1);
                positioner.SetAnchor(XdgPositionerAnchor.BottomRight);
                positioner.SetGravity(XdgPositionerGravity.BottomRight);
                XdgSurface parent = window.XdgSurface;
                List<XdgPopup> popups = [];
                for (int i = 0; i < Depth; i++)
                {
                    WlSurface surface = client.Own(client.Compositor.CreateSurface());
                    XdgSurface xdgSurface = client.Own(client.WmBase.GetXdgSurface(surface));
                    XdgPopup popup = client.Own(xdgSurface.GetPopup(parent, positioner));
                    popup.PopupDone += _ => done++;
                    bool configured = false;
                    xdgSurface.Configure += (sender, serial) =>
                    {
                        sender.AckConfigure(serial);
                        configured = true;
                    };
                    surface.Commit();
                    client.DispatchUntil(() => configured, $"popup {i + 1}'s configure");
                    surface.Attach(client.SolidBuffer(4, 4, Argb.Yellow).Buffer, 0, 0);
                    surface.Commit();
                    popups.Add(popup);
                    parent = xdgSurface;
                }

                client.Roundtrip();
                WindowInfo info = session.WaitForWindow("menus");

                // Each popup is (3, 3) from its parent's corner: the deepest at 64 × 3 from the window.
                Image screen = session.Compositor.CaptureOutput();
                (int deepestX, int deepestY) = (info.Bounds.X + (Depth * 3), info.Bounds.Y + (Depth * 3));
                string picture = CompositorSession.SaveForInspection(screen, "deep-popups");
                Assert.True(Argb.Yellow == screen.GetPixel(deepestX + 3, deepestY + 3), $"the deepest popup is not at ({deepestX}, {deepestY}) ({picture})");

                // Unmapping the window dismisses the whole chain, topmost first.
                window.Surface.Attach(null, 0, 0);
                window.Surface.Commit();
                client.DispatchUntil(() => done == Depth, $"popup_done for all {Depth} popups");
                Assert.Equal(0, Pixels.CountOf(session.Compositor.CaptureOutput(), new Rect(0, 0, session.Options.Width, session.Options.Height), Argb.Yellow));

                // One more level is refused.
                WlSurface extra = client.Own(client.Compositor.CreateSurface());
                XdgSurface extraXdg = client.Own(client.WmBase.GetXdgSurface(extra));
                client.Own(extraXdg.GetPopup(parent, positioner));
                Wayland.Wire.WaylandProtocolException error = client.ExpectProtocolError();
                Assert.Equal(("xdg_wm_base", client.WmBase.Id, (uint)XdgWmBaseError.InvalidPopupParent), (error.InterfaceName, error.ObjectId, error.Code));
            }

            Wayland.Server.ClientError recorded = session.WaitForProtocolError();
            Assert.Equal(("xdg_wm_base", (uint)XdgWmBaseError.InvalidPopupParent), (recorded.Interface, recorded.Code));
            bystander.AssertServed();
        });
    }

    [Fact]
    public void A_thousand_popups_on_one_popup_are_dismissed_in_one_flat_pass_when_it_goes()
    {
        const int Siblings = 1000;

        // More popups than one client may show by default: this test is about dismissing many without nesting, which
        // still matters to a compositor that lifts the limit.
        HeadlessCompositorOptions options = new() { Width = 800, Height = 600, MaxPopupsPerClient = 0 };
        CompositorSession.Run("popup-siblings", options, session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow window = client.MapWindow("menubar", client.SolidBuffer(100, 100, Argb.Blue));
                TestPopup menu = TestPopup.Open(client, window, rules =>
                {
                    rules.SetSize(10, 10);
                    rules.SetAnchorRect(0, 0, 1, 1);
                });
                menu.Show(client.SolidBuffer(10, 10, Argb.Yellow));

                // Each sibling goes above the one before it; dismissing them once nested one dismissal in the other.
                using XdgPositioner positioner = TestPopup.MenuPositioner(client);
                ShmBuffer pixel = client.SolidBuffer(10, 10, Argb.Red);
                int configured = 0;
                int done = 0;
                List<(WlSurface Surface, XdgSurface XdgSurface)> siblings = [];
                for (int i = 0; i < Siblings; i++)
                {
                    WlSurface surface = client.Own(client.Compositor.CreateSurface());
                    XdgSurface xdgSurface = client.Own(client.WmBase.GetXdgSurface(surface));
                    XdgPopup popup = client.Own(xdgSurface.GetPopup(menu.XdgSurface, positioner));
                    popup.PopupDone += _ => done++;
                    xdgSurface.Configure += (sender, serial) =>
                    {
                        sender.AckConfigure(serial);
                        configured++;
                    };
                    surface.Commit();
                    siblings.Add((surface, xdgSurface));
                    FlushNow(client, i);
                }

                client.DispatchUntil(() => configured == Siblings, "every sibling's configure");
                for (int i = 0; i < Siblings; i++)
                {
                    siblings[i].Surface.Attach(pixel.Buffer, 0, 0);
                    siblings[i].Surface.Commit();
                    FlushNow(client, i);
                }

                client.Roundtrip();
                WindowInfo info = session.WaitForWindow("menubar");
                // Centred on the anchor: the menu at (-5, -5) from the window, the siblings at (-10, -10) from it.
                Assert.Equal(Argb.Red, session.Compositor.CaptureOutput().GetPixel(info.Bounds.X - 8, info.Bounds.Y - 8));

                // The menu unmaps (a commit without a buffer): every popup above it is done, in one pass.
                menu.Surface.Attach(null, 0, 0);
                menu.Surface.Commit();
                client.DispatchUntil(() => done == Siblings, $"popup_done for all {Siblings} siblings");
                Image screen = session.Compositor.CaptureOutput();
                Rect all = new(0, 0, screen.Width, screen.Height);
                Assert.Equal(0, Pixels.CountOf(screen, all, Argb.Red));
                Assert.Equal(0, Pixels.CountOf(screen, all, Argb.Yellow));
            }

            bystander.AssertServed();
            session.AssertNoProtocolErrors();
        });
    }

    /// <summary>Every thousand requests, waits for the compositor to have handled them (the socket's buffers are bounded).</summary>
    private static void FlushNow(ManagedClient client, int i)
    {
        if (i % 1000 == 0)
        {
            client.Roundtrip();
        }
    }
}
