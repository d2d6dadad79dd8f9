using Wayland.Compositor.Rendering;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Surfaces;

/// <summary>
/// A wl_region: the union of added rectangles minus the subtracted ones, kept as the sequence of operations
/// (regions are small; a point test walks the list backwards).
/// </summary>
internal sealed class Region : WlRegion.IHandler
{
    /// <summary>
    /// A region built with more operations than this is not turned into rectangles (<see cref="ToRectangles"/> gives
    /// none): what a client makes the compositor do for one opaque region stays bounded.
    /// </summary>
    public const int MaxOperations = 256;

    private readonly List<(Rect Rect, bool Add)> _operations = [];

    public void Add(Rect rect) => _operations.Add((rect, true));

    public void Subtract(Rect rect) => _operations.Add((rect, false));

    public bool Contains(int x, int y)
    {
        for (int i = _operations.Count - 1; i >= 0; i--)
        {
            (Rect rect, bool add) = _operations[i];
            if (rect.Contains(x, y))
            {
                return add;
            }
        }

        return false;
    }

    /// <summary>
    /// Writes disjoint rectangles that together lie inside both the region and <paramref name="bounds"/> into
    /// <paramref name="into"/> and returns how many. When the exact region needs more rectangles than
    /// <paramref name="into"/> holds, the smallest are left out, and a region of more than <see cref="MaxOperations"/>
    /// operations gives none: the result is always a part of the region, never more (what it is used for, skipping
    /// what lies below an opaque area, only needs that).
    /// </summary>
    public int ToRectangles(Rect bounds, Span<Rect> into)
    {
        if (_operations.Count > MaxOperations || into.IsEmpty)
        {
            return 0;
        }

        // Each held rectangle splits into at most four around a new one, which then joins them.
        Span<Rect> next = stackalloc Rect[(into.Length * 4) + 1];
        Span<Rect> pieces = stackalloc Rect[4];
        int count = 0;
        foreach ((Rect rect, bool add) in _operations)
        {
            Rect clipped = rect.Intersect(bounds);
            if (clipped.IsEmpty)
            {
                continue;
            }

            int kept = 0;
            for (int i = 0; i < count; i++)
            {
                int n = RectArithmetic.Subtract(into[i], clipped, pieces);
                pieces[..n].CopyTo(next[kept..]);
                kept += n;
            }

            if (add)
            {
                next[kept++] = clipped;
            }

            if (kept > into.Length)
            {
                // Largest first; the rest is left out of the opaque area.
                next[..kept].Sort(static (a, b) => ((long)b.Width * b.Height).CompareTo((long)a.Width * a.Height));
                kept = into.Length;
            }

            next[..kept].CopyTo(into);
            count = kept;
        }

        return count;
    }

    /// <summary>A snapshot: wl_surface.set_input_region and set_opaque_region copy the region at the time of the request.</summary>
    public Region Clone()
    {
        Region copy = new();
        copy._operations.AddRange(_operations);
        return copy;
    }

    void WlRegion.IHandler.Add(WlRegion resource, int x, int y, int width, int height) => Add(new Rect(x, y, width, height));

    void WlRegion.IHandler.Subtract(WlRegion resource, int x, int y, int width, int height) => Subtract(new Rect(x, y, width, height));
}
