using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Wayland.Testing;

namespace Wayland.Compositor.Tests;

/// <summary>Image: pixel access and cropping, and PNG files that libpng (tests/native/png-check) decodes to the exact pixels.</summary>
public sealed class ImageTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("wayland-image-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void PremultipliedPixelsDecodeToStraightRgba()
    {
        // Premultiplied 0xAARRGGBB → straight RGBA as libpng reads it, worked out by hand: channel × 255 / alpha, rounded.
        (uint Argb, string Rgba)[] cases =
        [
            (0xFFFF0000, "ff0000ff"), // opaque red
            (0xFF123456, "123456ff"), // opaque: bytes reordered only
            (0xFF000000, "000000ff"),
            (0xFFFFFFFF, "ffffffff"),
            (0x00000000, "00000000"), // transparent
            (0x00ABCDEF, "00000000"), // transparent with junk colour: still all zero
            (0x80402000, "80400080"), // 64·255/128 = 127.5 → 128; 32·255/128 = 63.75 → 64
            (0x40202020, "80808040"), // 32·255/64 = 127.5 → 128
            (0x7F3F1F0F, "7e3e1e7f"), // 63·255/127 = 126.496 → 126; 31 → 62.24 → 62; 15 → 30.12 → 30
            (0x01010101, "ffffff01"), // alpha 1: 1·255/1
            (0x01000100, "00ff0001"),
            (0xFE7F0000, "800000fe"), // 127·255/254 = 127.5 → 128
            (0xC0FF0000, "ff0000c0"), // invalid (red above alpha): clamped to 255
        ];
        Image image = new(cases.Length, 2);
        for (int x = 0; x < cases.Length; x++)
        {
            image.SetPixel(x, 0, cases[x].Argb);
            image.SetPixel(cases.Length - 1 - x, 1, cases[x].Argb);
        }

        List<(int X, int Y)> points = [];
        List<string> expected = [];
        for (int x = 0; x < cases.Length; x++)
        {
            points.Add((x, 0));
            expected.Add(cases[x].Rgba);
            points.Add((cases.Length - 1 - x, 1));
            expected.Add(cases[x].Rgba);
        }

        (string size, string[] pixels) = Decode(image.EncodePng(), points);

        Assert.Equal($"{cases.Length}x2", size);
        Assert.Equal(expected, pixels);
    }

    [Fact]
    public void HeaderSaysEightBitRgba()
    {
        byte[] png = new Image(3, 5).EncodePng();

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal("IHDR"u8.ToArray(), png[12..16]);
        Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(5, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
        Assert.Equal(8, png[24]); // bit depth
        Assert.Equal(6, png[25]); // colour type RGBA
        Assert.Equal(0, png[28]); // not interlaced
        Assert.Equal("IEND"u8.ToArray(), png[^8..^4]);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 37)]
    [InlineData(37, 1)]
    [InlineData(300, 200)]
    public void EveryPixelOfAMixedImageSurvives(int width, int height)
    {
        // Noise, gradients, flat areas and transparency give every filter type rows where it wins; noise also
        // compresses badly, so the 300x200 image spans several IDAT chunks.
        Image image = MixedImage(width, height, seed: width * 1000 + height);
        List<(int X, int Y)> points = [];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                if ((x * 7 + y * 3) % 11 == 0 || x == width - 1 || y == height - 1 || y == 0)
                {
                    points.Add((x, y));
                }
            }
        }

        (string size, string[] pixels) = Decode(image.EncodePng(), points);

        Assert.Equal($"{width}x{height}", size);
        for (int i = 0; i < points.Count; i++)
        {
            (int x, int y) = points[i];
            Assert.True(StraightRgba(image.GetPixel(x, y)) == pixels[i],
                $"pixel {x},{y}: 0x{image.GetPixel(x, y):X8} decoded as {pixels[i]}, expected {StraightRgba(image.GetPixel(x, y))}");
        }
    }

    [Theory]
    [InlineData(64)] // 256 bytes a row: whole vectors only
    [InlineData(67)] // 268 bytes: vectors and a byte-at-a-time tail
    public void EachFilterTypeIsChosenWhereItWinsAndDecodes(int width)
    {
        // Rows built so that one filter leaves (nearly) nothing: the encoder picks it, and libpng undoes it exactly.
        Random random = new(width);
        uint[] noise = [.. Enumerable.Range(0, width).Select(_ => (uint)random.Next() | 0xFF000000)];
        Image image = new(width, 7);
        for (int x = 0; x < width; x++)
        {
            image.SetPixel(x, 0, (uint)random.Next() | 0xFF000000);
            image.SetPixel(x, 1, noise[x]);
            image.SetPixel(x, 2, noise[x]); // same as above: Up
            image.SetPixel(x, 3, 0); // transparent zeros: None
            image.SetPixel(x, 4, 0xFF000000 | (uint)(x * 3) << 16 | (uint)(x * 2) << 8 | (uint)x); // gradient: Sub
            bool left = x < width / 2;
            image.SetPixel(x, 5, left ? noise[x] : 0xFF103050);
            image.SetPixel(x, 6, left ? noise[x] : 0xFF507090); // above on the left, flat on the right: Paeth
        }

        byte[] png = image.EncodePng();

        byte[] filters = RowFilters(png, width);
        Assert.Equal([2, 0, 1, 4], new[] { filters[2], filters[3], filters[4], filters[6] }); // Up, None, Sub, Paeth
        List<(int X, int Y)> points = [.. Enumerable.Range(0, 7).SelectMany(y => Enumerable.Range(0, width).Select(x => (x, y)))];
        (_, string[] pixels) = Decode(png, points);
        Assert.Equal(points.Select(p => StraightRgba(image.GetPixel(p.X, p.Y))), pixels);
    }

    [Fact]
    public void WrongChunkCrcIsRejectedByTheDecoder()
    {
        // png-check must be able to fail, and libpng checks our CRCs: IHDR's CRC follows its 13 data bytes at offset 29.
        byte[] png = MixedImage(20, 20, seed: 5).EncodePng();
        png[29] ^= 0x01;

        (int exit, string stderr) = DecodeFails(png);

        Assert.NotEqual(0, exit);
        Assert.Contains("CRC", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptedImageDataIsRejectedByTheDecoder()
    {
        byte[] png = MixedImage(20, 20, seed: 5).EncodePng();
        int idat = png.AsSpan().IndexOf("IDAT"u8);
        png[idat + 10] ^= 0x10;

        (int exit, _) = DecodeFails(png);

        Assert.NotEqual(0, exit);
    }

    [Fact]
    public void SavePngAndWritePngGiveTheSameFile()
    {
        Image image = MixedImage(40, 30, seed: 9);
        string path = Path.Combine(_directory, "saved.png");
        image.SavePng(path);
        using MemoryStream stream = new();
        stream.WriteByte(0xAB);
        image.WritePng(stream);

        Assert.True(stream.CanWrite, "WritePng must leave the stream open");
        Assert.Equal(File.ReadAllBytes(path), stream.ToArray()[1..]);
        Assert.Equal(image.EncodePng(), File.ReadAllBytes(path));
    }

    [Fact]
    public void EmptyImageCannotBeEncoded()
    {
        Assert.Throws<InvalidOperationException>(() => new Image(0, 4).EncodePng());
        Assert.Throws<InvalidOperationException>(() => new Image(4, 0).EncodePng());
    }

    [Fact]
    public void PixelsAreRowMajor()
    {
        Image image = new(3, 2);
        image.SetPixel(2, 1, 0x11223344);
        image.GetRow(0)[1] = 0x55667788;

        Assert.Equal(0x11223344u, image.Pixels[5]);
        Assert.Equal(0x55667788u, image.GetPixel(1, 0));
        Assert.Equal(6, image.Pixels.Length);
        Assert.Equal(3, image.GetRow(1).Length);
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData(0, -1)]
    [InlineData(3, 0)]
    [InlineData(0, 2)]
    public void OutsidePointsThrow(int x, int y)
    {
        Image image = new(3, 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => image.GetPixel(x, y));
        Assert.Throws<ArgumentOutOfRangeException>(() => image.SetPixel(x, y, 0));
    }

    [Fact]
    public void RowsOutsideThrow()
    {
        Image image = new(3, 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => image.GetRow(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => image.GetRow(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Image(-1, 2));
    }

    [Fact]
    public void CropCopiesTheRectangle()
    {
        Image image = Numbered(10, 8);

        Image crop = image.Crop(2, 3, 4, 2);

        Assert.Equal((4, 2), (crop.Width, crop.Height));
        Assert.Equal([302u, 303, 304, 305, 402, 403, 404, 405], crop.Pixels);
        crop.SetPixel(0, 0, 0);
        Assert.Equal(302u, image.GetPixel(2, 3));
    }

    [Theory]
    [InlineData(-2, -3, 5, 5, 0, 0, 3, 2)] // top left sticks out
    [InlineData(8, 6, 5, 5, 8, 6, 2, 2)] // bottom right sticks out
    [InlineData(-5, 2, 100, 1, 0, 2, 10, 1)] // wider than the image
    [InlineData(int.MinValue, int.MinValue, int.MaxValue, int.MaxValue, 0, 0, 0, 0)] // ends before the image
    [InlineData(int.MaxValue, 0, int.MaxValue, 8, 0, 0, 0, 0)] // starts after the image (no overflow)
    [InlineData(3, 3, 0, 4, 0, 0, 0, 0)] // empty
    public void CropIsClippedToTheImage(int x, int y, int w, int h, int left, int top, int width, int height)
    {
        Image image = Numbered(10, 8);

        Image crop = image.Crop(x, y, w, h);

        Assert.Equal((width, height), (crop.Width, crop.Height));
        for (int row = 0; row < height; row++)
        {
            for (int column = 0; column < width; column++)
            {
                Assert.Equal(image.GetPixel(left + column, top + row), crop.GetPixel(column, row));
            }
        }
    }

    [Fact]
    public void CropWithNegativeSizeThrows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(4, 4).Crop(0, 0, -1, 2));
    }

    private (string Size, string[] Pixels) Decode(byte[] png, List<(int X, int Y)> points)
    {
        string path = Path.Combine(_directory, $"{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, png);
        return PngCheck.Decode(path, points);
    }

    private (int Exit, string Stderr) DecodeFails(byte[] png)
    {
        string path = Path.Combine(_directory, "corrupt.png");
        File.WriteAllBytes(path, png);
        (int exit, _, string stderr) = ProcessRunner.Run(new ProcessStartInfo(NativePeers.Path("png-check"), [path]), TimeSpan.FromSeconds(60));
        return (exit, stderr);
    }

    /// <summary>The filter-type byte of each row: IDAT chunks joined and inflated.</summary>
    private static byte[] RowFilters(byte[] png, int width)
    {
        using MemoryStream compressed = new();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            if (png.AsSpan(at + 4, 4).SequenceEqual("IDAT"u8))
            {
                compressed.Write(png, at + 8, length);
            }

            at += 12 + length;
        }

        compressed.Position = 0;
        using MemoryStream raw = new();
        using (ZLibStream zlib = new(compressed, CompressionMode.Decompress))
        {
            zlib.CopyTo(raw);
        }

        byte[] bytes = raw.ToArray();
        int stride = 1 + (4 * width);
        Assert.Equal(0, bytes.Length % stride);
        return [.. Enumerable.Range(0, bytes.Length / stride).Select(row => bytes[row * stride])];
    }

    /// <summary>What a straight-alpha decoder should give for a premultiplied pixel, worked out in floating point.</summary>
    private static string StraightRgba(uint argb)
    {
        uint alpha = argb >> 24;
        if (alpha == 0)
        {
            return "00000000";
        }

        int Channel(int shift) => (int)Math.Min(255, Math.Round(((argb >> shift) & 0xFF) * 255.0 / alpha, MidpointRounding.AwayFromZero));
        return string.Create(CultureInfo.InvariantCulture, $"{Channel(16):x2}{Channel(8):x2}{Channel(0):x2}{alpha:x2}");
    }

    private static Image MixedImage(int width, int height, int seed)
    {
        Random random = new(seed);
        Image image = new(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                uint pixel = ((x + y) % 5) switch
                {
                    0 => (uint)random.Next() | 0xFF000000, // opaque noise
                    1 => 0xFF000000 | (uint)(x * 255 / Math.Max(1, width - 1)) << 16 | (uint)(y * 255 / Math.Max(1, height - 1)), // gradient
                    2 => 0xFF336699, // flat
                    3 => 0, // transparent
                    _ => Premultiplied((uint)random.Next(1, 256), (uint)random.Next()), // translucent
                };
                image.SetPixel(x, y, pixel);
            }
        }

        return image;
    }

    private static uint Premultiplied(uint alpha, uint rgb)
    {
        uint Scale(int shift) => ((rgb >> shift) & 0xFF) * alpha / 255;
        return alpha << 24 | Scale(16) << 16 | Scale(8) << 8 | Scale(0);
    }

    private static Image Numbered(int width, int height)
    {
        Image image = new(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image.SetPixel(x, y, (uint)(y * 100 + x));
            }
        }

        return image;
    }
}
