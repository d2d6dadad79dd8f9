using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Wayland.Compositor.Rendering;

/// <summary>
/// Row operations on premultiplied ARGB pixels (one <see cref="uint"/> 0xAARRGGBB each), with Vector256 or Vector128
/// where the machine has them and a scalar tail; every path gives exactly the scalar result of <see cref="Blend"/>.
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
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= length - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                Vector256<uint> src = Vector256.LoadUnsafe(ref s, (nuint)i);
                Vector256<uint> alpha = src >>> 24;
                if (Vector256.EqualsAll(alpha, Vector256.Create(255u)))
                {
                    src.StoreUnsafe(ref d, (nuint)i);
                }
                else if (!Vector256.EqualsAll(src, Vector256<uint>.Zero))
                {
                    Vector256<uint> dst = Vector256.LoadUnsafe(ref d, (nuint)i);
                    Vector256<byte> inverse = ((Vector256.Create(255u) - alpha) * 0x01010101u).AsByte();
                    (Vector256<ushort> inverseLow, Vector256<ushort> inverseHigh) = Vector256.Widen(inverse);
                    (Vector256<ushort> srcLow, Vector256<ushort> srcHigh) = Vector256.Widen(src.AsByte());
                    (Vector256<ushort> dstLow, Vector256<ushort> dstHigh) = Vector256.Widen(dst.AsByte());
                    Vector256<ushort> low = Vector256.Min(srcLow + Div255((dstLow * inverseLow) + Vector256.Create((ushort)128)), Vector256.Create((ushort)255));
                    Vector256<ushort> high = Vector256.Min(srcHigh + Div255((dstHigh * inverseHigh) + Vector256.Create((ushort)128)), Vector256.Create((ushort)255));
                    Vector256.Narrow(low, high).AsUInt32().StoreUnsafe(ref d, (nuint)i);
                }
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i <= length - Vector128<uint>.Count; i += Vector128<uint>.Count)
            {
                Vector128<uint> src = Vector128.LoadUnsafe(ref s, (nuint)i);
                Vector128<uint> alpha = src >>> 24;
                if (Vector128.EqualsAll(alpha, Vector128.Create(255u)))
                {
                    src.StoreUnsafe(ref d, (nuint)i);
                }
                else if (!Vector128.EqualsAll(src, Vector128<uint>.Zero))
                {
                    Vector128<uint> dst = Vector128.LoadUnsafe(ref d, (nuint)i);
                    Vector128<byte> inverse = ((Vector128.Create(255u) - alpha) * 0x01010101u).AsByte();
                    (Vector128<ushort> inverseLow, Vector128<ushort> inverseHigh) = Vector128.Widen(inverse);
                    (Vector128<ushort> srcLow, Vector128<ushort> srcHigh) = Vector128.Widen(src.AsByte());
                    (Vector128<ushort> dstLow, Vector128<ushort> dstHigh) = Vector128.Widen(dst.AsByte());
                    Vector128<ushort> low = Vector128.Min(srcLow + Div255((dstLow * inverseLow) + Vector128.Create((ushort)128)), Vector128.Create((ushort)255));
                    Vector128<ushort> high = Vector128.Min(srcHigh + Div255((dstHigh * inverseHigh) + Vector128.Create((ushort)128)), Vector128.Create((ushort)255));
                    Vector128.Narrow(low, high).AsUInt32().StoreUnsafe(ref d, (nuint)i);
                }
            }
        }

        for (; i < length; i++)
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

    /// <summary>x / 255 for x = v + 128, v ≤ 255 × 255: rounds v / 255 to nearest, exactly (no division).</summary>
    private static uint Div255(uint x) => (x + (x >> 8)) >> 8;

    private static Vector256<ushort> Div255(Vector256<ushort> x) => (x + (x >>> 8)) >>> 8;

    private static Vector128<ushort> Div255(Vector128<ushort> x) => (x + (x >>> 8)) >>> 8;
}
