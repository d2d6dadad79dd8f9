using Wayland.Compositor;

namespace Wayland.GuiTesting;

/// <summary>
/// How an actual image differs from an expected one: pixels count as different when any channel (R, G, B or A)
/// differs by more than the per-pixel tolerance, or when they lie outside the other image.
/// </summary>
public sealed class ImageComparison
{
    /// <summary>Colour of a differing pixel in <see cref="CreateDiff"/> (opaque red, 0xAARRGGBB).</summary>
    public const uint DiffColor = 0xFFFF0000;

    private readonly RgbaImage _actual;
    private readonly RgbaImage _expected;
    private readonly int _tolerance;

    private ImageComparison(RgbaImage actual, RgbaImage expected, int tolerance)
    {
        _actual = actual;
        _expected = expected;
        _tolerance = tolerance;
        int width = Math.Max(actual.Width, expected.Width);
        int height = Math.Max(actual.Height, expected.Height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int difference = Difference(x, y);
                if (difference > tolerance)
                {
                    DifferentPixels++;
                }

                MaxChannelDifference = Math.Max(MaxChannelDifference, Math.Min(difference, 255));
            }
        }
    }

    /// <summary>Whether both images have the same size.</summary>
    public bool SameSize => _actual.Width == _expected.Width && _actual.Height == _expected.Height;

    /// <summary>Pixels that differ by more than the tolerance (pixels outside the smaller image count too).</summary>
    public long DifferentPixels { get; }

    /// <summary>The largest channel difference seen (255 where a pixel lies outside the other image).</summary>
    public int MaxChannelDifference { get; }

    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/>, allowing each channel to differ by <paramref name="perPixelTolerance"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The tolerance is not within 0..255.</exception>
    public static ImageComparison Compare(RgbaImage actual, RgbaImage expected, int perPixelTolerance = 0)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentOutOfRangeException.ThrowIfNegative(perPixelTolerance);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(perPixelTolerance, 255);
        return new ImageComparison(actual, expected, perPixelTolerance);
    }

    /// <summary>Whether the images have the same size and at most <paramref name="maxDifferentPixels"/> pixels differ.</summary>
    public bool Matches(long maxDifferentPixels) => SameSize && DifferentPixels <= maxDifferentPixels;

    /// <summary>
    /// A picture of the differences, as large as both images together: differing pixels in <see cref="DiffColor"/>, the
    /// others a faded grey of the expected image so the differences stand out.
    /// </summary>
    public Image CreateDiff()
    {
        Image diff = new(Math.Max(_actual.Width, _expected.Width), Math.Max(_actual.Height, _expected.Height));
        for (int y = 0; y < diff.Height; y++)
        {
            for (int x = 0; x < diff.Width; x++)
            {
                if (Difference(x, y) > _tolerance)
                {
                    diff.SetPixel(x, y, DiffColor);
                    continue;
                }

                int i = 4 * ((y * _expected.Width) + x);
                byte[] e = _expected.Rgba;
                uint grey = (uint)(((e[i] * 77) + (e[i + 1] * 150) + (e[i + 2] * 29)) >> 8);
                grey = 160 + (grey * 95 / 255);
                diff.SetPixel(x, y, 0xFF000000 | (grey << 16) | (grey << 8) | grey);
            }
        }

        return diff;
    }

    /// <inheritdoc/>
    public override string ToString() => SameSize
        ? $"{DifferentPixels} pixels differ by more than {_tolerance} (largest channel difference {MaxChannelDifference})"
        : $"size {_actual.Width}x{_actual.Height}, expected {_expected.Width}x{_expected.Height}";

    /// <summary>The largest channel difference at (x, y); 256 when the point lies outside one of the images.</summary>
    private int Difference(int x, int y)
    {
        if (x >= _actual.Width || y >= _actual.Height || x >= _expected.Width || y >= _expected.Height)
        {
            return 256;
        }

        int a = 4 * ((y * _actual.Width) + x);
        int e = 4 * ((y * _expected.Width) + x);
        int most = 0;
        for (int c = 0; c < 4; c++)
        {
            most = Math.Max(most, Math.Abs(_actual.Rgba[a + c] - _expected.Rgba[e + c]));
        }

        return most;
    }
}
