using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Compositor.Tests;

/// <summary>
/// Protocol edge cases driven by a Wayland.Client program in the test process against the in-process compositor:
/// the xdg-shell configure handshake, sub-surfaces, buffer scale and popup placement, each checked on the wire and in
/// the screenshot.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ProtocolTests
{
    [Fact]
    public void Attaching_a_buffer_before_the_first_configure_is_unconfigured_buffer()
    {
        CompositorSession.Run("unconfigured", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                // Not even the initial (buffer-less) commit: the first commit already carries a buffer.
                TestWindow window = client.CreateWindow("eager");
                window.Show(client.SolidBuffer(32, 32, Argb.Red));
                WaylandProtocolException error = client.ExpectProtocolError();
                Assert.Equal(("xdg_surface", window.XdgSurface.Id, 3u), (error.InterfaceName, error.ObjectId, error.Code)); // unconfigured_buffer
            }

            Wayland.Server.ClientError recorded = session.WaitForProtocolError();
            Assert.Equal(("xdg_surface", 3u), (recorded.Interface, recorded.Code));
            Assert.Empty(session.Compositor.GetWindows());
        });
    }

    [Fact]
    public void Acknowledging_a_serial_never_sent_is_invalid_serial()
    {
        CompositorSession.Run("bad-serial", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow window = client.CreateWindow("bogus", autoAck: false);
                window.Surface.Commit();
                client.DispatchUntil(() => window.LastSerial is not null, "the initial configure");
                window.XdgSurface.AckConfigure(window.LastSerial!.Value + 1000);
                WaylandProtocolException error = client.ExpectProtocolError();
                Assert.Equal(("xdg_surface", window.XdgSurface.Id, 4u), (error.InterfaceName, error.ObjectId, error.Code)); // invalid_serial
            }

            Wayland.Server.ClientError recorded = session.WaitForProtocolError();
            Assert.Equal(("xdg_surface", 4u), (recorded.Interface, recorded.Code));
        });
    }

    [Fact]
    public void A_sub_surface_at_10_10_shows_its_red_over_the_blue_parent()
    {
        CompositorSession.Run("subsurface", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                using WlSubcompositor subcompositor = client.Globals.Bind<WlSubcompositor>();
                TestWindow window = client.MapWindow("parent", client.SolidBuffer(100, 80, Argb.Blue));
                WlSurface child = client.Own(client.Compositor.CreateSurface());
                WlSubsurface subsurface = client.Own(subcompositor.GetSubsurface(child, window.Surface));
                subsurface.SetPosition(10, 10);
                ShmBuffer red = client.SolidBuffer(20, 30, Argb.Red);
                child.Attach(red.Buffer, 0, 0);
                child.DamageBuffer(0, 0, 20, 30);
                child.Commit(); // synchronized: cached until the parent commits
                client.Roundtrip();
                WindowInfo info = session.WaitForWindow("parent");
                Assert.Equal(Argb.Blue, session.Compositor.CaptureOutput().GetPixel(info.Bounds.X + 15, info.Bounds.Y + 15));

                window.Surface.Commit();
                client.Roundtrip();
                Image screen = session.Compositor.CaptureOutput();
                (int x, int y) = (info.Bounds.X, info.Bounds.Y);
                string picture = CompositorSession.SaveForInspection(screen, "subsurface");
                Assert.True(Argb.Red == screen.GetPixel(x + 10, y + 10), $"top-left of the sub-surface is {Pixels.Hex(screen.GetPixel(x + 10, y + 10))} ({picture})");
                Assert.Equal(Argb.Red, screen.GetPixel(x + 29, y + 39));
                Assert.Equal(Argb.Blue, screen.GetPixel(x + 9, y + 10));
                Assert.Equal(Argb.Blue, screen.GetPixel(x + 10, y + 9));
                Assert.Equal(Argb.Blue, screen.GetPixel(x + 30, y + 39));
                Assert.Equal(Argb.Blue, screen.GetPixel(x + 29, y + 40));
                Assert.Equal(20 * 30, Pixels.CountOf(screen, info.Bounds, Argb.Red));

                // The window is the parent's extent; CaptureWindow has the sub-surface at the same place.
                Assert.Equal((100, 80), (info.Bounds.Width, info.Bounds.Height));
                Image alone = session.Compositor.CaptureWindow(info.Id)!;
                Assert.Equal(Argb.Red, alone.GetPixel(10, 10));
                Assert.Equal(Argb.Blue, alone.GetPixel(9, 9));
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void A_client_that_vanishes_with_a_sub_surface_alive_leaves_the_compositor_running()
    {
        CompositorSession.Run("subsurface-gone", session =>
        {
            ManagedClient client = ManagedClient.Connect(session.SocketPath);
            using WlSubcompositor subcompositor = client.Globals.Bind<WlSubcompositor>();
            TestWindow window = client.MapWindow("parent", client.SolidBuffer(100, 80, Argb.Blue));
            WlSurface child = client.Own(client.Compositor.CreateSurface());
            client.Own(subcompositor.GetSubsurface(child, window.Surface));
            child.Attach(client.SolidBuffer(20, 20, Argb.Red).Buffer, 0, 0);
            child.Commit();
            window.Surface.Commit();
            client.Roundtrip();
            Assert.Single(session.Compositor.GetWindows());

            // Hang up without destroying anything: the compositor destroys the parent surface before its child.
            client.Display.Dispose();
            session.WaitUntil(() => session.Compositor.GetWindows().Count == 0, "the window to go away with its client");
            Image screen = session.Compositor.CaptureOutput();
            Assert.Equal(0, Pixels.CountOtherThan(screen, new Rect(0, 0, screen.Width, screen.Height), session.Options.Background));

            // And it still serves new clients.
            using (ManagedClient next = ManagedClient.Connect(session.SocketPath))
            {
                next.MapWindow("next", next.SolidBuffer(10, 10, Argb.Green));
                Assert.Equal("next", Assert.Single(session.Compositor.GetWindows()).Title);
            }

            client.Dispose();
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Buffer_scale_2_halves_the_window_size()
    {
        CompositorSession.Run("scale", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                // 200x100 buffer: left half red, right half green.
                ShmBuffer buffer = client.SolidBuffer(200, 100, Argb.Red);
                for (int row = 0; row < 100; row++)
                {
                    buffer.Pixels.Slice((row * 200) + 100, 100).Fill(Argb.Green);
                }

                TestWindow window = client.CreateWindow("scaled");
                window.Surface.SetBufferScale(2);
                window.Surface.Commit();
                client.DispatchUntil(() => window.Configures > 0, "the initial configure");
                window.Show(buffer);
                client.Roundtrip();
                WindowInfo info = session.WaitForWindow("scaled");
                Assert.Equal((100, 50), (info.Bounds.Width, info.Bounds.Height));

                Image screen = session.Compositor.CaptureOutput();
                (int x, int y) = (info.Bounds.X, info.Bounds.Y);
                Assert.Equal(Argb.Red, screen.GetPixel(x, y));
                Assert.Equal(Argb.Red, screen.GetPixel(x + 49, y + 49));
                Assert.Equal(Argb.Green, screen.GetPixel(x + 50, y));
                Assert.Equal(Argb.Green, screen.GetPixel(x + 99, y + 49));
                Assert.Equal(session.Options.Background, screen.GetPixel(x + 100, y));
                Assert.Equal(session.Options.Background, screen.GetPixel(x, y + 50));
                Assert.Equal(100 * 50, Pixels.CountOtherThan(screen, new Rect(0, 0, screen.Width, screen.Height), session.Options.Background));
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void A_popup_is_placed_where_its_positioner_says()
    {
        CompositorSession.Run("popup", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow parent = client.MapWindow("menu owner", client.SolidBuffer(200, 150, Argb.Blue));

                // Anchor rect (20, 30, 10x10), anchored at its bottom-right corner, growing down-right, offset (5, 5):
                // the popup's top-left is (30 + 5, 40 + 5) relative to the parent's window geometry.
                TestPopup popup = TestPopup.Open(client, parent, positioner =>
                {
                    positioner.SetSize(50, 40);
                    positioner.SetAnchorRect(20, 30, 10, 10);
                    positioner.SetAnchor(XdgPositionerAnchor.BottomRight);
                    positioner.SetGravity(XdgPositionerGravity.BottomRight);
                    positioner.SetOffset(5, 5);
                });
                Assert.Equal((35, 45, 50, 40), popup.Placement);
                popup.Show(client.SolidBuffer(50, 40, Argb.Yellow));

                WindowInfo owner = session.WaitForWindow("menu owner");
                Image screen = session.Compositor.CaptureOutput();
                (int x0, int y0) = (owner.Bounds.X + 35, owner.Bounds.Y + 45);
                string picture = CompositorSession.SaveForInspection(screen, "popup");
                Assert.True(Argb.Yellow == screen.GetPixel(x0, y0), $"popup top-left at ({x0}, {y0}) is {Pixels.Hex(screen.GetPixel(x0, y0))} ({picture})");
                Assert.Equal(Argb.Yellow, screen.GetPixel(x0 + 49, y0 + 39));
                Assert.Equal(Argb.Blue, screen.GetPixel(x0 - 1, y0));
                Assert.Equal(Argb.Blue, screen.GetPixel(x0, y0 - 1));
                Assert.Equal(Argb.Blue, screen.GetPixel(x0 + 50, y0 + 39));
                Assert.Equal(50 * 40, Pixels.CountOf(screen, new Rect(0, 0, screen.Width, screen.Height), Argb.Yellow));

                // A popup is not a window, and CaptureWindow leaves it out.
                Assert.Single(session.Compositor.GetWindows());
                Assert.Equal(Argb.Blue, session.Compositor.CaptureWindow(owner.Id)!.GetPixel(35, 45));
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void A_popup_that_would_leave_the_output_is_flipped_to_the_other_side()
    {
        CompositorSession.Run("popup-flip", new HeadlessCompositorOptions { Width = 320, Height = 240 }, session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                // The window is cascaded to (32, 32), so its right edge is at 232; a 100-wide popup growing right from
                // x = 190 would end at 32 + 290 > 320. Flipped, it grows left from the anchor rect's left edge.
                TestWindow parent = client.MapWindow("edge", client.SolidBuffer(200, 150, Argb.Blue));
                TestPopup popup = TestPopup.Open(client, parent, positioner =>
                {
                    positioner.SetSize(100, 20);
                    positioner.SetAnchorRect(180, 10, 10, 10);
                    positioner.SetAnchor(XdgPositionerAnchor.Right);
                    positioner.SetGravity(XdgPositionerGravity.Right);
                    positioner.SetConstraintAdjustment((uint)XdgPositionerConstraintAdjustment.FlipX);
                });
                WindowInfo owner = session.WaitForWindow("edge");
                Assert.Equal((32, 32), (owner.Bounds.X, owner.Bounds.Y));
                // Anchor point (180, 15) on the left edge of the rect; growing left: x = 80; centred vertically: y = 5.
                Assert.Equal((80, 5, 100, 20), popup.Placement);
            }

            session.AssertNoProtocolErrors();
        });
    }
}
