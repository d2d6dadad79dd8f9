namespace Wayland.Compositor.Rendering;

/// <summary>Operations on rectangles that the opaque regions and occlusion need.</summary>
internal static class RectArithmetic
{
    /// <summary>
    /// Writes the parts of <paramref name="from"/> outside <paramref name="hole"/> into <paramref name="pieces"/> (room
    /// for four): at most four disjoint rectangles, full-width bands above and below, then the parts left and right.
    /// Returns how many; 1 with <paramref name="from"/> itself when they do not meet.
    /// </summary>
    public static int Subtract(Rect from, Rect hole, Span<Rect> pieces)
    {
        Rect overlap = from.Intersect(hole);
        if (overlap.IsEmpty)
        {
            pieces[0] = from;
            return 1;
        }

        int count = 0;
        if (overlap.Y > from.Y)
        {
            pieces[count++] = new Rect(from.X, from.Y, from.Width, overlap.Y - from.Y);
        }

        if (overlap.Bottom < from.Bottom)
        {
            pieces[count++] = new Rect(from.X, overlap.Bottom, from.Width, from.Bottom - overlap.Bottom);
        }

        if (overlap.X > from.X)
        {
            pieces[count++] = new Rect(from.X, overlap.Y, overlap.X - from.X, overlap.Height);
        }

        if (overlap.Right < from.Right)
        {
            pieces[count++] = new Rect(overlap.Right, overlap.Y, from.Right - overlap.Right, overlap.Height);
        }

        return count;
    }
}
