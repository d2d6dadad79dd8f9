using CsCheck;
using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Compositor.Rendering;
using Wayland.Compositor.Surfaces;
using Wayland.Protocols;
using Wayland.Testing;

namespace Wayland.Compositor.Tests;

/// <summary>
/// wl_surface.set_opaque_region and occlusion. The compositor skips what lies below opaque areas (an XRGB surface, or
/// an opaque region) and copies a surface's pixels there instead of blending them (as weston does, a client's alpha
/// there is ignored); these tests hold the screen to a model here that draws every window, bottom to top, with no
/// occlusion at all, on random stacks of ARGB and XRGB windows with random opaque regions, moves and damage. A failure
/// prints CsCheck's seed.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class OpaqueRegionTests
{
    private const int LogicalWidth = 160;
    private const int LogicalHeight = 120;

    private static readonly Gen<Rect> LocalRect =
        Gen.Select(Gen.Int[-8, 64], Gen.Int[-8, 56], Gen.Int[0, 60], Gen.Int[0, 50], (x, y, w, h) => new Rect(x, y, w, h));

    /// <summary>Null: no set_opaque_region at all; else the region's operations (mostly adds).</summary>
    private static readonly Gen<RegionOp[]?> OpaqueRegion = Gen.Int[0, 3].SelectMany(kind => kind == 0
        ? Gen.Const((RegionOp[]?)null)
        : Gen.Select(LocalRect, Gen.Int[0, 3], (rect, add) => new RegionOp(rect, add != 0)).Array[0, 3].Select(ops => (RegionOp[]?)ops));

    private static readonly Gen<WindowSpec> Window = Gen.Select(
        Gen.Int[4, 64], Gen.Int[4, 56], Gen.Int[-12, LogicalWidth - 4], Gen.Int[-12, LogicalHeight - 4], Gen.Int[0, 2], Gen.Int, OpaqueRegion,
        (w, h, x, y, format, seed, region) => new WindowSpec(w, h, x, y, format == 0, seed, region));

    private static readonly Gen<UpdateSpec> Update = Gen.Select(
        Gen.Int[0, 3], LocalRect, Gen.Int, Gen.Int[0, 4], OpaqueRegion, Gen.Int[-12, LogicalWidth - 4], Gen.Int[-12, LogicalHeight - 4],
        (window, damage, seed, kind, region, x, y) => new UpdateSpec(window, damage, seed, kind, region, x, y));

    private static readonly Gen<(WindowSpec[] Windows, UpdateSpec[] Updates)> Scenario = Gen.Select(Window.Array[1, 5], Update.Array[0, 5]);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Random_stacks_with_opaque_regions_show_exactly_what_drawing_everything_shows(int scale)
    {
        HeadlessCompositorOptions options = new() { Width = LogicalWidth * scale, Height = LogicalHeight * scale, Scale = scale };
        CompositorSession.Run($"opaque-stacks-{scale}", options, session =>
        {
            int round = 0;
            Scenario.Sample(scenario =>
            {
                round++;
                using ManagedClient client = ManagedClient.Connect(session.SocketPath);
                List<ModelWindow> model = [];
                foreach (WindowSpec spec in scenario.Windows)
                {
                    string title = $"stack-{round}-{model.Count}";
                    TestWindow window = client.CreateWindow(title);
                    window.Surface.Commit();
                    client.DispatchUntil(() => window.Configures > 0, "the initial configure");
                    ModelWindow shown = new(window, spec.Width, spec.Height, spec.Xrgb);
                    SetOpaqueRegion(client, shown, spec.Region);
                    ShmBuffer buffer = Buffer(client, spec.Width, spec.Height, spec.Xrgb, spec.Seed);
                    window.Show(buffer);
                    shown.Copy(buffer, new Rect(0, 0, spec.Width, spec.Height));
                    client.Roundtrip();
                    shown.Id = session.WaitForWindow(title).Id;
                    Assert.True(session.Compositor.MoveWindow(shown.Id, spec.X, spec.Y));
                    (shown.X, shown.Y) = (spec.X, spec.Y);
                    model.Add(shown);
                }

                AssertScreen(session, model, scale, "after mapping");
                foreach (UpdateSpec update in scenario.Updates)
                {
                    ModelWindow shown = model[update.Window % model.Count];
                    switch (update.Kind)
                    {
                        case 0:
                            Assert.True(session.Compositor.MoveWindow(shown.Id, update.X, update.Y));
                            (shown.X, shown.Y) = (update.X, update.Y);
                            break;
                        case 1:
                            SetOpaqueRegion(client, shown, update.Region);
                            shown.Window.Surface.Commit();
                            break;
                        default:
                            // A new buffer with damage: only the damaged part of it is to be shown.
                            ShmBuffer buffer = Buffer(client, shown.Width, shown.Height, shown.Xrgb, update.Seed);
                            if (update.Kind == 3)
                            {
                                SetOpaqueRegion(client, shown, update.Region);
                            }

                            shown.Window.Surface.Attach(buffer.Buffer, 0, 0);
                            shown.Window.Surface.DamageBuffer(update.Damage.X, update.Damage.Y, update.Damage.Width, update.Damage.Height);
                            shown.Window.Surface.Commit();
                            shown.Copy(buffer, update.Damage.IsEmpty ? new Rect(0, 0, shown.Width, shown.Height) : update.Damage);
                            break;
                    }

                    client.Roundtrip();
                    AssertScreen(session, model, scale, $"after {update}");
                }
            }, iter: 40, threads: 1, print: s => $"windows [{string.Join(", ", s.Windows)}], updates [{string.Join(", ", s.Updates)}]");

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Within_the_opaque_region_an_argb_window_hides_what_is_below_and_its_alpha_is_ignored()
    {
        CompositorSession.Run("opaque-argb", new HeadlessCompositorOptions { Width = LogicalWidth, Height = LogicalHeight }, session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);

            // Half-transparent blue (premultiplied), opaque only in its left half.
            TestWindow above = MapOverRed(session, client, client.SolidBuffer(50, 40, 0x80000080), region => region.Add(0, 0, 25, 40));

            Image screen = session.Compositor.CaptureOutput();
            Assert.Equal(25 * 40, Pixels.CountOf(screen, new Rect(10, 10, 25, 40), 0xFF000080));
            Assert.Equal(25 * 40, Pixels.CountOf(screen, new Rect(35, 10, 25, 40), Blending.Blend(Argb.Red, 0x80000080)));

            // Unset (a null region): blended everywhere again.
            AssertBlendedAfter(session, client, above, null, new Rect(10, 10, 50, 40));
        });
    }

    [Fact]
    public void A_libwayland_peer_s_opaque_region_hides_what_is_below_and_its_alpha_there_is_ignored()
    {
        CompositorSession.Run("opaque-peer", new HeadlessCompositorOptions { Width = LogicalWidth, Height = LogicalHeight }, session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            MapRed(session, client);

            // 64x64 of translucent blue 0x80000080, opaque in its left 32x64 (tests/native/xdg-peer opaque).
            using ClientProcess peer = session.Launch(NativePeers.Path("xdg-peer"), ["opaque", "peer"]);
            session.WaitUntil(() => peer.Output.Contains("mapped", StringComparison.Ordinal), () => $"the peer to map\n{peer.Describe()}");
            Assert.True(session.Compositor.MoveWindow(session.WaitForWindow("peer").Id, 10, 10));

            Image screen = session.Compositor.CaptureOutput();
            Assert.Equal(32 * 64, Pixels.CountOf(screen, new Rect(10, 10, 32, 64), 0xFF000080));
            Assert.Equal(32 * 64, Pixels.CountOf(screen, new Rect(42, 10, 32, 64), Blending.Blend(Argb.Red, 0x80000080)));
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void An_opaque_region_of_a_thousand_rectangles_is_drawn_right_from_its_largest_pieces()
    {
        CompositorSession.Run("opaque-hostile", new HeadlessCompositorOptions { Width = LogicalWidth, Height = LogicalHeight }, session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);

            // A thousand one-pixel rectangles on a checkerboard (ten rows of a hundred: within the region's limit of
            // rectangles), and the extremes of the coordinates.
            TestWindow above = MapOverRed(session, client, client.SolidBuffer(60, 50, 0x80000080), region =>
            {
                for (int i = 0; i < 1000; i++)
                {
                    region.Add((i % 100 * 2) + (i / 100 % 2), i / 100, 1, 1);
                }
            });
            Image screen = session.Compositor.CaptureOutput();

            // Only the largest pieces of an opaque region are used (a bounded number): those pixels are copied opaque,
            // each one inside the region; every other pixel of the window is blended, as without a region.
            Rect window = new(10, 10, 60, 50);
            int opaque = Pixels.CountOf(screen, window, 0xFF000080);
            Assert.InRange(opaque, 1, Surface.MaxOpaqueRectangles);
            Assert.Equal((60 * 50) - opaque, Pixels.CountOf(screen, window, Blending.Blend(Argb.Red, 0x80000080)));
            for (int y = 0; y < 50; y++)
            {
                for (int x = 0; x < 60; x++)
                {
                    bool inRegion = y < 10 && x % 2 == y % 2;
                    Assert.True(inRegion || screen.GetPixel(10 + x, 10 + y) != 0xFF000080, $"({x}, {y}) is opaque outside the region");
                }
            }

            // The first rectangle ends at −1 on both axes: nothing of the surface is opaque.
            WlRegion extreme = client.Own(client.Compositor.CreateRegion());
            extreme.Add(int.MinValue, int.MinValue, int.MaxValue, int.MaxValue);
            extreme.Add(int.MaxValue - 1, int.MaxValue - 1, int.MaxValue, int.MaxValue);
            extreme.Subtract(int.MinValue, 20, int.MaxValue, int.MaxValue);
            AssertBlendedAfter(session, client, above, extreme, new Rect(10, 10, 60, 50));
        });
    }

    [Fact]
    public void Region_rectangles_are_disjoint_inside_the_region_and_exact_when_few()
    {
        Gen.Select(Gen.Select(LocalRect, Gen.Int[0, 3], (rect, add) => new RegionOp(rect, add != 0)).Array[0, 12], LocalRect)
            .Sample((ops, bounds) =>
            {
                Region region = new();
                foreach (RegionOp op in ops)
                {
                    if (op.Add)
                    {
                        region.Add(op.Rect);
                    }
                    else
                    {
                        region.Subtract(op.Rect);
                    }
                }

                Rect[] into = new Rect[Surface.MaxOpaqueRectangles];
                int count = region.ToRectangles(bounds, into);
                for (int y = bounds.Y - 1; y <= bounds.Bottom; y++)
                {
                    for (int x = bounds.X - 1; x <= bounds.Right; x++)
                    {
                        int holding = into.Take(count).Count(r => r.Contains(x, y));
                        Assert.True(holding <= 1, $"({x}, {y}) lies in {holding} rectangles");
                        bool inside = bounds.Contains(x, y) && region.Contains(x, y);
                        Assert.True(holding == 0 || inside, $"({x}, {y}) is outside the region or the bounds");

                        // Two operations make at most five rectangles: nothing is left out.
                        Assert.True(ops.Length > 2 || holding == (inside ? 1 : 0), $"({x}, {y}) was left out");
                    }
                }
            }, iter: 2000);
    }

    [Fact]
    public void A_region_needing_too_many_rectangles_refuses_the_change_and_many_rectangles_are_cut_to_the_largest()
    {
        Region region = new();
        region.Add(new Rect(0, 0, 1000, 1000));
        for (int i = 1; i < 200; i++)
        {
            // A ladder of holes splits the square into many pieces.
            region.Subtract(new Rect(i * 5, i * 5, 1, 1));
        }

        Rect[] into = new Rect[Surface.MaxOpaqueRectangles];
        int count = region.ToRectangles(new Rect(0, 0, 1000, 1000), into);
        Assert.Equal(Surface.MaxOpaqueRectangles, count);
        foreach (Rect rect in into)
        {
            for (int i = 1; i < 200; i++)
            {
                Assert.False(rect.Contains(i * 5, i * 5), $"{rect} holds the hole at {i * 5}");
            }
        }

        // A change whose result would need more than Region.MaxBoxes rectangles is refused and changes nothing.
        Region ladder = new();
        int added = 0;
        while (ladder.Add(new Rect(added * 2, 0, 1, 1)))
        {
            added++;
        }

        Assert.Equal(Region.MaxBoxes, added);
        Assert.Equal(Region.MaxBoxes, ladder.Count);
        Assert.False(ladder.Contains(Region.MaxBoxes * 2, 0));
    }

    [Fact]
    public void Weston_fullscreen_sets_an_opaque_region_and_a_translucent_window_over_it_blends_with_its_pixels()
    {
        CompositorSession.Run("opaque-fullscreen", new HeadlessCompositorOptions { Width = 320, Height = 240 }, session =>
        {
            ClientProcess fullscreen = session.Launch("/usr/bin/weston-fullscreen", ["-w", "320", "-h", "240"]);
            WindowInfo info = session.WaitForWindow(fullscreen);
            session.WaitUntil(() => session.Compositor.CaptureWindow(info.Id) is { Width: 320 }, "weston-fullscreen's 320x240 buffer");
            Image alone = session.Compositor.CaptureOutput();
            Image window = session.Compositor.CaptureWindow(info.Id)!;

            // Its whole surface is opaque: the screen shows its pixels with alpha 255, and no background.
            int differing = 0;
            for (int y = 0; y < 240; y++)
            {
                for (int x = 0; x < 320; x++)
                {
                    differing += alone.GetRow(y)[x] != (window.GetRow(y)[x] | 0xFF000000) ? 1 : 0;
                }
            }

            Assert.True(differing == 0, $"{differing} pixels differ from weston-fullscreen's ({CompositorSession.SaveForInspection(alone, "weston-fullscreen")})");

            // A translucent window over it blends with those pixels; the rest stays as it was.
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            client.MapWindow("glass", client.SolidBuffer(60, 50, 0x80008000));
            Assert.True(session.Compositor.MoveWindow(session.WaitForWindow("glass").Id, 30, 20));
            Image covered = session.Compositor.CaptureOutput();
            for (int y = 0; y < 240; y++)
            {
                for (int x = 0; x < 320; x++)
                {
                    uint expected = new Rect(30, 20, 60, 50).Contains(x, y) ? Blending.Blend(alone.GetRow(y)[x], 0x80008000) : alone.GetRow(y)[x];
                    Assert.True(expected == covered.GetRow(y)[x], $"({x}, {y}): {covered.GetRow(y)[x]:X8}, expected {expected:X8}");
                }
            }

            session.AssertNoProtocolErrors();
        });
    }

    /// <summary>A 100x80 red window at (0, 0).</summary>
    private static void MapRed(CompositorSession session, ManagedClient client)
    {
        client.MapWindow("below", client.SolidBuffer(100, 80, Argb.Red));
        Assert.True(session.Compositor.MoveWindow(session.WaitForWindow("below").Id, 0, 0));
    }

    /// <summary>A window "above" at (10, 10) over a red one, showing <paramref name="buffer"/> with the opaque region <paramref name="build"/> makes.</summary>
    private static TestWindow MapOverRed(CompositorSession session, ManagedClient client, ShmBuffer buffer, Action<WlRegion> build)
    {
        MapRed(session, client);
        TestWindow above = client.CreateWindow("above");
        above.Surface.Commit();
        client.DispatchUntil(() => above.Configures > 0, "the initial configure");
        WlRegion region = client.Own(client.Compositor.CreateRegion());
        build(region);
        above.Surface.SetOpaqueRegion(region);
        above.Show(buffer);
        client.Roundtrip();
        Assert.True(session.Compositor.MoveWindow(session.WaitForWindow("above").Id, 10, 10));
        return above;
    }

    /// <summary>Sets <paramref name="region"/> as the window's opaque region and commits: all of <paramref name="area"/> then shows its blue blended over red.</summary>
    private static void AssertBlendedAfter(CompositorSession session, ManagedClient client, TestWindow window, WlRegion? region, Rect area)
    {
        window.Surface.SetOpaqueRegion(region);
        window.Surface.Commit();
        client.Roundtrip();
        Image screen = session.Compositor.CaptureOutput();
        Assert.Equal(area.Width * area.Height, Pixels.CountOf(screen, area, Blending.Blend(Argb.Red, 0x80000080)));
        session.AssertNoProtocolErrors();
    }

    private static void SetOpaqueRegion(ManagedClient client, ModelWindow window, RegionOp[]? ops)
    {
        if (ops is null)
        {
            window.Window.Surface.SetOpaqueRegion(null);
            window.Region = null;
            return;
        }

        using WlRegion region = client.Compositor.CreateRegion();
        foreach (RegionOp op in ops)
        {
            if (op.Add)
            {
                region.Add(op.Rect.X, op.Rect.Y, op.Rect.Width, op.Rect.Height);
            }
            else
            {
                region.Subtract(op.Rect.X, op.Rect.Y, op.Rect.Width, op.Rect.Height);
            }
        }

        // The surface keeps the region as it is now, even once the wl_region is gone.
        window.Window.Surface.SetOpaqueRegion(region);
        window.Region = ops;
    }

    /// <summary>Random premultiplied pixels (clear, opaque and translucent), or for XRGB random bytes (the top one undefined).</summary>
    private static ShmBuffer Buffer(ManagedClient client, int width, int height, bool xrgb, int seed)
    {
        ShmPool pool = client.Own(ShmPool.Create(client.Shm, width * height * 4));
        ShmBuffer buffer = client.Own(pool.CreateBuffer(0, width, height, width * 4, xrgb ? WlShmFormat.Xrgb8888 : WlShmFormat.Argb8888));
        Random random = new(seed);
        Span<uint> pixels = buffer.Pixels;
        for (int i = 0; i < pixels.Length; i++)
        {
            uint alpha = (uint)random.Next(256);
            pixels[i] = xrgb ? (uint)random.Next() ^ ((uint)random.Next() << 16) : random.Next(4) switch
            {
                0 => 0,
                1 => 0xFF000000 | (uint)random.Next(1 << 24),
                _ => (alpha << 24) | ((uint)random.Next((int)alpha + 1) << 16) | ((uint)random.Next((int)alpha + 1) << 8) | (uint)random.Next((int)alpha + 1),
            };
        }

        return buffer;
    }

    /// <summary>The screen against the model: background, then every window bottom to top, copied where opaque and blended elsewhere.</summary>
    private static void AssertScreen(CompositorSession session, List<ModelWindow> windows, int scale, string when)
    {
        uint[] expected = new uint[LogicalWidth * LogicalHeight];
        Array.Fill(expected, session.Options.Background);
        foreach (ModelWindow window in windows)
        {
            for (int ly = 0; ly < window.Height; ly++)
            {
                for (int lx = 0; lx < window.Width; lx++)
                {
                    (int x, int y) = (window.X + lx, window.Y + ly);
                    if (x < 0 || y < 0 || x >= LogicalWidth || y >= LogicalHeight)
                    {
                        continue;
                    }

                    uint source = window.Content[(ly * window.Width) + lx];
                    ref uint target = ref expected[(y * LogicalWidth) + x];
                    target = window.Xrgb || window.IsOpaqueAt(lx, ly) ? source | 0xFF000000 : Blending.Blend(target, source);
                }
            }
        }

        Image screen = session.Compositor.CaptureOutput();
        Assert.Equal((LogicalWidth * scale, LogicalHeight * scale), (screen.Width, screen.Height));
        for (int y = 0; y < screen.Height; y++)
        {
            for (int x = 0; x < screen.Width; x++)
            {
                uint want = expected[(y / scale * LogicalWidth) + (x / scale)];
                if (screen.GetRow(y)[x] != want)
                {
                    Assert.Fail($"{when}: pixel ({x}, {y}) is {screen.GetRow(y)[x]:X8}, drawing everything gives {want:X8}; windows {string.Join(", ", windows)}");
                }
            }
        }
    }

    private sealed record RegionOp(Rect Rect, bool Add);

    private sealed record WindowSpec(int Width, int Height, int X, int Y, bool Xrgb, int Seed, RegionOp[]? Region)
    {
        public override string ToString() =>
            $"{Width}x{Height} at ({X}, {Y}) {(Xrgb ? "XRGB" : "ARGB")} seed {Seed} opaque [{(Region is null ? "unset" : string.Join(" ", Region.Select(r => $"{(r.Add ? '+' : '-')}{r.Rect}")))}]";
    }

    /// <summary>Kind 0 moves the window, 1 sets an opaque region alone, 2 commits a damaged new buffer, 3 both.</summary>
    private sealed record UpdateSpec(int Window, Rect Damage, int Seed, int Kind, RegionOp[]? Region, int X, int Y)
    {
        public override string ToString() =>
            $"window {Window} kind {Kind} damage {Damage} seed {Seed} to ({X}, {Y}) opaque [{(Region is null ? "unset" : string.Join(" ", Region.Select(r => $"{(r.Add ? '+' : '-')}{r.Rect}")))}]";
    }

    /// <summary>What the compositor should hold for one window: its place, pixels (as copied) and opaque region.</summary>
    private sealed class ModelWindow(TestWindow window, int width, int height, bool xrgb)
    {
        public TestWindow Window { get; } = window;

        public int Id { get; set; }

        public int Width { get; } = width;

        public int Height { get; } = height;

        public bool Xrgb { get; } = xrgb;

        public int X { get; set; }

        public int Y { get; set; }

        public uint[] Content { get; } = new uint[width * height];

        public RegionOp[]? Region { get; set; }

        public void Copy(ShmBuffer buffer, Rect damage)
        {
            Rect area = damage.Intersect(new Rect(0, 0, Width, Height));
            for (int y = area.Y; y < area.Bottom; y++)
            {
                for (int x = area.X; x < area.Right; x++)
                {
                    uint pixel = buffer.Pixels[(y * Width) + x];
                    Content[(y * Width) + x] = Xrgb ? pixel | 0xFF000000 : pixel;
                }
            }
        }

        public bool IsOpaqueAt(int x, int y)
        {
            for (int i = (Region?.Length ?? 0) - 1; i >= 0; i--)
            {
                if (Region![i].Rect.Contains(x, y))
                {
                    return Region[i].Add;
                }
            }

            return false;
        }

        public override string ToString() => $"{Width}x{Height} at ({X}, {Y}) {(Xrgb ? "XRGB" : "ARGB")}";
    }
}
