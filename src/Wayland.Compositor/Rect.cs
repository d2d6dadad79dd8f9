namespace Wayland.Compositor;

/// <summary>An integer rectangle (x, y, width, height) in output or surface coordinates.</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width (empty when not positive).</param>
/// <param name="Height">Height (empty when not positive).</param>
public readonly record struct Rect(int X, int Y, int Width, int Height)
{
    /// <summary>Whether the rectangle covers no pixel.</summary>
    public bool IsEmpty => Width <= 0 || Height <= 0;

    /// <summary>One past the right edge (held at <see cref="int.MaxValue"/> rather than overflowing).</summary>
    public int Right => Saturate((long)X + Width);

    /// <summary>One past the bottom edge (held at <see cref="int.MaxValue"/> rather than overflowing).</summary>
    public int Bottom => Saturate((long)Y + Height);

    /// <summary>Whether the point lies inside.</summary>
    public bool Contains(int x, int y) => x >= X && y >= Y && x < Right && y < Bottom;

    /// <summary>The overlap of two rectangles (empty when they do not meet).</summary>
    public Rect Intersect(Rect other)
    {
        int left = Math.Max(X, other.X);
        int top = Math.Max(Y, other.Y);
        int right = Math.Min(Right, other.Right);
        int bottom = Math.Min(Bottom, other.Bottom);
        return right > left && bottom > top ? new Rect(left, top, right - left, bottom - top) : default;
    }

    /// <summary>The smallest rectangle holding both (an empty one is ignored).</summary>
    public Rect Union(Rect other)
    {
        if (IsEmpty)
        {
            return other;
        }

        if (other.IsEmpty)
        {
            return this;
        }

        int left = Math.Min(X, other.X);
        int top = Math.Min(Y, other.Y);
        return new Rect(left, top, Saturate((long)Math.Max(Right, other.Right) - left), Saturate((long)Math.Max(Bottom, other.Bottom) - top));
    }

    /// <summary>The rectangle moved by (dx, dy) (coordinates held within <see cref="int"/> rather than overflowing).</summary>
    public Rect Offset(int dx, int dy) => this with { X = Saturate((long)X + dx), Y = Saturate((long)Y + dy) };

    /// <summary>A sum of client-given coordinates, held within <see cref="int"/>: values a client sends never wrap around.</summary>
    internal static int Saturate(long value) => (int)Math.Clamp(value, int.MinValue, int.MaxValue);
}
