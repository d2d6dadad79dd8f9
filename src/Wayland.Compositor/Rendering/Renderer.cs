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
                BlendRow(target.GetRow(row).Slice(area.X, area.Width), source);
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
                    destination[column] = Blend(destination[column], content.Pixels[(by * content.Width) + bx]);
                }
            }
        }
    }

    private static void BlendRow(Span<uint> destination, ReadOnlySpan<uint> source)
    {
        for (int i = 0; i < source.Length; i++)
        {
            uint pixel = source[i];
            uint alpha = pixel >> 24;
            if (alpha == 255)
            {
                destination[i] = pixel;
            }
            else if (pixel != 0)
            {
                destination[i] = Blend(destination[i], pixel);
            }
        }
    }

    /// <summary>Premultiplied source-over: result = source + destination × (1 − source alpha).</summary>
    private static uint Blend(uint destination, uint source)
    {
        uint inverse = 255 - (source >> 24);
        if (inverse == 0)
        {
            return source;
        }

        uint result = 0;
        for (int shift = 0; shift < 32; shift += 8)
        {
            uint d = (destination >> shift) & 0xFF;
            uint s = (source >> shift) & 0xFF;
            uint value = s + (((d * inverse) + 127) / 255);
            result |= Math.Min(value, 255u) << shift;
        }

        return result;
    }
}
