using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Surfaces;

/// <summary>
/// A wl_region: the union of added rectangles minus the subtracted ones, kept exact as disjoint boxes in bands, as pixman
/// keeps a region: rows of boxes sharing a top and bottom, rows top to bottom, each row's boxes left to right, no two
/// touching, and no two touching rows alike. Each add or subtract rebuilds it in one pass (linear in its boxes); a point
/// test is two binary searches after a bounding-box check. A region holds at most <see cref="MaxBoxes"/> boxes: the
/// request that would need more gets <c>wl_display.error</c> <c>no_memory</c> and leaves it as it was.
/// wl_surface.set_input_region (and set_opaque_region) take a snapshot with <see cref="Clone"/>, which shares the boxes
/// instead of copying them: the region writes into a new array when it changes next.
/// </summary>
internal sealed class Region : WlRegion.IHandler
{
    /// <summary>
    /// The most boxes a region holds. Toolkits use a handful (a window less its shadow, a few opaque areas); the outline
    /// of a round window some hundreds of pixels tall fits too. It bounds what one request costs (a rectangle as tall as
    /// the region makes one pass over every row) and what a region or a snapshot of it holds (16 bytes a box).
    /// </summary>
    public const int MaxBoxes = 1024;

    private Box[] _boxes = [];
    private int _count;
    private Box _bounds;

    /// <summary>Whether <see cref="_boxes"/> belongs to a snapshot too, so must never be written again.</summary>
    private bool _shared;

    /// <summary>Where the next add or subtract writes (the previous array, when no snapshot holds it).</summary>
    private Box[]? _spare;

    /// <summary>Whether this is a snapshot (<see cref="Clone"/>), which never changes.</summary>
    private readonly bool _snapshot;

    /// <summary>Where the region's arrays are counted toward its client's budget (none for a region made without a client).</summary>
    private readonly ContentMemory? _memory;
    private readonly WlRegion? _resource;
    private long _charged;

    /// <summary>A region counted toward nobody's budget.</summary>
    public Region()
    {
    }

    /// <summary>The region behind <paramref name="resource"/>: its arrays count toward the client's budget in <paramref name="memory"/> until <see cref="Release"/>.</summary>
    public Region(ContentMemory memory, WlRegion resource)
    {
        (_memory, _resource) = (memory, resource);
    }

    private Region(Box[] boxes, int count, Box bounds)
    {
        (_boxes, _count, _bounds, _snapshot) = (boxes, count, bounds, true);
    }

    /// <summary>Number of disjoint boxes the region is made of.</summary>
    public int Count => _count;

    /// <summary>Bytes of the array holding the boxes (what a snapshot keeps alive).</summary>
    public long Bytes => (long)_boxes.Length * BoxBytes;

    /// <summary>Size of a <see cref="Box"/>: four ints.</summary>
    private const int BoxBytes = 16;

    /// <summary>Adds <paramref name="rect"/>; false, leaving the region as it was, when the result would need more than <see cref="MaxBoxes"/>.</summary>
    public bool Add(Rect rect) => Combine(rect, add: true);

    /// <summary>Subtracts <paramref name="rect"/>; false, leaving the region as it was, when the result would need more than <see cref="MaxBoxes"/>.</summary>
    public bool Subtract(Rect rect) => Combine(rect, add: false);

    public bool Contains(int x, int y)
    {
        if (_count == 0 || x < _bounds.X1 || x >= _bounds.X2 || y < _bounds.Y1 || y >= _bounds.Y2)
        {
            return false;
        }

        Box[] boxes = _boxes;
        int low = RowBelow(boxes.AsSpan(0, _count), y);
        if (low == _count || boxes[low].Y1 > y)
        {
            return false;
        }

        // In that row, the last box starting at or left of x.
        int row = boxes[low].Y1;
        int first = low;
        int high = _count;
        while (low < high)
        {
            int middle = (int)((uint)(low + high) >> 1);
            if (boxes[middle].Y1 == row && boxes[middle].X1 <= x)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low > first && x < boxes[low - 1].X2;
    }

    /// <summary>
    /// Writes disjoint rectangles that lie inside both the region and <paramref name="bounds"/> into
    /// <paramref name="into"/> and returns how many. When more are needed than <paramref name="into"/> holds, the
    /// largest are kept: the result is always a part of the region, never more.
    /// </summary>
    public int ToRectangles(Rect bounds, Span<Rect> into)
    {
        Box clip = Box.Of(bounds);
        if (into.IsEmpty || clip.IsEmpty || Box.Intersect(clip, _bounds).IsEmpty)
        {
            return 0;
        }

        int count = 0;
        foreach (Box box in _boxes.AsSpan(0, _count))
        {
            Box part = Box.Intersect(box, clip);
            if (part.IsEmpty)
            {
                continue;
            }

            Rect rect = part.ToRect();
            if (count < into.Length)
            {
                into[count++] = rect;
                continue;
            }

            int smallest = 0;
            for (int i = 1; i < count; i++)
            {
                if (Area(into[i]) < Area(into[smallest]))
                {
                    smallest = i;
                }
            }

            if (Area(rect) > Area(into[smallest]))
            {
                into[smallest] = rect;
            }
        }

        return count;
    }

    /// <summary>The wl_region was destroyed: its arrays no longer count toward its client's budget (snapshots are counted by the surfaces holding them).</summary>
    public void Release()
    {
        _memory?.Release(_resource!.Client, _charged);
        _charged = 0;
    }

    /// <summary>A snapshot: wl_surface.set_input_region and set_opaque_region take the region as it is at the request.
    /// It shares the region's boxes (nothing is copied), and never changes.</summary>
    public Region Clone()
    {
        if (_snapshot)
        {
            return this;
        }

        _shared = true;
        return new Region(_boxes, _count, _bounds);
    }

    void WlRegion.IHandler.Add(WlRegion resource, int x, int y, int width, int height)
    {
        if (!Add(new Rect(x, y, width, height)))
        {
            Refuse(resource);
        }
    }

    void WlRegion.IHandler.Subtract(WlRegion resource, int x, int y, int width, int height)
    {
        if (!Subtract(new Rect(x, y, width, height)))
        {
            Refuse(resource);
        }
    }

    private static void Refuse(WlRegion resource) =>
        resource.Client.DisplayResource.PostError((uint)WlDisplayError.NoMemory,
            $"wl_region#{resource.Id}: the region would need more than {MaxBoxes} rectangles");

    private static long Area(Rect rect) => (long)rect.Width * rect.Height;

    /// <summary>The region combined with one rectangle (added or subtracted), written into the spare array in one pass.</summary>
    private bool Combine(Rect rect, bool add)
    {
        if (_snapshot)
        {
            throw new InvalidOperationException("a region snapshot never changes");
        }

        Box r = Box.Of(rect);
        if (r.IsEmpty || (!add && Box.Intersect(r, _bounds).IsEmpty))
        {
            return true;
        }

        // A fresh array (when a snapshot took the last one) starts large enough for the usual outcome.
        Builder output = new(_spare ?? new Box[Math.Max(16, _count + 4)]);
        ReadOnlySpan<Box> boxes = _boxes.AsSpan(0, _count);

        // Rows above the rectangle, as they are, in one copy.
        int i = RowBelow(boxes, r.Y1);
        output.CopyRows(boxes[..i]);

        // Rows that meet it: the part above, the part beside (combined), the part below; gaps between rows are filled
        // by an added rectangle.
        int y = r.Y1;
        while (i < boxes.Length && boxes[i].Y1 < r.Y2)
        {
            (int top, int bottom) = (boxes[i].Y1, boxes[i].Y2);
            int end = RowEnd(boxes, i);
            if (top < r.Y1)
            {
                output.CopyRow(boxes, i, top, r.Y1);
            }

            int from = Math.Max(top, r.Y1);
            if (add && y < from)
            {
                output.Row(y, from, [r], default, add: false);
            }

            int to = Math.Min(bottom, r.Y2);
            output.Row(from, to, boxes[i..end], r, add);
            if (bottom > r.Y2)
            {
                output.CopyRow(boxes, i, r.Y2, bottom);
            }

            y = to;
            i = end;
        }

        if (add && y < r.Y2)
        {
            output.Row(y, r.Y2, [r], default, add: false);
        }

        // Rows below it, as they are: the first may join the last row made above, the rest are copied in one go.
        if (i < boxes.Length)
        {
            i = output.CopyRow(boxes, i, boxes[i].Y1, boxes[i].Y2);
        }

        output.CopyRows(boxes[i..]);

        if (output.Count > MaxBoxes)
        {
            return false;
        }

        // The new array, and the old one kept for the next change unless a snapshot has it.
        long holds = (long)(output.Boxes.Length + (_shared ? 0 : _boxes.Length)) * BoxBytes;
        if (_memory is not null && holds > _charged)
        {
            if (!_memory.TryHoldRegion(_resource!, holds - _charged))
            {
                return false;
            }

            _charged = holds;
        }

        _spare = _shared ? null : _boxes;
        (_boxes, _count, _shared) = (output.Boxes, output.Count, false);
        // A bounding box that may be larger than the region (after a subtraction) but never smaller: the rows give the
        // top and bottom exactly; the sides only grow, so no step walks every box.
        _bounds = _count == 0 ? default
            : add && _bounds.IsEmpty ? r with { Y1 = _boxes[0].Y1, Y2 = _boxes[_count - 1].Y2 }
            : add ? new Box(Math.Min(_bounds.X1, r.X1), _boxes[0].Y1, Math.Max(_bounds.X2, r.X2), _boxes[_count - 1].Y2)
            : _bounds with { Y1 = _boxes[0].Y1, Y2 = _boxes[_count - 1].Y2 };
        return true;
    }

    /// <summary>The first box whose row ends below <paramref name="y"/> (bottoms grow with the rows), or the count.</summary>
    private static int RowBelow(ReadOnlySpan<Box> boxes, int y)
    {
        int low = 0;
        int high = boxes.Length;
        while (low < high)
        {
            int middle = (int)((uint)(low + high) >> 1);
            if (boxes[middle].Y2 <= y)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private static int RowEnd(ReadOnlySpan<Box> boxes, int start)
    {
        int end = start + 1;
        while (end < boxes.Length && boxes[end].Y1 == boxes[start].Y1)
        {
            end++;
        }

        return end;
    }

    /// <summary>A box by its edges (right and bottom exclusive): unlike <see cref="Rect"/>, any span of int fits.</summary>
    private readonly record struct Box(int X1, int Y1, int X2, int Y2)
    {
        public bool IsEmpty => X2 <= X1 || Y2 <= Y1;

        public static Box Of(Rect rect) => rect.IsEmpty ? default : new Box(rect.X, rect.Y, rect.Right, rect.Bottom);

        public static Box Intersect(Box a, Box b) =>
            new(Math.Max(a.X1, b.X1), Math.Max(a.Y1, b.Y1), Math.Min(a.X2, b.X2), Math.Min(a.Y2, b.Y2));

        public Rect ToRect() => new(X1, Y1, Rect.Saturate((long)X2 - X1), Rect.Saturate((long)Y2 - Y1));
    }

    /// <summary>The rows of a region being built; each finished row is merged into the one above when they touch and match.</summary>
    private ref struct Builder(Box[] boxes)
    {
        private int _rowStart = -1;

        public Box[] Boxes { get; private set; } = boxes;

        public int Count { get; private set; }

        /// <summary>Appends whole rows as they are (from a region already in its banded form).</summary>
        public void CopyRows(scoped ReadOnlySpan<Box> rows)
        {
            if (rows.IsEmpty)
            {
                return;
            }

            Reserve(rows.Length);
            rows.CopyTo(Boxes.AsSpan(Count));
            Count += rows.Length;
            int last = Count - 1;
            while (last > 0 && Boxes[last - 1].Y1 == Boxes[Count - 1].Y1)
            {
                last--;
            }

            _rowStart = last;
        }

        /// <summary>Copies the boxes of the row starting at <paramref name="start"/> for rows <paramref name="top"/> to <paramref name="bottom"/>; returns where the next row starts.</summary>
        public int CopyRow(scoped ReadOnlySpan<Box> boxes, int start, int top, int bottom)
        {
            int end = RowEnd(boxes, start);
            Row(top, bottom, boxes[start..end], default, add: false);
            return end;
        }

        /// <summary>
        /// Appends the row <paramref name="top"/> to <paramref name="bottom"/> made of <paramref name="spans"/> (their x
        /// edges, sorted and apart) with <paramref name="r"/>'s x span added or, unless <paramref name="add"/>,
        /// subtracted (an empty <paramref name="r"/> changes nothing).
        /// </summary>
        public void Row(int top, int bottom, scoped ReadOnlySpan<Box> spans, Box r, bool add)
        {
            if (bottom <= top)
            {
                return;
            }

            int start = Count;
            if (add)
            {
                int i = 0;
                for (; i < spans.Length && spans[i].X2 < r.X1; i++)
                {
                    Append(spans[i].X1, spans[i].X2, top, bottom);
                }

                (int left, int right) = (r.X1, r.X2);
                while (i < spans.Length && spans[i].X1 <= r.X2)
                {
                    left = Math.Min(left, spans[i].X1);
                    right = Math.Max(right, spans[i].X2);
                    i++;
                }

                Append(left, right, top, bottom);
                for (; i < spans.Length; i++)
                {
                    Append(spans[i].X1, spans[i].X2, top, bottom);
                }
            }
            else
            {
                foreach (Box span in spans)
                {
                    if (r.IsEmpty || span.X2 <= r.X1 || span.X1 >= r.X2)
                    {
                        Append(span.X1, span.X2, top, bottom);
                        continue;
                    }

                    if (span.X1 < r.X1)
                    {
                        Append(span.X1, r.X1, top, bottom);
                    }

                    if (span.X2 > r.X2)
                    {
                        Append(r.X2, span.X2, top, bottom);
                    }
                }
            }

            FinishRow(start);
        }

        private void Append(int x1, int x2, int top, int bottom)
        {
            Reserve(1);
            Boxes[Count++] = new Box(x1, top, x2, bottom);
        }

        private void Reserve(int more)
        {
            if (Count + more > Boxes.Length)
            {
                Box[] larger = new Box[Math.Max(Count + more, Math.Max(16, Boxes.Length * 2))];
                Boxes.AsSpan(0, Count).CopyTo(larger);
                Boxes = larger;
            }
        }

        /// <summary>Drops an empty row; merges a row into the one above when it starts where that ends with the same spans.</summary>
        private void FinishRow(int start)
        {
            int length = Count - start;
            if (length == 0)
            {
                return;
            }

            if (_rowStart >= 0 && start - _rowStart == length && Boxes[_rowStart].Y2 == Boxes[start].Y1)
            {
                bool same = true;
                for (int k = 0; k < length && same; k++)
                {
                    same = Boxes[_rowStart + k].X1 == Boxes[start + k].X1 && Boxes[_rowStart + k].X2 == Boxes[start + k].X2;
                }

                if (same)
                {
                    int bottom = Boxes[start].Y2;
                    for (int k = _rowStart; k < start; k++)
                    {
                        Boxes[k] = Boxes[k] with { Y2 = bottom };
                    }

                    Count = start;
                    return;
                }
            }

            _rowStart = start;
        }
    }
}
