using Wayland.Compositor.Imaging;

namespace Wayland.Compositor;

/// <summary>
/// A picture in memory: <see cref="Width"/> × <see cref="Height"/> pixels, row after row without padding, each pixel one
/// <see cref="uint"/> 0xAARRGGBB with premultiplied alpha — the layout of Wayland's <c>ARGB8888</c> on a little-endian
/// machine. The compositor's surface contents and screenshots are images; <see cref="EncodePng"/> turns one into a PNG.
/// </summary>
public sealed class Image
{
    /// <summary>Creates a fully transparent image (every pixel 0).</summary>
    /// <param name="width">Width in pixels, 0 or more.</param>
    /// <param name="height">Height in pixels, 0 or more.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative, or the image would not fit in one array.</exception>
    public Image(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        long count = (long)width * height;
        if (count > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(height), $"{width}x{height} pixels do not fit in one array");
        }

        Width = width;
        Height = height;
        Pixels = new uint[count];
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels, row-major (pixel (x, y) is at <c>y * Width + x</c>), 0xAARRGGBB premultiplied.</summary>
    public uint[] Pixels { get; }

    /// <summary>The pixel at (<paramref name="x"/>, <paramref name="y"/>), 0xAARRGGBB premultiplied.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The point lies outside the image.</exception>
    public uint GetPixel(int x, int y) => Pixels[IndexOf(x, y)];

    /// <summary>Sets the pixel at (<paramref name="x"/>, <paramref name="y"/>) to <paramref name="argb"/> (0xAARRGGBB premultiplied).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The point lies outside the image.</exception>
    public void SetPixel(int x, int y, uint argb) => Pixels[IndexOf(x, y)] = argb;

    /// <summary>Row <paramref name="y"/>: <see cref="Width"/> pixels of <see cref="Pixels"/>, writable.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="y"/> is not a row of the image.</exception>
    public Span<uint> GetRow(int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        return Pixels.AsSpan(y * Width, Width);
    }

    /// <summary>
    /// A copy of the rectangle at (<paramref name="x"/>, <paramref name="y"/>) of size <paramref name="width"/> ×
    /// <paramref name="height"/>, clipped to this image: the result is smaller where the rectangle reaches outside, and
    /// empty (0 × 0) where it misses the image altogether.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="width"/> or <paramref name="height"/> is negative.</exception>
    public Image Crop(int x, int y, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        int left = (int)Math.Clamp((long)x, 0, Width);
        int top = (int)Math.Clamp((long)y, 0, Height);
        int right = (int)Math.Clamp((long)x + width, 0, Width);
        int bottom = (int)Math.Clamp((long)y + height, 0, Height);
        if (right <= left || bottom <= top)
        {
            return new Image(0, 0);
        }

        Image result = new(right - left, bottom - top);
        for (int row = 0; row < result.Height; row++)
        {
            Pixels.AsSpan(((top + row) * Width) + left, result.Width).CopyTo(result.GetRow(row));
        }

        return result;
    }

    /// <summary>The image as a PNG file: 8-bit RGBA, alpha no longer premultiplied.</summary>
    /// <exception cref="InvalidOperationException">The image is empty (PNG has no 0-pixel images).</exception>
    public byte[] EncodePng()
    {
        using MemoryStream stream = new();
        WritePng(stream);
        return stream.ToArray();
    }

    /// <summary>Writes the image as a PNG file (see <see cref="EncodePng"/>) to <paramref name="path"/>, replacing any file there.</summary>
    /// <exception cref="InvalidOperationException">The image is empty.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void SavePng(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream file = new(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        WritePng(file);
    }

    /// <summary>Writes the image as a PNG file (see <see cref="EncodePng"/>) to <paramref name="stream"/>, which stays open.</summary>
    /// <exception cref="InvalidOperationException">The image is empty.</exception>
    public void WritePng(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        PngEncoder.Write(this, stream);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Image {Width}x{Height}";

    private int IndexOf(int x, int y)
    {
        if ((uint)x >= (uint)Width)
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, $"outside 0..{Width - 1}");
        }

        if ((uint)y >= (uint)Height)
        {
            throw new ArgumentOutOfRangeException(nameof(y), y, $"outside 0..{Height - 1}");
        }

        return (y * Width) + x;
    }
}
