using Wayland.Compositor.Output;
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
        if (!Placed(surface, x, y, clip, out Image content, out Rect area))
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

    /// <summary>The pixels of <paramref name="output"/>'s own framebuffer that a logical rectangle on it covers.</summary>
    public static Rect ToPixels(Rect logical, OutputInfo output)
    {
        int scale = output.Scale;
        Rect pixels = new(
            (logical.X - output.X) * scale, (logical.Y - output.Y) * scale, logical.Width * scale, logical.Height * scale);
        return pixels.Intersect(new Rect(0, 0, output.Width, output.Height));
    }

    /// <summary>
    /// Draws the surface (its top-left at logical (x, y)) into the pixel framebuffer of an output of a larger scale,
    /// within the logical rectangle <paramref name="clip"/> on that output: each output pixel takes the buffer pixel
    /// under its centre, so a buffer of the output's scale lands 1:1 (sharp, blended row by row) and one of scale 1 is
    /// enlarged.
    /// </summary>
    public static void DrawSurfaceScaled(Image target, OutputInfo output, Surface surface, int x, int y, Rect clip)
    {
        if (!Placed(surface, x, y, clip, out Image content, out Rect area))
        {
            return;
        }

        Rect pixels = ToPixels(area, output);
        if (surface.IsPixelMappedAt(output.Scale))
        {
            // Buffer pixel = output pixel − the surface's origin in output pixels: whole rows, blended as on a scale-1 output.
            int left = (int)(pixels.X - (((long)x - output.X) * output.Scale));
            long top = ((long)y - output.Y) * output.Scale;
            for (int row = pixels.Y; row < pixels.Bottom; row++)
            {
                ReadOnlySpan<uint> source = content.GetRow((int)(row - top)).Slice(left, pixels.Width);
                Blending.BlendRow(target.GetRow(row).Slice(pixels.X, pixels.Width), source);
            }

            return;
        }

        double scale = output.Scale;
        for (int row = pixels.Y; row < pixels.Bottom; row++)
        {
            Span<uint> destination = target.GetRow(row);
            double sy = ((row + 0.5) / scale) + output.Y - y;
            for (int column = pixels.X; column < pixels.Right; column++)
            {
                if (surface.MapToBuffer(((column + 0.5) / scale) + output.X - x, sy, out int bx, out int by))
                {
                    destination[column] = Blending.Blend(destination[column], content.Pixels[(by * content.Width) + bx]);
                }
            }
        }
    }

    /// <summary>The surface's content and the part of <paramref name="clip"/> it covers at (x, y); false when there is nothing to draw.</summary>
    private static bool Placed(Surface surface, int x, int y, Rect clip, out Image content, out Rect area)
    {
        content = surface.Content!;
        area = new Rect(x, y, surface.Width, surface.Height).Intersect(clip);
        return surface.Content is not null && !area.IsEmpty;
    }
}
