using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Wayland.Compositor.Rendering;

/// <summary>
/// Row operations on premultiplied ARGB pixels (one <see cref="uint"/> 0xAARRGGBB each); every path gives exactly the
/// scalar result of <see cref="Blend(uint, uint)"/>. <see cref="BlendRow"/> is written once over <see cref="Vector{T}"/>
/// (256 bits wide on AVX2 machines, 128 on ARM64 and on x64 without AVX2): a row's last pixels that do not fill a
/// vector are done by one more vector ending at the row's end, overlapping the one before it, and only rows shorter
/// than a vector go pixel by pixel. <see cref="CopyOpaque"/> keeps a Vector256 and a Vector128 loop and a scalar tail:
/// over <see cref="Vector{T}"/> its 128-bit path measured about a fifth slower (docs/benchmarks.md, "Blending").
/// </summary>
internal static class Blending
{
    /// <summary>
    /// Premultiplied source-over for one pixel: each channel is s + d × (255 − source alpha) / 255, rounded to nearest,
    /// held at 255 (a source that is not validly premultiplied saturates instead of wrapping).
    /// </summary>
    public static uint Blend(uint destination, uint source)
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
            uint value = s + Div255((d * inverse) + 128);
            result |= Math.Min(value, 255u) << shift;
        }

        return result;
    }

    /// <summary>Blends <paramref name="source"/> over <paramref name="destination"/> (same length) pixel by pixel.</summary>
    public static void BlendRow(Span<uint> destination, ReadOnlySpan<uint> source)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination row is shorter than the source row.", nameof(destination));
        }

        ref uint s = ref MemoryMarshal.GetReference(source);
        ref uint d = ref MemoryMarshal.GetReference(destination);
        int length = source.Length;
        if (!Vector.IsHardwareAccelerated || length < Vector<uint>.Count)
        {
            for (int i = 0; i < length; i++)
            {
                uint pixel = Unsafe.Add(ref s, i);
                if (pixel >> 24 == 255)
                {
                    Unsafe.Add(ref d, i) = pixel;
                }
                else if (pixel != 0)
                {
                    Unsafe.Add(ref d, i) = Blend(Unsafe.Add(ref d, i), pixel);
                }
            }

            return;
        }

        // The last vector is blended from the destination as it was, before the loop overwrites the pixels it
        // shares with the one before it; stored last, it writes those shared pixels with the same values.
        nuint last = (nuint)(length - Vector<uint>.Count);
        Vector<uint> tail = Vector.LoadUnsafe(ref s, last);
        if (!Vector.EqualsAll(tail >>> 24, Vector.Create(255u)))
        {
            tail = Blend(Vector.LoadUnsafe(ref d, last), tail);
        }

        for (nuint i = 0; i < last; i += (nuint)Vector<uint>.Count)
        {
            Vector<uint> src = Vector.LoadUnsafe(ref s, i);
            if (Vector.EqualsAll(src >>> 24, Vector.Create(255u)))
            {
                src.StoreUnsafe(ref d, i);
            }
            else if (!Vector.EqualsAll(src, Vector<uint>.Zero))
            {
                Blend(Vector.LoadUnsafe(ref d, i), src).StoreUnsafe(ref d, i);
            }
        }

        tail.StoreUnsafe(ref d, last);
    }

    /// <summary>Copies XRGB pixels (the top byte undefined) as opaque ARGB: each with its alpha set to 255.</summary>
    public static void CopyOpaque(ReadOnlySpan<uint> source, Span<uint> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("The destination row is shorter than the source row.", nameof(destination));
        }

        ref uint s = ref MemoryMarshal.GetReference(source);
        ref uint d = ref MemoryMarshal.GetReference(destination);
        int length = source.Length;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                (Vector256.LoadUnsafe(ref s, (nuint)i) | Vector256.Create(0xFF000000u)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= length - Vector128<uint>.Count; i += Vector128<uint>.Count)
            {
                (Vector128.LoadUnsafe(ref s, (nuint)i) | Vector128.Create(0xFF000000u)).StoreUnsafe(ref d, (nuint)i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i) | 0xFF000000;
        }
    }

    /// <summary>
    /// <see cref="Blend(uint, uint)"/> on a vector of pixels, each channel widened to 16 bits; an opaque or a zero
    /// source pixel needs no shortcut here (it gives the source or the destination exactly).
    /// </summary>
    private static Vector<uint> Blend(Vector<uint> destination, Vector<uint> source)
    {
        Vector<byte> inverse = Vector.AsVectorByte((Vector.Create(255u) - (source >>> 24)) * 0x01010101u);
        Vector<ushort> low = Channels(Vector.WidenLower(Vector.AsVectorByte(destination)), Vector.WidenLower(Vector.AsVectorByte(source)), Vector.WidenLower(inverse));
        Vector<ushort> high = Channels(Vector.WidenUpper(Vector.AsVectorByte(destination)), Vector.WidenUpper(Vector.AsVectorByte(source)), Vector.WidenUpper(inverse));
        return Vector.AsVectorUInt32(Vector.Narrow(low, high));
    }

    private static Vector<ushort> Channels(Vector<ushort> destination, Vector<ushort> source, Vector<ushort> inverse) =>
        Vector.Min(source + Div255((destination * inverse) + Vector.Create((ushort)128)), Vector.Create((ushort)255));

    /// <summary>x / 255 for x = v + 128, v ≤ 255 × 255: rounds v / 255 to nearest, exactly (no division).</summary>
    private static uint Div255(uint x) => (x + (x >> 8)) >> 8;

    private static Vector<ushort> Div255(Vector<ushort> x) => (x + (x >>> 8)) >>> 8;
}
