using CsCheck;
using Wayland.Compositor.Rendering;

namespace Wayland.Compositor.Tests;

/// <summary>
/// The vector paths of the renderer's row operations against a scalar reference written out here (the formula with a
/// division), on random rows of random lengths so that rows shorter than a vector, every overlap of the row blend's last
/// vector with the one before it and every tail after the copy's vector loops are hit, and the damage region's rules. A failure prints CsCheck's seed. The vector width is
/// the machine's: run with DOTNET_EnableAVX2=0 for the 128-bit one, DOTNET_EnableHWIntrinsic=0 for the scalar path.
/// </summary>
public class BlendingTests
{
    private static readonly Gen<uint> Pixel = Gen.Int[0, 5].SelectMany(kind => kind switch
    {
        0 => Gen.Const(0u),
        1 => Gen.UInt.Select(v => v | 0xFF000000),
        2 => Gen.UInt, // any bytes, premultiplied or not: the sum saturates
        _ => Gen.Select(Gen.Int[0, 255], Gen.UInt, (a, v) => Premultiply((uint)a, v)),
    });

    private static readonly Gen<(uint[] Destination, uint[] Source)> Rows =
        Gen.Int[0, 70].SelectMany(n => Gen.Select(Pixel.Array[n], Pixel.Array[n]));

    [Fact]
    public void Blend_row_equals_the_scalar_reference_for_random_rows_and_tails()
    {
        Rows.Sample(rows =>
        {
            uint[] expected = [.. rows.Destination];
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] = Reference(expected[i], rows.Source[i]);
            }

            uint[] actual = [.. rows.Destination];
            Blending.BlendRow(actual, rows.Source);
            Assert.Equal(expected, actual);
        });
    }

    [Fact]
    public void Blend_row_equals_the_reference_with_uniform_vectors_of_opaque_and_clear_pixels()
    {
        // Whole vectors of opaque or of zero source pixels take the shortcuts; with mixed ones in between.
        Gen.Select(Gen.Int[0, 40], Gen.Int[0, 2].Select(k => k == 0 ? 0u : k == 1 ? 0xFF102030u : 0x80402010u), Pixel.Array[40]).Sample((n, fill, destination) =>
        {
            uint[] source = new uint[40];
            Array.Fill(source, fill, 0, n);
            uint[] expected = [.. destination];
            for (int i = 0; i < expected.Length; i++)
            {
                expected[i] = Reference(expected[i], source[i]);
            }

            Blending.BlendRow(destination, source);
            Assert.Equal(expected, destination);
        });
    }

    [Fact]
    public void Blend_row_and_copy_leave_a_longer_destination_alone_past_the_source()
    {
        Gen.Select(Rows, Gen.Int[1, 9]).Sample((rows, extra) =>
        {
            uint[] blended = [.. rows.Destination, .. Enumerable.Repeat(0x12345678u, extra)];
            Blending.BlendRow(blended, rows.Source);
            Assert.Equal(rows.Destination.Select((d, i) => Reference(d, rows.Source[i])), blended.Take(rows.Source.Length));
            Assert.All(blended.Skip(rows.Source.Length), p => Assert.Equal(0x12345678u, p));

            uint[] copied = [.. rows.Destination, .. Enumerable.Repeat(0x12345678u, extra)];
            Blending.CopyOpaque(rows.Source, copied);
            Assert.Equal(rows.Source.Select(p => p | 0xFF000000), copied.Take(rows.Source.Length));
            Assert.All(copied.Skip(rows.Source.Length), p => Assert.Equal(0x12345678u, p));
        });
    }

    [Fact]
    public void Scalar_blend_equals_the_division_formula_for_every_channel_pair()
    {
        for (uint alpha = 0; alpha < 256; alpha++)
        {
            for (uint d = 0; d < 256; d++)
            {
                uint source = alpha << 24;
                uint destination = d * 0x01010101;
                Assert.Equal(Reference(destination, source), Blending.Blend(destination, source));
            }
        }
    }

    [Fact]
    public void Copy_opaque_sets_alpha_on_every_pixel_and_keeps_the_colour()
    {
        Gen.UInt.Array[0, 70].Sample(source =>
        {
            uint[] destination = new uint[source.Length];
            Blending.CopyOpaque(source, destination);
            Assert.Equal(source.Select(p => p | 0xFF000000), destination);
        });
    }

    [Fact]
    public void Damage_region_keeps_disjoint_rectangles_covering_exactly_what_was_added()
    {
        Gen<Rect> rect = Gen.Select(Gen.Int[0, 60], Gen.Int[0, 60], Gen.Int[0, 20], Gen.Int[0, 20], (x, y, w, h) => new Rect(x, y, w, h));
        rect.Array[0, 40].Sample(rects =>
        {
            DamageRegion region = new();
            foreach (Rect r in rects)
            {
                region.Add(r);
            }

            Rect[] held = region.Rectangles.ToArray();
            Assert.True(held.Length <= DamageRegion.MaxRectangles);
            Assert.Equal(rects.All(r => r.IsEmpty), region.IsEmpty);
            for (int i = 0; i < held.Length; i++)
            {
                for (int j = i + 1; j < held.Length; j++)
                {
                    Assert.True(held[i].Intersect(held[j]).IsEmpty, $"{held[i]} overlaps {held[j]}");
                }
            }

            // Everything added; and exactly that while three rectangles cannot make more pieces than the limit.
            bool exact = rects.Count(r => !r.IsEmpty) <= 3;
            for (int y = 0; y < 80; y++)
            {
                for (int x = 0; x < 80; x++)
                {
                    bool added = rects.Any(r => r.Contains(x, y));
                    bool kept = held.Any(h => h.Contains(x, y));
                    Assert.True(added ? kept : !kept || !exact, $"({x}, {y}) added {added}, held {kept}");
                }
            }
        });
    }

    [Fact]
    public void Damage_region_keeps_apart_rectangles_apart_and_collapses_past_its_limit()
    {
        DamageRegion region = new();
        region.Add(new Rect(0, 0, 10, 10));
        region.Add(new Rect(100, 100, 10, 10));
        region.Add(new Rect(5, 5, 2, 2));
        Assert.Equal([new Rect(0, 0, 10, 10), new Rect(100, 100, 10, 10)], region.Rectangles.ToArray());

        for (int i = 2; i <= DamageRegion.MaxRectangles; i++)
        {
            region.Add(new Rect(i * 20, 0, 5, 5));
        }

        Assert.Equal([new Rect(0, 0, 325, 110)], region.Rectangles.ToArray());
    }

    /// <summary>The textbook formula: s + round(d × (255 − a) / 255) per channel, held at 255.</summary>
    private static uint Reference(uint destination, uint source)
    {
        uint inverse = 255 - (source >> 24);
        uint result = 0;
        for (int shift = 0; shift < 32; shift += 8)
        {
            uint d = (destination >> shift) & 0xFF;
            uint s = (source >> shift) & 0xFF;
            result |= Math.Min(s + (((d * inverse) + 127) / 255), 255u) << shift;
        }

        return result;
    }

    private static uint Premultiply(uint alpha, uint rgb)
    {
        uint r = ((rgb >> 16) & 0xFF) * alpha / 255, g = ((rgb >> 8) & 0xFF) * alpha / 255, b = (rgb & 0xFF) * alpha / 255;
        return (alpha << 24) | (r << 16) | (g << 8) | b;
    }
}
