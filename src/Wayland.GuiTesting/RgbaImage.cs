using StbImageSharp;
using Wayland.Compositor;

namespace Wayland.GuiTesting;

/// <summary>
/// A decoded picture: <see cref="Width"/> × <see cref="Height"/> pixels of 8-bit R, G, B, A with straight (not
/// premultiplied) alpha, row after row — what a PNG file holds. Goldens and screenshots are compared in this form.
/// </summary>
public sealed class RgbaImage
{
    /// <summary>Wraps <paramref name="rgba"/> (4 bytes a pixel, row-major).</summary>
    /// <exception cref="ArgumentException">The data does not hold exactly <paramref name="width"/> × <paramref name="height"/> pixels.</exception>
    public RgbaImage(int width, int height, byte[] rgba)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentNullException.ThrowIfNull(rgba);
        if (rgba.LongLength != 4L * width * height)
        {
            throw new ArgumentException($"{rgba.Length} bytes are not {width}x{height} RGBA pixels", nameof(rgba));
        }

        Width = width;
        Height = height;
        Rgba = rgba;
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>The pixels: R, G, B, A bytes, straight alpha, pixel (x, y) at <c>4 * (y * Width + x)</c>.</summary>
    public byte[] Rgba { get; }

    /// <summary>Decodes a PNG (or any format stb_image reads) held in memory.</summary>
    /// <exception cref="InvalidDataException">The data is not an image.</exception>
    public static RgbaImage Decode(byte[] file)
    {
        ArgumentNullException.ThrowIfNull(file);
        ImageResult result;
        try
        {
            result = ImageResult.FromMemory(file, ColorComponents.RedGreenBlueAlpha);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            throw new InvalidDataException($"not a decodable image: {error.Message}", error);
        }

        return new RgbaImage(result.Width, result.Height, result.Data);
    }

    /// <summary>Reads and decodes the image file at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="InvalidDataException">The file is not an image.</exception>
    public static RgbaImage Load(string path) => Decode(File.ReadAllBytes(path));

    /// <summary>A compositor image as its PNG file holds it (alpha un-premultiplied exactly as <see cref="Image.EncodePng"/> does).</summary>
    public static RgbaImage FromImage(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return image.Width == 0 || image.Height == 0 ? new RgbaImage(image.Width, image.Height, []) : Decode(image.EncodePng());
    }

    /// <summary>The pixel at (<paramref name="x"/>, <paramref name="y"/>) as 0xRRGGBBAA.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The point lies outside the image.</exception>
    public uint GetPixel(int x, int y)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(x);
        ArgumentOutOfRangeException.ThrowIfNegative(y);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(x, Width);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(y, Height);
        int i = 4 * ((y * Width) + x);
        return ((uint)Rgba[i] << 24) | ((uint)Rgba[i + 1] << 16) | ((uint)Rgba[i + 2] << 8) | Rgba[i + 3];
    }

    /// <inheritdoc/>
    public override string ToString() => $"RgbaImage {Width}x{Height}";
}
