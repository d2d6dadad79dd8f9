namespace Wayland.Compositor.Tests;

/// <summary>Questions asked of screenshots: how many pixels differ from a colour or from another image, how many colours.</summary>
internal static class Pixels
{
    /// <summary>Pixels inside <paramref name="area"/> (clipped to the image) that are not <paramref name="color"/>.</summary>
    public static int CountOtherThan(Image image, Rect area, uint color)
    {
        Rect clipped = area.Intersect(new Rect(0, 0, image.Width, image.Height));
        int count = 0;
        for (int y = clipped.Y; y < clipped.Bottom; y++)
        {
            foreach (uint pixel in image.GetRow(y).Slice(clipped.X, clipped.Width))
            {
                if (pixel != color)
                {
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>Pixels inside <paramref name="area"/> (clipped to the image) that are exactly <paramref name="color"/>.</summary>
    public static int CountOf(Image image, Rect area, uint color)
    {
        Rect clipped = area.Intersect(new Rect(0, 0, image.Width, image.Height));
        return (clipped.Width * clipped.Height) - CountOtherThan(image, clipped, color);
    }

    /// <summary>Distinct colours inside <paramref name="area"/> (clipped to the image).</summary>
    public static int DistinctColors(Image image, Rect area)
    {
        Rect clipped = area.Intersect(new Rect(0, 0, image.Width, image.Height));
        HashSet<uint> colors = [];
        for (int y = clipped.Y; y < clipped.Bottom; y++)
        {
            foreach (uint pixel in image.GetRow(y).Slice(clipped.X, clipped.Width))
            {
                colors.Add(pixel);
            }
        }

        return colors.Count;
    }

    /// <summary>Pixels that differ between two images of the same size, inside <paramref name="area"/> when given.</summary>
    public static int CountDifferent(Image first, Image second, Rect? area = null)
    {
        Assert.True(first.Width == second.Width && first.Height == second.Height,
            $"images differ in size: {first.Width}x{first.Height} and {second.Width}x{second.Height}");
        Rect clipped = (area ?? new Rect(0, 0, first.Width, first.Height)).Intersect(new Rect(0, 0, first.Width, first.Height));
        int count = 0;
        for (int y = clipped.Y; y < clipped.Bottom; y++)
        {
            ReadOnlySpan<uint> a = first.GetRow(y).Slice(clipped.X, clipped.Width);
            ReadOnlySpan<uint> b = second.GetRow(y).Slice(clipped.X, clipped.Width);
            for (int x = 0; x < a.Length; x++)
            {
                if (a[x] != b[x])
                {
                    count++;
                }
            }
        }

        return count;
    }

    /// <summary>The smallest rectangle holding every pixel that differs between two images of the same size, inside
    /// <paramref name="area"/> (empty when they are equal there).</summary>
    public static Rect DifferenceBounds(Image first, Image second, Rect area)
    {
        Rect clipped = area.Intersect(new Rect(0, 0, first.Width, first.Height));
        Rect bounds = default;
        for (int y = clipped.Y; y < clipped.Bottom; y++)
        {
            for (int x = clipped.X; x < clipped.Right; x++)
            {
                if (first.GetPixel(x, y) != second.GetPixel(x, y))
                {
                    bounds = bounds.Union(new Rect(x, y, 1, 1));
                }
            }
        }

        return bounds;
    }

    /// <summary>A pixel as #AARRGGBB, for messages.</summary>
    public static string Hex(uint argb) => $"#{argb:X8}";
}
