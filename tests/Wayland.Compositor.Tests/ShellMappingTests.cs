using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Compositor.Tests;

/// <summary>
/// Mapping and unmapping xdg surfaces, driven by a Wayland.Client program and checked on the wire and in the
/// screenshot: a commit without a buffer sends a toplevel or popup back to before its initial commit, and whatever
/// leaves or moves on the screen (a popup with its sub-surfaces, popups of a moved window) is repainted where it was.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ShellMappingTests
{
    [Fact]
    public void A_toplevel_unmapped_with_a_null_buffer_starts_over_from_get_toplevel()
    {
        CompositorSession.Run("remap", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow window = client.MapWindow("first", client.SolidBuffer(100, 80, Argb.Blue));
                WindowInfo first = session.WaitForWindow("first");
                Assert.True(first.IsActivated);
                session.Compositor.CaptureOutput();

                int configures = window.Configures;
                window.Surface.Attach(null, 0, 0);
                window.Surface.Commit();
                client.Roundtrip();
                Assert.Empty(session.Compositor.GetWindows());
                Image screen = session.Compositor.CaptureOutput();
                Assert.Equal(0, Pixels.CountOtherThan(screen, new Rect(0, 0, screen.Width, screen.Height), session.Options.Background));
                Assert.Equal(configures, window.Configures); // losing focus is no configure for an unmapped toplevel

                // The initial commit again (no buffer) is answered with a configure, as after get_toplevel.
                window.Surface.Commit();
                client.DispatchUntil(() => window.Configures > configures, "the configure answering the new initial commit");
                Assert.Equal((0, 0), window.SuggestedSize);

                window.Show(client.SolidBuffer(60, 40, Argb.Green));
                client.Roundtrip();
                WindowInfo again = Assert.Single(session.Compositor.GetWindows());
                Assert.Equal(first.Id, again.Id);
                Assert.Null(again.Title); // the title went with the unmap
                Assert.True(again.IsActivated);
                screen = session.Compositor.CaptureOutput();
                Assert.Equal(60 * 40, Pixels.CountOf(screen, again.Bounds, Argb.Green));
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void After_a_null_buffer_unmap_a_buffer_before_the_new_initial_commit_is_unconfigured_buffer()
    {
        CompositorSession.Run("remap-eager", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow window = client.MapWindow("eager again", client.SolidBuffer(50, 50, Argb.Blue));
                window.Surface.Attach(null, 0, 0);
                window.Surface.Commit();
                window.Show(client.SolidBuffer(50, 50, Argb.Red));
                WaylandProtocolException error = client.ExpectProtocolError();
                Assert.Equal(("xdg_surface", window.XdgSurface.Id, (uint)XdgSurfaceError.UnconfiguredBuffer), (error.InterfaceName, error.ObjectId, error.Code));
            }

            Wayland.Server.ClientError recorded = session.WaitForProtocolError();
            Assert.Equal(("xdg_surface", (uint)XdgSurfaceError.UnconfiguredBuffer), (recorded.Interface, recorded.Code));
        });
    }

    [Fact]
    public void A_popup_unmapped_with_a_null_buffer_takes_its_sub_surface_along_and_maps_again_after_a_new_configure()
    {
        CompositorSession.Run("popup-unmap", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                using WlSubcompositor subcompositor = client.Globals.Bind<WlSubcompositor>();
                TestWindow parent = client.MapWindow("owner", client.SolidBuffer(100, 80, Argb.Blue));
                TestPopup popup = OpenOutside(client, parent);
                int configures = 0;
                popup.XdgSurface.Configure += (_, _) => configures++;
                popup.Show(client.SolidBuffer(50, 40, Argb.Yellow));

                // A red sub-surface reaching out of the popup, where only its own damage repaints.
                client.AddSubsurface(subcompositor, popup.Surface, client.SolidBuffer(30, 30, Argb.Red), 40, 30);
                popup.Surface.Commit();
                client.Roundtrip();
                Image shown = session.Compositor.CaptureOutput();
                Rect whole = new(0, 0, shown.Width, shown.Height);
                Assert.Equal(900, Pixels.CountOf(shown, whole, Argb.Red));

                popup.Surface.Attach(null, 0, 0);
                popup.Surface.Commit();
                client.Roundtrip();
                Image screen = session.Compositor.CaptureOutput();
                string picture = CompositorSession.SaveForInspection(screen, "popup-unmap");
                Assert.True(Pixels.CountOtherThan(screen, whole, session.Options.Background) == 100 * 80,
                    $"the popup or its sub-surface is still shown ({picture})");

                // Mapping it again starts with a new initial commit and its configure.
                Assert.Equal(0, configures);
                popup.Surface.Commit();
                client.DispatchUntil(() => configures == 1, "the popup's configure answering the new initial commit");
                popup.Show(client.SolidBuffer(50, 40, Argb.Yellow));
                screen = session.Compositor.CaptureOutput();
                Assert.Equal(2000 - 100, Pixels.CountOf(screen, whole, Argb.Yellow));
                Assert.Equal(900, Pixels.CountOf(screen, whole, Argb.Red));
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Moving_a_window_moves_its_popups_and_repaints_where_they_were()
    {
        CompositorSession.Run("popup-move", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow parent = client.MapWindow("mover", client.SolidBuffer(100, 80, Argb.Blue));
                TestPopup popup = OpenOutside(client, parent);
                popup.Show(client.SolidBuffer(50, 40, Argb.Yellow));
                WindowInfo window = session.WaitForWindow("mover");
                Image shown = session.Compositor.CaptureOutput();
                Assert.Equal(2000, Pixels.CountOf(shown, window.Bounds.Offset(100, 80) with { Width = 50, Height = 40 }, Argb.Yellow));

                Assert.True(session.Compositor.MoveWindow(window.Id, 400, 300));
                Image screen = session.Compositor.CaptureOutput();
                Rect whole = new(0, 0, screen.Width, screen.Height);
                string picture = CompositorSession.SaveForInspection(screen, "popup-move");
                Assert.True(Pixels.CountOf(screen, new Rect(500, 380, 50, 40), Argb.Yellow) == 2000, $"the popup did not move with its window ({picture})");
                Assert.True(Pixels.CountOtherThan(screen, whole, session.Options.Background) == (100 * 80) + 2000,
                    $"something was left where the window and its popup were ({picture})");
            }

            session.AssertNoProtocolErrors();
        });
    }

    /// <summary>A 50 × 40 popup placed just beyond the parent's bottom-right corner (outside a 100 × 80 window).</summary>
    private static TestPopup OpenOutside(ManagedClient client, TestWindow parent) => TestPopup.Open(client, parent, positioner =>
    {
        positioner.SetSize(50, 40);
        positioner.SetAnchorRect(90, 70, 10, 10);
        positioner.SetAnchor(XdgPositionerAnchor.BottomRight);
        positioner.SetGravity(XdgPositionerGravity.BottomRight);
    });
}
