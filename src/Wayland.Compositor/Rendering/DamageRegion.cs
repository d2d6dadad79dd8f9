namespace Wayland.Compositor.Rendering;

/// <summary>
/// A damaged area as a short list of rectangles that do not overlap one another: a rectangle that meets one already
/// held is merged with it into their bounding box (and that with any other it then meets), and past
/// <see cref="MaxRectangles"/> the whole list becomes its bounding box. Simpler than a pixman region (the merged boxes
/// may cover undamaged pixels) but never paints a pixel twice. Reused between frames: adding allocates nothing once the
/// list has grown to its maximum.
/// </summary>
internal sealed class DamageRegion
{
    /// <summary>Rectangles kept apart before they collapse into one bounding box.</summary>
    public const int MaxRectangles = 16;

    private readonly List<Rect> _rects = new(MaxRectangles);

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

        // Merge with every rectangle it meets until it meets none: what stays in the list is disjoint.
        for (int i = _rects.Count - 1; i >= 0; i--)
        {
            Rect held = _rects[i];
            if (held.Intersect(area) == area)
            {
                return;
            }

            if (!held.Intersect(area).IsEmpty)
            {
                area = area.Union(held);
                _rects.RemoveAt(i);
                i = _rects.Count;
            }
        }

        if (_rects.Count == MaxRectangles)
        {
            area = area.Union(Bounds);
            _rects.Clear();
        }

        _rects.Add(area);
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
