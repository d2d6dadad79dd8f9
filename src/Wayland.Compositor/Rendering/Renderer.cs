using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using Wayland.Compositor.Output;
using Wayland.Compositor.Surfaces;

namespace Wayland.Compositor.Rendering;

/// <summary>
/// Software compositing of premultiplied ARGB surfaces into the output framebuffer (source-over, nearest neighbour).
/// Within a surface's opaque rectangles (see <see cref="Surface.OpaqueRectangles"/>) its pixels are copied with alpha
/// 255 instead of blended, as weston does: a client's alpha there is ignored.
/// </summary>
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
    public static void DrawSurface(Image target, Surface surface, int x, int y, Rect clip) => DrawOn(target, null, surface, x, y, clip);

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
    public static void DrawSurfaceScaled(Image target, OutputInfo output, Surface surface, int x, int y, Rect clip) =>
        DrawOn(target, output, surface, x, y, clip);

    /// <summary>
    /// Draws the surface into the logical framebuffer (<paramref name="output"/> null) or into the pixels of an output
    /// of a larger scale: copied where its opaque rectangles cover the area, blended elsewhere.
    /// </summary>
    private static void DrawOn(Image target, OutputInfo? output, Surface surface, int x, int y, Rect clip)
    {
        if (!Placed(surface, x, y, clip, out ContentImage? image, out Rect area))
        {
            return;
        }

        using ContentImage.Access content = image.Open();
        Cover cover = OpaqueCover(surface, x, y, area);
        Paint(target, output, surface, content, x, y, area, copy: cover == Cover.All);
        if (cover != Cover.Part)
        {
            return;
        }

        // Blended everywhere, then copied again where opaque: what lies inside the opaque rectangles is copied.
        foreach (Rect opaque in surface.OpaqueRectangles)
        {
            Rect part = opaque.Offset(x, y).Intersect(area);
            if (!part.IsEmpty)
            {
                Paint(target, output, surface, content, x, y, part, copy: true);
            }
        }
    }

    private static void Paint(Image target, OutputInfo? output, Surface surface, ContentImage.Access content, int x, int y, Rect area, bool copy)
    {
        if (output is null)
        {
            Draw(target, surface, content, x, y, area, copy);
        }
        else
        {
            DrawScaled(target, output, surface, content, x, y, area, copy);
        }
    }

    /// <summary>How much of <paramref name="area"/> (output coordinates) the surface's opaque rectangles cover.</summary>
    private static Cover OpaqueCover(Surface surface, int x, int y, Rect area)
    {
        Cover cover = Cover.None;
        foreach (Rect opaque in surface.OpaqueRectangles)
        {
            Rect overlap = opaque.Offset(x, y).Intersect(area);
            if (overlap == area)
            {
                return Cover.All;
            }

            if (!overlap.IsEmpty)
            {
                cover = Cover.Part;
            }
        }

        return cover;
    }

    /// <summary>Draws <paramref name="area"/> of the surface at (x, y): blended, or copied as opaque when <paramref name="copy"/>.</summary>
    private static void Draw(Image target, Surface surface, ContentImage.Access content, int x, int y, Rect area, bool copy)
    {
        if (surface.IsIdentityMapped)
        {
            for (int row = area.Y; row < area.Bottom; row++)
            {
                ReadOnlySpan<uint> source = content.GetRow(row - y).Slice(area.X - x, area.Width);
                PutRow(target.GetRow(row).Slice(area.X, area.Width), source, copy);
            }

            return;
        }

        DrawMapped(target, surface, content, area, 1, -x, -y, copy);
    }

    private static void DrawScaled(Image target, OutputInfo output, Surface surface, ContentImage.Access content, int x, int y, Rect area, bool copy)
    {
        Rect pixels = ToPixels(area, output);
        if (surface.IsPixelMappedAt(output.Scale))
        {
            // Buffer pixel = output pixel − the surface's origin in output pixels: whole rows, blended as on a scale-1 output.
            int left = (int)(pixels.X - (((long)x - output.X) * output.Scale));
            long top = ((long)y - output.Y) * output.Scale;
            for (int row = pixels.Y; row < pixels.Bottom; row++)
            {
                ReadOnlySpan<uint> source = content.GetRow((int)(row - top)).Slice(left, pixels.Width);
                PutRow(target.GetRow(row).Slice(pixels.X, pixels.Width), source, copy);
            }

            return;
        }

        DrawMapped(target, surface, content, pixels, output.Scale, output.X - x, output.Y - y, copy);
    }

    /// <summary>
    /// Draws the <paramref name="pixels"/> of <paramref name="target"/> from a surface whose buffer is scaled, transformed
    /// or cropped: the target pixel (column, row) shows the buffer pixel under surface-local
    /// ((column + 0.5) / <paramref name="scale"/> + <paramref name="offsetX"/>, (row + 0.5) / <paramref name="scale"/> +
    /// <paramref name="offsetY"/>). Each column and each row is mapped once (the axes stay apart, see
    /// <see cref="Surface.AxesSwapped"/>), not each pixel: mapping every pixel cost 25 ns, and a client could stack
    /// hundreds of surfaces stretched over the whole output from one-pixel buffers.
    /// </summary>
    private static void DrawMapped(Image target, Surface surface, ContentImage.Access content, Rect pixels, double scale, double offsetX, double offsetY, bool copy)
    {
        bool swapped = surface.AxesSwapped;
        int width = content.Width;
        int columnLimit = swapped ? content.Height : width;
        int rowLimit = swapped ? width : content.Height;

        // Where each column starts in the buffer (its x, or its row's start when swapped); -1 outside the buffer. Each
        // row's pixels are gathered into one row, then blended or copied as a row (in vectors).
        int[] columns = ArrayPool<int>.Shared.Rent(pixels.Width);
        uint[] gathered = ArrayPool<uint>.Shared.Rent(pixels.Width);
        try
        {
            bool allInside = true;
            for (int i = 0; i < pixels.Width; i++)
            {
                surface.MapToBuffer(((pixels.X + i + 0.5) / scale) + offsetX, 0.5, out int bx, out int by);
                int along = swapped ? by : bx;
                columns[i] = along < 0 || along >= columnLimit ? -1 : swapped ? along * width : along;
                allInside &= columns[i] >= 0;
            }

            ReadOnlySpan<uint> source = content.Pixels;
            Span<uint> row = gathered.AsSpan(0, pixels.Width);
            for (int y = pixels.Y; y < pixels.Bottom; y++)
            {
                surface.MapToBuffer(0.5, ((y + 0.5) / scale) + offsetY, out int bx, out int by);
                int across = swapped ? bx : by;
                if (across < 0 || across >= rowLimit)
                {
                    continue;
                }

                // A column outside the buffer gathers a transparent pixel, which a blend leaves as it was.
                int start = swapped ? across : across * width;
                for (int i = 0; i < row.Length; i++)
                {
                    row[i] = columns[i] >= 0 ? source[start + columns[i]] : 0;
                }

                Span<uint> destination = target.GetRow(y).Slice(pixels.X, pixels.Width);
                if (!copy || allInside)
                {
                    PutRow(destination, row, copy);
                    continue;
                }

                for (int i = 0; i < row.Length; i++)
                {
                    if (columns[i] >= 0)
                    {
                        destination[i] = Put(destination[i], row[i], copy);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<uint>.Shared.Return(gathered);
            ArrayPool<int>.Shared.Return(columns);
        }
    }

    /// <summary>One row drawn: blended, or copied with alpha 255.</summary>
    private static void PutRow(Span<uint> destination, ReadOnlySpan<uint> source, bool copy)
    {
        if (copy)
        {
            Blending.CopyOpaque(source, destination);
        }
        else
        {
            Blending.BlendRow(destination, source);
        }
    }

    /// <summary>One pixel drawn: blended, or copied with alpha 255.</summary>
    private static uint Put(uint destination, uint source, bool copy) => copy ? source | 0xFF000000 : Blending.Blend(destination, source);

    /// <summary>The surface's content and the part of <paramref name="clip"/> it covers at (x, y); false when there is nothing to draw.</summary>
    private static bool Placed(Surface surface, int x, int y, Rect clip, [NotNullWhen(true)] out ContentImage? content, out Rect area)
    {
        content = surface.Content;
        area = new Rect(x, y, surface.Width, surface.Height).Intersect(clip);
        return content is not null && !area.IsEmpty;
    }

    /// <summary>How much of an area a surface's opaque rectangles cover.</summary>
    private enum Cover
    {
        None,
        Part,
        All,
    }
}
