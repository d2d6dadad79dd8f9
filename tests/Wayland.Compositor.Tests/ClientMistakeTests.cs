using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;

namespace Wayland.Compositor.Tests;

/// <summary>
/// Validation before use: geometry a client gets wrong (strides, viewports, positioners, sizes, scales) and requests
/// on orphaned or already-constructed xdg objects each get the protocol's error — never <c>implementation</c>, never a
/// crash — and a bystander client is still served afterwards. Huge values that are legal change nothing but placement.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ClientMistakeTests
{
    // Geometry

    [Fact]
    public void A_stride_shorter_than_a_row_of_pixels_is_invalid_stride_on_the_buffer()
    {
        Refusal.Expect("short-stride", client =>
        {
            // wl_shm_pool.create_buffer only asks stride >= width (as libwayland); the pixels are 4 bytes each.
            ShmPool pool = client.Own(ShmPool.Create(client.Shm, 64 * 64 * 4));
            ShmBuffer buffer = client.Own(pool.CreateBuffer(0, 64, 64, 64));
            WlSurface surface = client.Own(client.Compositor.CreateSurface());
            surface.Attach(buffer.Buffer, 0, 0);
            surface.Commit();
            return ("wl_buffer", buffer.Buffer.Id, (uint)WlShmError.InvalidStride);
        });
    }

    [Fact]
    public void A_viewport_source_outside_the_scaled_buffer_is_out_of_buffer()
    {
        Refusal.Expect("viewport-out-of-buffer", client =>
        {
            (WlSurface surface, WpViewport viewport) = SurfaceWithViewport(client);

            // 40x40 at scale 2 is 20x20 in surface coordinates: (0, 0, 20, 20) fits, (5, 0, 16, 20) does not.
            surface.Attach(client.SolidBuffer(40, 40, Argb.Red).Buffer, 0, 0);
            surface.SetBufferScale(2);
            viewport.SetSource(0, 0, 20, 20);
            surface.Commit();
            client.Roundtrip();
            viewport.SetSource(5, 0, 16, 20);
            surface.Commit();
            return ("wp_viewport", viewport.Id, (uint)WpViewportError.OutOfBuffer);
        });
    }

    [Fact]
    public void A_viewport_source_of_fractional_size_without_a_destination_is_bad_size()
    {
        Refusal.Expect("viewport-bad-size", client =>
        {
            (WlSurface surface, WpViewport viewport) = SurfaceWithViewport(client);
            surface.Attach(client.SolidBuffer(40, 40, Argb.Red).Buffer, 0, 0);
            viewport.SetSource(0, 0, 10.5, 10);
            surface.Commit();
            return ("wp_viewport", viewport.Id, (uint)WpViewportError.BadSize);
        });
    }

    [Fact]
    public void A_viewport_used_after_its_surface_is_gone_is_no_surface()
    {
        Refusal.Expect("viewport-no-surface", client =>
        {
            WpViewporter viewporter = client.Own(client.Globals.Bind<WpViewporter>());
            WlSurface surface = client.Compositor.CreateSurface();
            WpViewport viewport = client.Own(viewporter.GetViewport(surface));
            surface.Dispose();
            viewport.SetDestination(10, 10);
            return ("wp_viewport", viewport.Id, (uint)WpViewportError.NoSurface);
        });
    }

    [Theory]
    [InlineData("size", -1)]
    [InlineData("zero size", 0)]
    [InlineData("anchor rect", -1)]
    [InlineData("anchor", 9)]
    [InlineData("gravity", 99)]
    public void A_positioner_given_a_negative_size_or_an_unknown_anchor_is_invalid_input(string what, int value)
    {
        Refusal.Expect($"positioner-{what.Replace(' ', '-')}", client =>
        {
            XdgPositioner positioner = client.Own(client.WmBase.CreatePositioner());
            switch (what)
            {
                case "size" or "zero size":
                    positioner.SetSize(10, value);
                    break;
                case "anchor rect":
                    positioner.SetAnchorRect(0, 0, value, 10);
                    break;
                case "anchor":
                    positioner.SetAnchor((XdgPositionerAnchor)value);
                    break;
                default:
                    positioner.SetGravity((XdgPositionerGravity)value);
                    break;
            }

            return ("xdg_positioner", positioner.Id, (uint)XdgPositionerError.InvalidInput);
        });
    }

    [Fact]
    public void A_window_geometry_of_zero_width_is_invalid_size()
    {
        Refusal.Expect("window-geometry", client =>
        {
            TestWindow window = client.CreateWindow("flat");
            window.XdgSurface.SetWindowGeometry(0, 0, 0, 10);
            return ("xdg_surface", window.XdgSurface.Id, (uint)XdgSurfaceError.InvalidSize);
        });
    }

    [Fact]
    public void A_negative_minimum_size_is_invalid_size()
    {
        Refusal.Expect("min-size", client =>
        {
            TestWindow window = client.CreateWindow("small");
            window.Toplevel.SetMinSize(-5, 10);
            return ("xdg_toplevel", window.Toplevel.Id, (uint)XdgToplevelError.InvalidSize);
        });
    }

    [Fact]
    public void A_buffer_scale_of_zero_is_invalid_scale()
    {
        Refusal.Expect("scale-zero", client =>
        {
            WlSurface surface = client.Own(client.Compositor.CreateSurface());
            surface.SetBufferScale(0);
            return ("wl_surface", surface.Id, (uint)WlSurfaceError.InvalidScale);
        });
    }

    [Fact]
    public void Huge_coordinates_everywhere_are_placed_clipped_and_hit_without_error()
    {
        CompositorSession.Run("huge-values", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                WlSubcompositor subcompositor = client.Own(client.Globals.Bind<WlSubcompositor>());
                WpViewporter viewporter = client.Own(client.Globals.Bind<WpViewporter>());
                TestWindow window = client.CreateWindow("huge");
                window.XdgSurface.SetWindowGeometry(int.MaxValue - 1, int.MinValue + 1, int.MaxValue, int.MaxValue);
                window.Surface.Commit();
                client.DispatchUntil(() => window.Configures > 0, "the initial configure");
                window.Show(client.SolidBuffer(50, 50, Argb.Blue));

                // Sub-surfaces at the far corners, one stretched to the largest destination there is.
                for (int i = 0; i < 4; i++)
                {
                    (WlSurface child, WlSubsurface link) = client.AddSubsurface(subcompositor, window.Surface, client.SolidBuffer(4, 4, Argb.Red),
                        i % 2 == 0 ? int.MaxValue : int.MinValue, i < 2 ? int.MaxValue : int.MinValue);
                    link.SetDesync();
                    child.Offset(int.MaxValue, int.MinValue);
                    child.Damage(int.MinValue, int.MinValue, int.MaxValue, int.MaxValue);
                    child.DamageBuffer(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue);
                    child.Commit();
                }

                WpViewport viewport = client.Own(viewporter.GetViewport(window.Surface));
                viewport.SetDestination(int.MaxValue, int.MaxValue);
                WlRegion region = client.Own(client.Compositor.CreateRegion());
                region.Add(int.MinValue, int.MinValue, int.MaxValue, int.MaxValue);
                region.Add(int.MaxValue - 1, int.MaxValue - 1, int.MaxValue, int.MaxValue);
                region.Subtract(int.MaxValue, int.MinValue, int.MaxValue, int.MaxValue);
                window.Surface.SetInputRegion(region);
                window.Surface.Offset(int.MinValue, int.MaxValue);
                window.Surface.Damage(int.MinValue, int.MinValue, int.MaxValue, int.MaxValue);
                window.Surface.Commit();
                client.Roundtrip();

                // A popup anchored at the far end of everything, moved by a huge offset.
                using XdgPositioner positioner = client.WmBase.CreatePositioner();
                positioner.SetSize(int.MaxValue, int.MaxValue);
                positioner.SetAnchorRect(int.MaxValue, int.MinValue, int.MaxValue, int.MaxValue);
                positioner.SetAnchor(XdgPositionerAnchor.BottomRight);
                positioner.SetGravity(XdgPositionerGravity.TopLeft);
                positioner.SetOffset(int.MaxValue, int.MinValue);
                positioner.SetConstraintAdjustment(uint.MaxValue);
                TestPopup popup = TestPopup.Open(client, window, rules =>
                {
                    rules.SetSize(int.MaxValue, int.MaxValue);
                    rules.SetAnchorRect(int.MaxValue, int.MinValue, int.MaxValue, int.MaxValue);
                    rules.SetOffset(int.MinValue, int.MaxValue);
                    rules.SetConstraintAdjustment(uint.MaxValue);
                });
                popup.Show(client.SolidBuffer(8, 8, Argb.Yellow));
                popup.Popup.Reposition(positioner, 7);
                client.Roundtrip();

                for (int x = 0; x < session.Options.Width; x += 97)
                {
                    session.Compositor.MovePointer(x, x * session.Options.Height / session.Options.Width);
                }

                session.Compositor.CaptureOutput();
                Assert.Contains(session.Compositor.GetWindows(), w => w.Title == "huge");
                client.Roundtrip();
            }

            session.AssertNoProtocolErrors();
            bystander.AssertServed();
        });
    }

    // Orphaned and reused xdg objects

    [Fact]
    public void An_xdg_surface_whose_wl_surface_is_gone_is_defunct_role_object()
    {
        Refusal.Expect("xdg-surface-orphan", client =>
        {
            WlSurface surface = client.Compositor.CreateSurface();
            XdgSurface xdgSurface = client.Own(client.WmBase.GetXdgSurface(surface));
            surface.Dispose();
            client.Own(xdgSurface.GetToplevel());
            return ("xdg_surface", xdgSurface.Id, (uint)XdgSurfaceError.DefunctRoleObject);
        });
    }

    [Fact]
    public void Acknowledging_a_configure_after_the_wl_surface_is_gone_is_defunct_role_object()
    {
        Refusal.Expect("ack-orphan", client =>
        {
            TestWindow window = client.CreateWindow("gone", autoAck: false);
            window.Surface.Commit();
            client.DispatchUntil(() => window.LastSerial is not null, "the initial configure");

            // The role objects outlive their wl_surface: harmless requests are taken, ack_configure is not.
            window.Surface.Dispose();
            window.Toplevel.SetTitle("still here");
            window.Toplevel.SetMaximized();
            window.Toplevel.SetParent(null);
            client.Roundtrip();
            window.XdgSurface.AckConfigure(window.LastSerial!.Value);
            return ("xdg_surface", window.XdgSurface.Id, (uint)XdgSurfaceError.DefunctRoleObject);
        });
    }

    [Fact]
    public void Get_toplevel_twice_is_already_constructed()
    {
        Refusal.Expect("toplevel-twice", client =>
        {
            TestWindow window = client.CreateWindow("twice");
            client.Own(window.XdgSurface.GetToplevel());
            return ("xdg_surface", window.XdgSurface.Id, (uint)XdgSurfaceError.AlreadyConstructed);
        });
    }

    [Fact]
    public void Get_popup_after_get_toplevel_is_already_constructed()
    {
        Refusal.Expect("popup-after-toplevel", client =>
        {
            TestWindow parent = client.MapWindow("parent", client.SolidBuffer(20, 20, Argb.Blue));
            TestWindow window = client.CreateWindow("both");
            using XdgPositioner positioner = TestPopup.MenuPositioner(client);
            client.Own(window.XdgSurface.GetPopup(parent.XdgSurface, positioner));
            return ("xdg_surface", window.XdgSurface.Id, (uint)XdgSurfaceError.AlreadyConstructed);
        });
    }

    [Fact]
    public void Destroying_an_xdg_surface_before_its_toplevel_is_defunct_role_object()
    {
        Refusal.Expect("xdg-surface-first", client =>
        {
            TestWindow window = client.MapWindow("first", client.SolidBuffer(20, 20, Argb.Blue));
            uint id = window.XdgSurface.Id;
            window.XdgSurface.Dispose();
            window.Toplevel.SetTitle("used after its xdg_surface");
            return ("xdg_surface", id, (uint)XdgSurfaceError.DefunctRoleObject);
        }, onDestroyedObject: true);
    }

    [Fact]
    public void Destroying_xdg_wm_base_with_surfaces_alive_is_defunct_surfaces()
    {
        Refusal.Expect("wm-base-first", client =>
        {
            client.CreateWindow("orphan");
            client.Roundtrip();
            uint id = client.WmBase.Id;
            client.WmBase.Dispose();
            return ("xdg_wm_base", id, (uint)XdgWmBaseError.DefunctSurfaces);
        }, onDestroyedObject: true);
    }

    [Fact]
    public void A_popup_grab_after_the_popup_is_mapped_is_invalid_grab()
    {
        Refusal.Expect("late-grab", client =>
        {
            TestWindow parent = client.MapWindow("parent", client.SolidBuffer(50, 50, Argb.Blue));
            WlSeat seat = client.Own(client.Globals.Bind<WlSeat>());
            TestPopup popup = TestPopup.Open(client, parent, rules =>
            {
                rules.SetSize(10, 10);
                rules.SetAnchorRect(0, 0, 1, 1);
            });
            popup.Show(client.SolidBuffer(10, 10, Argb.Yellow));
            popup.Popup.Grab(seat, 1);
            return ("xdg_popup", popup.Popup.Id, (uint)XdgPopupError.InvalidGrab);
        });
    }

    [Fact]
    public void A_popup_whose_parent_lost_its_wl_surface_is_invalid_popup_parent()
    {
        Refusal.Expect("popup-orphan-parent", client =>
        {
            TestWindow parent = client.CreateWindow("parent");
            parent.Surface.Dispose();
            XdgSurface child = client.Own(client.WmBase.GetXdgSurface(client.Own(client.Compositor.CreateSurface())));
            using XdgPositioner positioner = TestPopup.MenuPositioner(client);
            client.Own(child.GetPopup(parent.XdgSurface, positioner));
            return ("xdg_wm_base", client.WmBase.Id, (uint)XdgWmBaseError.InvalidPopupParent);
        });
    }

    [Fact]
    public void A_second_decoration_for_one_toplevel_is_already_constructed()
    {
        Refusal.Expect("decoration-twice", client =>
        {
            ZxdgDecorationManagerV1 manager = client.Own(client.Globals.Bind<ZxdgDecorationManagerV1>());
            TestWindow window = client.CreateWindow("decorated");
            client.Own(manager.GetToplevelDecoration(window.Toplevel));
            ZxdgToplevelDecorationV1 second = client.Own(manager.GetToplevelDecoration(window.Toplevel));
            return ("zxdg_toplevel_decoration_v1", second.Id, (uint)ZxdgToplevelDecorationV1Error.AlreadyConstructed);
        });
    }

    [Fact]
    public void A_decoration_used_after_its_toplevel_is_gone_is_orphaned()
    {
        Refusal.Expect("decoration-orphan", client =>
        {
            ZxdgDecorationManagerV1 manager = client.Own(client.Globals.Bind<ZxdgDecorationManagerV1>());
            TestWindow window = client.CreateWindow("decorated");
            ZxdgToplevelDecorationV1 decoration = client.Own(manager.GetToplevelDecoration(window.Toplevel));
            window.Toplevel.Dispose();
            decoration.SetMode(ZxdgToplevelDecorationV1Mode.ServerSide);
            return ("zxdg_toplevel_decoration_v1", decoration.Id, (uint)ZxdgToplevelDecorationV1Error.Orphaned);
        });
    }

    private static (WlSurface Surface, WpViewport Viewport) SurfaceWithViewport(ManagedClient client)
    {
        WpViewporter viewporter = client.Own(client.Globals.Bind<WpViewporter>());
        WlSurface surface = client.Own(client.Compositor.CreateSurface());
        return (surface, client.Own(viewporter.GetViewport(surface)));
    }
}
