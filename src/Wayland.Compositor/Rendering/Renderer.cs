using Wayland.Compositor.Surfaces;

namespace Wayland.Compositor.Rendering;

/// <summary>Software compositing of premultiplied ARGB surfaces into the output framebuffer (source-over, nearest neighbour).</summary>
internal static class Renderer
{
    /// <summary>Fills <paramref name="area"/> of <paramref name="target"/> with one colour.</summary>
    public static void Fill(Image target, Rect area, uint color)
    {
        for (int y = area.Y; y < area.Bottom; y++)
        {
            target.GetRow(y).Slice(area.X, area.Width).Fill(color);
        }
    }

    /// <summary>Draws the surface's content with its top-left at (x, y), clipped to <paramref name="clip"/>.</summary>
    public static void DrawSurface(Image target, Surface surface, int x, int y, Rect clip)
    {
        Image? content = surface.Content;
        if (content is null)
        {
            return;
        }

        Rect area = new Rect(x, y, surface.Width, surface.Height).Intersect(clip);
        if (area.IsEmpty)
        {
            return;
        }

        if (surface.IsIdentityMapped)
        {
            for (int row = area.Y; row < area.Bottom; row++)
            {
                ReadOnlySpan<uint> source = content.GetRow(row - y).Slice(area.X - x, area.Width);
                Blending.BlendRow(target.GetRow(row).Slice(area.X, area.Width), source);
            }

            return;
        }

        for (int row = area.Y; row < area.Bottom; row++)
        {
            Span<uint> destination = target.GetRow(row);
            for (int column = area.X; column < area.Right; column++)
            {
                if (surface.MapToBuffer(column - x + 0.5, row - y + 0.5, out int bx, out int by))
                {
                    destination[column] = Blending.Blend(destination[column], content.Pixels[(by * content.Width) + bx]);
                }
            }
        }
    }
}
