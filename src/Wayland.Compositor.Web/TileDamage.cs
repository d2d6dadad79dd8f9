namespace Wayland.Compositor.Web;

/// <summary>
/// Damage between two captures of the output, in square tiles: a tile is damaged when any of its pixels differs.
/// Damaged tiles are then merged into few rectangles (runs along a tile row, and equal runs of consecutive rows),
/// so that an animating window becomes one rectangle rather than dozens of tiles.
/// </summary>
internal sealed class TileDamage
{
    /// <summary>Creates the tile grid for an output of <paramref name="width"/> by <paramref name="height"/> pixels.</summary>
    public TileDamage(int width, int height, int tileSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tileSize, 8);
        Width = width;
        Height = height;
        TileSize = tileSize;
        Columns = (width + tileSize - 1) / tileSize;
        Rows = (height + tileSize - 1) / tileSize;
    }

    public int Width { get; }

    public int Height { get; }

    public int TileSize { get; }

    public int Columns { get; }

    public int Rows { get; }

    public int TileCount => Columns * Rows;

    /// <summary>
    /// Marks in <paramref name="damaged"/> (one entry per tile, row by row) every tile where <paramref name="next"/>
    /// differs from <paramref name="previous"/>; entries already set stay set. Returns how many tiles differ.
    /// </summary>
    public int Diff(Image previous, Image next, Span<bool> damaged)
    {
        if (previous.Width != Width || previous.Height != Height || next.Width != Width || next.Height != Height)
        {
            throw new ArgumentException($"both images must be {Width}x{Height}");
        }

        ReadOnlySpan<uint> before = previous.Pixels;
        ReadOnlySpan<uint> after = next.Pixels;
        int found = 0;
        for (int row = 0; row < Rows; row++)
        {
            int top = row * TileSize;
            int bottom = Math.Min(top + TileSize, Height);
            for (int column = 0; column < Columns; column++)
            {
                int left = column * TileSize;
                int width = Math.Min(TileSize, Width - left);
                for (int y = top; y < bottom; y++)
                {
                    int start = (y * Width) + left;
                    if (!before.Slice(start, width).SequenceEqual(after.Slice(start, width)))
                    {
                        damaged[(row * Columns) + column] = true;
                        found++;
                        break;
                    }
                }
            }
        }

        return found;
    }

    /// <summary>The damaged tiles of <paramref name="damaged"/> as pixel rectangles, clipped to the output; adds them
    /// to <paramref name="into"/> (cleared first).</summary>
    public void ToRectangles(ReadOnlySpan<bool> damaged, List<Rect> into)
    {
        into.Clear();
        // Rectangles that reach down to the previous tile row and may grow by one row: their index in `into`.
        List<int> open = [];
        List<int> stillOpen = [];
        for (int row = 0; row < Rows; row++)
        {
            int top = row * TileSize;
            int height = Math.Min(TileSize, Height - top);
            stillOpen.Clear();
            int column = 0;
            while (column < Columns)
            {
                if (!damaged[(row * Columns) + column])
                {
                    column++;
                    continue;
                }

                int first = column;
                while (column < Columns && damaged[(row * Columns) + column])
                {
                    column++;
                }

                int left = first * TileSize;
                int width = Math.Min(column * TileSize, Width) - left;
                int grown = -1;
                foreach (int index in open)
                {
                    Rect above = into[index];
                    if (above.X == left && above.Width == width && above.Y + above.Height == top)
                    {
                        into[index] = above with { Height = above.Height + height };
                        grown = index;
                        break;
                    }
                }

                if (grown < 0)
                {
                    grown = into.Count;
                    into.Add(new Rect(left, top, width, height));
                }

                stillOpen.Add(grown);
            }

            (open, stillOpen) = (stillOpen, open);
        }
    }
}
