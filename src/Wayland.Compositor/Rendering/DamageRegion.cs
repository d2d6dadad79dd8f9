namespace Wayland.Compositor.Rendering;

/// <summary>
/// A damaged area as a short list of rectangles that do not overlap one another: of a rectangle that meets ones already
/// held, only the parts outside them are added (held ones inside it go), so the list covers exactly what was added, and
/// past <see cref="MaxRectangles"/> the whole list becomes its bounding box. Simpler than a pixman region (no bands, no
/// coalescing) but never paints a pixel twice. Reused between frames: adding allocates nothing once the
/// list has grown to its maximum.
/// </summary>
internal sealed class DamageRegion
{
    /// <summary>Rectangles kept apart before they collapse into one bounding box.</summary>
    public const int MaxRectangles = 16;

    // Grown on first use and kept: every surface has four of these (pending and current, surface and buffer damage),
    // most never hold more than a rectangle or two, and an empty one costs no array.
    private readonly List<Rect> _rects = [];

    /// <summary>The rectangles, pairwise disjoint (valid until the region changes).</summary>
    public ReadOnlySpan<Rect> Rectangles => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_rects);

    public bool IsEmpty => _rects.Count == 0;

    /// <summary>The bounding box of everything damaged (empty when nothing is).</summary>
    public Rect Bounds
    {
        get
        {
            Rect bounds = default;
            foreach (Rect rect in _rects)
            {
                bounds = bounds.Union(rect);
            }

            return bounds;
        }
    }

    public void Clear() => _rects.Clear();

    /// <summary>Adds <paramref name="area"/> (an empty one is ignored).</summary>
    public void Add(Rect area)
    {
        if (area.IsEmpty)
        {
            return;
        }

        // Held rectangles inside the new one go; the parts of it outside the others join them, exactly.
        for (int i = _rects.Count - 1; i >= 0; i--)
        {
            Rect held = _rects[i];
            if (held.Intersect(area) == area)
            {
                return;
            }

            if (area.Intersect(held) == held)
            {
                _rects.RemoveAt(i);
            }
        }

        Span<Rect> pieces = stackalloc Rect[MaxRectangles + 1];
        int count = Outside(area, pieces);
        if (count < 0 || _rects.Count + count > MaxRectangles)
        {
            // Too many pieces: everything becomes its bounding box.
            area = area.Union(Bounds);
            _rects.Clear();
            _rects.Add(area);
            return;
        }

        foreach (Rect piece in pieces[..count])
        {
            _rects.Add(piece);
        }
    }

    /// <summary>
    /// Writes the parts of <paramref name="area"/> that no held rectangle covers into <paramref name="pieces"/> as
    /// disjoint rectangles and returns how many; −1 when they would not fit.
    /// </summary>
    private int Outside(Rect area, Span<Rect> pieces)
    {
        Span<Rect> split = stackalloc Rect[4];
        pieces[0] = area;
        int count = 1;
        foreach (Rect held in _rects)
        {
            for (int i = 0; i < count; i++)
            {
                if (pieces[i].Intersect(held).IsEmpty)
                {
                    continue;
                }

                int n = RectArithmetic.Subtract(pieces[i], held, split);
                if (count - 1 + n > pieces.Length)
                {
                    return -1;
                }

                // The piece is replaced by its parts outside the held rectangle (which miss it when looked at again).
                pieces[i] = pieces[--count];
                split[..n].CopyTo(pieces[count..]);
                count += n;
                i--;
            }
        }

        return count;
    }

    /// <summary>Adds every rectangle of <paramref name="other"/>.</summary>
    public void Add(DamageRegion other)
    {
        foreach (Rect rect in other.Rectangles)
        {
            Add(rect);
        }
    }
}
