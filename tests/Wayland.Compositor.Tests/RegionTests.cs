using Wayland.Compositor.Surfaces;

namespace Wayland.Compositor.Tests;

/// <summary>wl_region's banded boxes against a pixel model: exact, minimal, bounded, and shared by snapshots.</summary>
public sealed class RegionTests
{
    /// <summary>The model covers -16 to 112 on both axes, all the random rectangles can reach.</summary>
    private const int Origin = -16;
    private const int Size = 128;

    [Fact]
    public void Random_adds_and_subtracts_match_a_pixel_model_in_the_fewest_banded_boxes()
    {
        Random random = new(20261202);
        for (int round = 0; round < 200; round++)
        {
            Region region = new();
            bool[,] model = new bool[Size, Size];
            Region? snapshot = null;
            bool[,]? snapshotModel = null;
            for (int step = 0; step < 40; step++)
            {
                Rect rect = new(random.Next(-12, 70), random.Next(-12, 70), random.Next(-2, 30), random.Next(-2, 30));
                bool add = random.Next(3) != 0;
                Assert.True(add ? region.Add(rect) : region.Subtract(rect));
                Paint(model, rect, add);
                if (step == 20)
                {
                    snapshot = region.Clone();
                    snapshotModel = (bool[,])model.Clone();
                }
            }

            AssertMatches(model, region, $"round {round}");
            AssertMatches(snapshotModel!, snapshot!, $"round {round}'s snapshot, after the region changed 19 more times");
            Assert.Equal(CanonicalBoxes(model), region.Count);
        }
    }

    [Fact]
    public void Huge_coordinates_are_held_without_wrapping()
    {
        Region region = new();
        Assert.True(region.Add(new Rect(int.MinValue, int.MinValue, int.MaxValue, int.MaxValue)));
        Assert.True(region.Add(new Rect(-1, int.MinValue, int.MaxValue, int.MaxValue))); // joins it: wider than an int
        Assert.True(region.Subtract(new Rect(int.MaxValue, int.MinValue, int.MaxValue, int.MaxValue))); // empty: its right edge saturates
        Assert.Equal(1, region.Count);
        Assert.True(region.Contains(int.MinValue, int.MinValue));
        Assert.True(region.Contains(int.MaxValue - 2, -2));
        Assert.False(region.Contains(int.MaxValue - 1, -2));
        Assert.False(region.Contains(0, -1));
    }

    [Fact]
    public void A_region_that_would_need_more_than_its_limit_of_boxes_is_refused_and_left_as_it_was()
    {
        Region region = new();
        int added = 0;
        bool refused = false;
        for (int y = 0; y < 200 && !refused; y++)
        {
            for (int x = 0; x < 100 && !refused; x++)
            {
                refused = !region.Add(new Rect(2 * x, 2 * y, 1, 1)); // a checkerboard: nothing merges
                added += refused ? 0 : 1;
            }
        }

        Assert.True(refused);
        Assert.Equal((Region.MaxBoxes, Region.MaxBoxes), (added, region.Count));
        Assert.True(region.Contains(0, 0));
        Assert.False(region.Contains(1, 0));
        Assert.False(region.Contains(2 * (Region.MaxBoxes % 100), 2 * (Region.MaxBoxes / 100))); // the refused one
        Assert.True(region.Subtract(new Rect(0, 0, 200, 400))); // emptying it is always possible
        Assert.Equal(0, region.Count);
    }

    [Fact]
    public void Snapshots_share_the_boxes_instead_of_copying_them()
    {
        Region region = new();
        for (int i = 0; i < 1000; i++)
        {
            Assert.True(region.Add(new Rect(2 * (i % 50), 2 * (i / 50), 1, 1)));
        }

        Assert.Equal(1000, region.Count);
        region.Clone();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Region[] snapshots = new Region[1000];
        for (int i = 0; i < snapshots.Length; i++)
        {
            snapshots[i] = region.Clone();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1000 * 128, $"1000 snapshots of 1000 boxes allocated {allocated} bytes");
        Assert.Same(snapshots[0], snapshots[0].Clone());

        // The region changes; the snapshots keep what they saw.
        Assert.True(region.Subtract(new Rect(0, 0, 1, 1)));
        Assert.False(region.Contains(0, 0));
        Assert.All(snapshots, snapshot => Assert.True(snapshot.Contains(0, 0)));
    }

    [Fact]
    public void Rectangles_within_bounds_keep_the_largest_when_there_is_no_room_for_all()
    {
        Region region = new();
        region.Add(new Rect(0, 0, 100, 10));
        region.Subtract(new Rect(10, 0, 1, 10));
        region.Subtract(new Rect(50, 0, 1, 10));
        Span<Rect> into = stackalloc Rect[2];
        int count = region.ToRectangles(new Rect(5, 0, 200, 5), into);
        Assert.Equal(2, count);
        Assert.Equal([new Rect(51, 0, 49, 5), new Rect(11, 0, 39, 5)], into.ToArray().OrderByDescending(r => r.Width));
        Assert.Equal(0, region.ToRectangles(new Rect(200, 0, 10, 10), into));
    }

    private static void Paint(bool[,] model, Rect rect, bool value)
    {
        for (int y = Math.Max(rect.Y, Origin); y < Math.Min(rect.Bottom, Origin + Size); y++)
        {
            for (int x = Math.Max(rect.X, Origin); x < Math.Min(rect.Right, Origin + Size); x++)
            {
                model[y - Origin, x - Origin] = value;
            }
        }
    }

    private static void AssertMatches(bool[,] model, Region region, string what)
    {
        // Point tests, one beyond the model on each side included.
        for (int y = Origin - 1; y <= Origin + Size; y++)
        {
            for (int x = Origin - 1; x <= Origin + Size; x++)
            {
                bool expected = x >= Origin && y >= Origin && x < Origin + Size && y < Origin + Size && model[y - Origin, x - Origin];
                Assert.True(expected == region.Contains(x, y), $"{what}: ({x}, {y}) should be {(expected ? "in" : "out")}");
            }
        }

        // The rectangles cover the model exactly once.
        Span<Rect> rects = new Rect[Region.MaxBoxes];
        int count = region.ToRectangles(new Rect(Origin - 100, Origin - 100, Size + 200, Size + 200), rects);
        int[,] covered = new int[Size, Size];
        foreach (Rect rect in rects[..count])
        {
            for (int y = rect.Y; y < rect.Bottom; y++)
            {
                for (int x = rect.X; x < rect.Right; x++)
                {
                    covered[y - Origin, x - Origin]++;
                }
            }
        }

        for (int y = 0; y < Size; y++)
        {
            for (int x = 0; x < Size; x++)
            {
                Assert.True(covered[y, x] == (model[y, x] ? 1 : 0), $"{what}: ({x + Origin}, {y + Origin}) covered {covered[y, x]} times");
            }
        }
    }

    /// <summary>Boxes of the canonical banded form: each row's runs, with equal neighbouring rows merged.</summary>
    private static int CanonicalBoxes(bool[,] model)
    {
        int boxes = 0;
        string? previous = null;
        for (int y = 0; y < Size; y++)
        {
            List<int> edges = [];
            for (int x = 0; x < Size; x++)
            {
                bool left = x > 0 && model[y, x - 1];
                if (model[y, x] != left)
                {
                    edges.Add(x);
                }
            }

            string row = string.Join(",", edges);
            if (row != previous)
            {
                boxes += (edges.Count + 1) / 2;
            }

            previous = edges.Count == 0 ? null : row;
        }

        return boxes;
    }
}
