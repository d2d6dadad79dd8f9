using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Compositor.Tests;

/// <summary>
/// wl_surface content placement driven by a Wayland.Client program: the content offset (wl_surface.offset from
/// version 5, attach's x and y before) moves windows, sub-surfaces and popups, and the screenshot shows them moved with
/// nothing left where they were; a buffer that does not divide by the buffer scale is invalid_size.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class SurfaceContentTests
{
    [Fact]
    public void Wl_surface_offset_with_a_new_buffer_moves_the_window_and_clears_where_it_was()
    {
        CompositorSession.Run("offset", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow window = client.MapWindow("offset", client.SolidBuffer(100, 80, Argb.Blue));
                Rect before = session.WaitForWindow("offset").Bounds;
                Assert.Equal(new Rect(32, 32, 100, 80), before);
                session.Compositor.CaptureOutput();

                window.Surface.Offset(20, 10);
                window.Show(client.SolidBuffer(100, 80, Argb.Red));
                client.Roundtrip();

                AssertMovedTo(session, "offset", before, new Rect(52, 42, 100, 80), Argb.Red);
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Wl_surface_offset_alone_moves_the_window_with_its_old_content()
    {
        CompositorSession.Run("offset-alone", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow window = client.MapWindow("alone", client.SolidBuffer(100, 80, Argb.Blue));
                Rect before = session.WaitForWindow("alone").Bounds;
                session.Compositor.CaptureOutput();

                // Offset is double-buffered state of its own: a commit without a buffer applies it too.
                window.Surface.Offset(-10, 25);
                window.Surface.Commit();
                client.Roundtrip();

                AssertMovedTo(session, "alone", before, before.Offset(-10, 25), Argb.Blue);
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Attach_x_and_y_before_version_5_move_the_window()
    {
        CompositorSession.Run("attach-offset", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                WlCompositor version4 = client.Own(client.Globals.Bind<WlCompositor>(maxVersion: 4));
                TestWindow window = client.MapWindow("v4", client.SolidBuffer(100, 80, Argb.Blue), version4);
                Rect before = session.WaitForWindow("v4").Bounds;
                session.Compositor.CaptureOutput();

                ShmBuffer green = client.SolidBuffer(100, 80, Argb.Green);
                window.Surface.Attach(green.Buffer, 30, -20);
                window.Surface.DamageBuffer(0, 0, 100, 80);
                window.Surface.Commit();
                client.Roundtrip();

                AssertMovedTo(session, "v4", before, before.Offset(30, -20), Argb.Green);
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void An_offset_moves_a_sub_surface_relative_to_its_parent()
    {
        CompositorSession.Run("offset-subsurface", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                using WlSubcompositor subcompositor = client.Globals.Bind<WlSubcompositor>();
                TestWindow window = client.MapWindow("parent", client.SolidBuffer(100, 80, Argb.Blue));
                (WlSurface child, WlSubsurface subsurface) = client.AddSubsurface(subcompositor, window.Surface, client.SolidBuffer(20, 20, Argb.Red), 10, 10);
                window.Surface.Commit();
                subsurface.SetDesync();
                client.Roundtrip();
                Rect bounds = session.WaitForWindow("parent").Bounds;
                Assert.Equal(Argb.Red, session.Compositor.CaptureOutput().GetPixel(bounds.X + 10, bounds.Y + 10));

                // Desynchronized: the child's own commit applies the offset at once.
                child.Offset(30, 15);
                child.Commit();
                client.Roundtrip();

                Image screen = session.Compositor.CaptureOutput();
                string picture = CompositorSession.SaveForInspection(screen, "offset-subsurface");
                Rect moved = new(bounds.X + 40, bounds.Y + 25, 20, 20);
                Assert.True(Pixels.CountOf(screen, moved, Argb.Red) == 400, $"the sub-surface is not at {moved} ({picture})");
                Assert.Equal(400, Pixels.CountOf(screen, bounds, Argb.Red));
                Assert.Equal(Argb.Blue, screen.GetPixel(bounds.X + 10, bounds.Y + 10));
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void An_offset_moves_a_popup_from_where_its_positioner_put_it()
    {
        CompositorSession.Run("offset-popup", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow parent = client.MapWindow("owner", client.SolidBuffer(200, 150, Argb.Blue));
                TestPopup popup = TestPopup.Open(client, parent, positioner =>
                {
                    positioner.SetSize(50, 40);
                    positioner.SetAnchorRect(0, 0, 10, 10);
                    positioner.SetAnchor(XdgPositionerAnchor.TopLeft);
                    positioner.SetGravity(XdgPositionerGravity.BottomRight);
                });
                popup.Show(client.SolidBuffer(50, 40, Argb.Yellow));
                Rect owner = session.WaitForWindow("owner").Bounds;
                Rect placed = new(owner.X, owner.Y, 50, 40);
                Assert.Equal(2000, Pixels.CountOf(session.Compositor.CaptureOutput(), placed, Argb.Yellow));

                popup.Surface.Offset(60, 70);
                popup.Surface.Commit();
                client.Roundtrip();

                Image screen = session.Compositor.CaptureOutput();
                string picture = CompositorSession.SaveForInspection(screen, "offset-popup");
                Assert.True(Pixels.CountOf(screen, placed.Offset(60, 70), Argb.Yellow) == 2000, $"the popup did not move by (60, 70) ({picture})");
                Assert.Equal(2000, Pixels.CountOf(screen, new Rect(0, 0, screen.Width, screen.Height), Argb.Yellow));
                Assert.Equal(Argb.Blue, screen.GetPixel(placed.X, placed.Y));
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void A_new_buffer_scale_without_damage_repaints_the_window_at_its_new_size()
    {
        CompositorSession.Run("rescale", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow window = client.MapWindow("rescaled", client.SolidBuffer(200, 100, Argb.Red));
                Rect before = session.WaitForWindow("rescaled").Bounds;
                session.Compositor.CaptureOutput();

                // Same buffer, no damage: only the scale changes, and with it the window's size.
                window.Surface.SetBufferScale(2);
                window.Surface.Commit();
                client.Roundtrip();

                AssertMovedTo(session, "rescaled", before, before with { Width = 100, Height = 50 }, Argb.Red);
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void A_buffer_that_is_not_a_multiple_of_the_buffer_scale_is_invalid_size()
    {
        CompositorSession.Run("invalid-size", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow window = client.CreateWindow("odd");
                window.Surface.SetBufferScale(2);
                window.Surface.Commit();
                client.DispatchUntil(() => window.Configures > 0, "the initial configure");
                window.Show(client.SolidBuffer(101, 100, Argb.Red));
                WaylandProtocolException error = client.ExpectProtocolError();
                Assert.Equal(("wl_surface", window.Surface.Id, (uint)WlSurfaceError.InvalidSize), (error.InterfaceName, error.ObjectId, error.Code));
            }

            Wayland.Server.ClientError recorded = session.WaitForProtocolError();
            Assert.Equal(("wl_surface", (uint)WlSurfaceError.InvalidSize), (recorded.Interface, recorded.Code));
            Assert.Empty(session.Compositor.GetWindows());
        });
    }

    [Fact]
    public void Changing_the_scale_of_a_shown_buffer_it_does_not_divide_is_invalid_size()
    {
        CompositorSession.Run("invalid-size-scale", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow window = client.MapWindow("odd later", client.SolidBuffer(90, 60, Argb.Red));
                window.Surface.SetBufferScale(4);
                window.Surface.Commit();
                WaylandProtocolException error = client.ExpectProtocolError();
                Assert.Equal(("wl_surface", window.Surface.Id, (uint)WlSurfaceError.InvalidSize), (error.InterfaceName, error.ObjectId, error.Code));
            }

            session.WaitForProtocolError();
        });
    }

    /// <summary>
    /// Checks that the window titled <paramref name="title"/> moved from <paramref name="before"/> to
    /// <paramref name="after"/> and that the screen shows it there in <paramref name="color"/> and nowhere else.
    /// </summary>
    private static void AssertMovedTo(CompositorSession session, string title, Rect before, Rect after, uint color)
    {
        WindowInfo info = session.WaitForWindow(title);
        Assert.Equal(after, info.Bounds);
        Image screen = session.Compositor.CaptureOutput();
        Rect whole = new(0, 0, screen.Width, screen.Height);
        string picture = CompositorSession.SaveForInspection(screen, title);
        Assert.True(Pixels.CountOf(screen, after, color) == after.Width * after.Height, $"the window is not all at {after} ({picture})");
        Assert.True(Pixels.CountOtherThan(screen, whole, session.Options.Background) == after.Width * after.Height,
            $"pixels outside {after} are not background: the old place {before} was not repainted ({picture})");
    }
}
