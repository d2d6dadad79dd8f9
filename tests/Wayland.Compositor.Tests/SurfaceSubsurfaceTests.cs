using Wayland.Client;
using Wayland.Client.Protocol;

namespace Wayland.Compositor.Tests;

/// <summary>
/// wl_subsurface commit modes, stacking and removal driven by a Wayland.Client program, each checked in the
/// screenshot: synchronized state waits for the parent (through nested sub-surfaces), desynchronized state shows at
/// once and takes a cache left from when it was synchronized along, place_above/place_below restack, and a destroyed
/// wl_subsurface leaves the screen.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class SurfaceSubsurfaceTests
{
    [Fact]
    public void Nested_synchronized_sub_surfaces_show_only_when_the_window_commits()
    {
        Run("subsurface-nested", (session, client, subcompositor, window, bounds) =>
        {
            (WlSurface middle, _) = client.AddSubsurface(subcompositor, window.Surface, client.SolidBuffer(60, 50, Argb.Red), 10, 10);
            (WlSurface inner, _) = client.AddSubsurface(subcompositor, middle, client.SolidBuffer(20, 20, Argb.Green), 5, 5);
            client.Roundtrip();
            Assert.Equal(0, Count(session, bounds, Argb.Green) + Count(session, bounds, Argb.Red));

            // The middle surface's commit is cached too (it is synchronized): still nothing.
            middle.Commit();
            client.Roundtrip();
            Assert.Equal(0, Count(session, bounds, Argb.Green) + Count(session, bounds, Argb.Red));

            window.Surface.Commit();
            client.Roundtrip();
            Image screen = session.Compositor.CaptureOutput();
            string picture = CompositorSession.SaveForInspection(screen, "subsurface-nested");
            Assert.True(Pixels.CountOf(screen, new Rect(bounds.X + 15, bounds.Y + 15, 20, 20), Argb.Green) == 400, $"the inner sub-surface is missing ({picture})");
            Assert.Equal((60 * 50) - 400, Pixels.CountOf(screen, bounds, Argb.Red));

            // A new buffer of the inner surface waits for both parents again.
            inner.Attach(client.SolidBuffer(20, 20, Argb.Yellow).Buffer, 0, 0);
            inner.Commit();
            middle.Commit();
            client.Roundtrip();
            Assert.Equal(0, Count(session, bounds, Argb.Yellow));
            window.Surface.Commit();
            client.Roundtrip();
            Assert.Equal(400, Count(session, bounds, Argb.Yellow));
        });
    }

    [Fact]
    public void A_desynchronized_sub_surface_shows_its_commits_at_once_and_set_desync_applies_the_cache()
    {
        Run("subsurface-desync", (session, client, subcompositor, window, bounds) =>
        {
            (WlSurface child, WlSubsurface subsurface) = client.AddSubsurface(subcompositor, window.Surface, client.SolidBuffer(20, 20, Argb.Red), 10, 10);
            window.Surface.Commit();
            client.Roundtrip();
            Assert.Equal(400, Count(session, bounds, Argb.Red));

            // Synchronized: the green buffer is cached. set_desync with a desynchronized parent (the window) applies it.
            child.Attach(client.SolidBuffer(20, 20, Argb.Green).Buffer, 0, 0);
            child.Commit();
            client.Roundtrip();
            Assert.Equal(400, Count(session, bounds, Argb.Red));
            subsurface.SetDesync();
            client.Roundtrip();
            Assert.Equal(400, Count(session, bounds, Argb.Green));

            // Desynchronized: each commit shows without the parent.
            child.Attach(client.SolidBuffer(20, 20, Argb.Yellow).Buffer, 0, 0);
            child.Commit();
            client.Roundtrip();
            Assert.Equal(400, Count(session, bounds, Argb.Yellow));
        });
    }

    [Fact]
    public void A_commit_in_desynchronized_mode_adds_to_the_cache_left_from_synchronized_mode_and_applies_the_whole()
    {
        Run("subsurface-desync-cache", (session, client, subcompositor, window, bounds) =>
        {
            // window ← middle ← inner, both synchronized. The inner surface joins the middle one's stack, at (5, 5),
            // when the middle surface's state is applied (its commit, then the window's); then its buffer is cached.
            (WlSurface middle, WlSubsurface middleRole) = client.AddSubsurface(subcompositor, window.Surface, client.SolidBuffer(60, 50, Argb.Red), 10, 10);
            WlSurface inner = client.Own(client.Compositor.CreateSurface());
            WlSubsurface innerRole = client.Own(subcompositor.GetSubsurface(inner, middle));
            innerRole.SetPosition(5, 5);
            middle.Commit();
            window.Surface.Commit();
            inner.Attach(client.SolidBuffer(20, 20, Argb.Green).Buffer, 0, 0);
            inner.DamageBuffer(0, 0, 20, 20);
            inner.Commit();
            client.Roundtrip();
            Assert.Equal((60 * 50, 0), (Count(session, bounds, Argb.Red), Count(session, bounds, Argb.Green)));

            // set_desync on the inner surface: its parent still behaves as synchronized, so the cache stays. Then the
            // middle surface becomes desynchronized, which leaves the inner surface's cache alone as well.
            innerRole.SetDesync();
            middleRole.SetDesync();
            client.Roundtrip();
            Assert.Equal(0, Count(session, bounds, Argb.Green));

            // Now the inner surface is desynchronized with a cache: its commit (with no buffer of its own) adds to the
            // cache and applies the whole.
            inner.Commit();
            client.Roundtrip();
            Image screen = session.Compositor.CaptureOutput();
            string picture = CompositorSession.SaveForInspection(screen, "subsurface-desync-cache");
            Assert.True(Pixels.CountOf(screen, new Rect(bounds.X + 15, bounds.Y + 15, 20, 20), Argb.Green) == 400,
                $"the cached buffer was not applied by the desynchronized commit ({picture})");
        });
    }

    [Fact]
    public void Place_above_and_place_below_restack_sub_surfaces_on_the_parent_commit()
    {
        Run("subsurface-stacking", (session, client, subcompositor, window, bounds) =>
        {
            // Red at (10, 10) and green at (30, 30), both 40 × 40: they overlap in (30..50, 30..50).
            (WlSurface red, WlSubsurface redRole) = client.AddSubsurface(subcompositor, window.Surface, client.SolidBuffer(40, 40, Argb.Red), 10, 10);
            (WlSurface green, _) = client.AddSubsurface(subcompositor, window.Surface, client.SolidBuffer(40, 40, Argb.Green), 30, 30);
            window.Surface.Commit();
            client.Roundtrip();
            Assert.Equal(Argb.Green, Pixel(session, bounds, 35, 35)); // the later sub-surface is on top

            redRole.PlaceAbove(green);
            client.Roundtrip();
            Assert.Equal(Argb.Green, Pixel(session, bounds, 35, 35)); // stacking is parent state: not yet
            window.Surface.Commit();
            client.Roundtrip();
            Assert.Equal(Argb.Red, Pixel(session, bounds, 35, 35));

            // Below the parent: the blue parent hides the red sub-surface where they overlap; green stays above.
            redRole.PlaceBelow(window.Surface);
            window.Surface.Commit();
            client.Roundtrip();
            Image screen = session.Compositor.CaptureOutput();
            string picture = CompositorSession.SaveForInspection(screen, "subsurface-stacking");
            Assert.True(Pixels.CountOf(screen, bounds, Argb.Red) == 0, $"the red sub-surface shows above its parent ({picture})");
            Assert.Equal(Argb.Green, screen.GetPixel(bounds.X + 35, bounds.Y + 35));
            Assert.Equal(Argb.Blue, screen.GetPixel(bounds.X + 15, bounds.Y + 15));
        });
    }

    [Fact]
    public void Destroying_the_wl_subsurface_takes_its_pixels_off_the_screen()
    {
        Run("subsurface-destroy", (session, client, subcompositor, window, bounds) =>
        {
            // The sub-surface reaches beyond its parent, where only its own damage can clear it.
            (_, WlSubsurface subsurface) = client.AddSubsurface(subcompositor, window.Surface, client.SolidBuffer(40, 40, Argb.Red), 80, 60);
            window.Surface.Commit();
            client.Roundtrip();
            Image shown = session.Compositor.CaptureOutput();
            Assert.Equal(1600, Pixels.CountOf(shown, new Rect(0, 0, shown.Width, shown.Height), Argb.Red));

            subsurface.Dispose();
            client.Roundtrip();
            Image screen = session.Compositor.CaptureOutput();
            string picture = CompositorSession.SaveForInspection(screen, "subsurface-destroy");
            Assert.True(Pixels.CountOf(screen, new Rect(0, 0, screen.Width, screen.Height), Argb.Red) == 0, $"the destroyed sub-surface is still shown ({picture})");
            Assert.Equal(100 * 80, Pixels.CountOtherThan(screen, new Rect(0, 0, screen.Width, screen.Height), session.Options.Background));
        });
    }

    /// <summary>A session with one client and a mapped 100 × 80 blue window; the window's bounds are passed on.</summary>
    private static void Run(string purpose, Action<CompositorSession, ManagedClient, WlSubcompositor, TestWindow, Rect> test)
    {
        CompositorSession.Run(purpose, session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                using WlSubcompositor subcompositor = client.Globals.Bind<WlSubcompositor>();
                TestWindow window = client.MapWindow(purpose, client.SolidBuffer(100, 80, Argb.Blue));
                Rect bounds = session.WaitForWindow(purpose).Bounds;
                test(session, client, subcompositor, window, bounds);
            }

            session.AssertNoProtocolErrors();
        });
    }

    /// <summary>Pixels of <paramref name="color"/> on the screen inside <paramref name="area"/>.</summary>
    private static int Count(CompositorSession session, Rect area, uint color) => Pixels.CountOf(session.Compositor.CaptureOutput(), area, color);

    /// <summary>The screen pixel at (<paramref name="x"/>, <paramref name="y"/>) of the window.</summary>
    private static uint Pixel(CompositorSession session, Rect window, int x, int y) => session.Compositor.CaptureOutput().GetPixel(window.X + x, window.Y + y);
}
