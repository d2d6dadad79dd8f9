using System.Buffers.Binary;
using System.IO.Compression;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Wayland.Compositor.Imaging;

/// <summary>
/// Writes an <see cref="Image"/> as a PNG file: 8-bit RGBA (colour type 6), not interlaced, alpha un-premultiplied.
/// Each row gets the filter (None, Sub, Up or Paeth) whose output has the smallest sum of absolute values taken as
/// signed bytes — the usual heuristic, which suits screenshots — and the filtered rows go through zlib into IDAT chunks.
/// </summary>
internal static class PngEncoder
{
    /// <summary>Largest IDAT chunk written; decoders accept any size, this keeps the buffer small.</summary>
    private const int IdatChunkSize = 1 << 16;

    private const int BytesPerPixel = 4;

    /// <summary>Zero bytes in front of each unfiltered row: the left neighbours of its first pixel, one whole vector.</summary>
    private const int RowPadding = 16;

    /// <summary>Vectors whose costs are summed in 16-bit lanes before moving them to 64 bits: 100 × 256 &lt; 65536.</summary>
    private const int CostBlockVectors = 100;

    private static readonly byte[] Straight = BuildStraightTable();

    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>PNG filter types (the first byte of each filtered row).</summary>
    private enum FilterType : byte
    {
        None = 0,
        Sub = 1,
        Up = 2,
        Paeth = 4,
    }

    /// <summary>Writes <paramref name="image"/> to <paramref name="output"/> as a complete PNG file.</summary>
    /// <exception cref="InvalidOperationException">The image is empty or too wide for one row buffer.</exception>
    internal static void Write(Image image, Stream output)
    {
        if (image.Width == 0 || image.Height == 0)
        {
            throw new InvalidOperationException($"a PNG image needs at least one pixel; this one is {image.Width}x{image.Height}");
        }

        if (((long)image.Width * BytesPerPixel) + RowPadding > Array.MaxLength)
        {
            throw new InvalidOperationException($"an image {image.Width} pixels wide is too wide to encode");
        }

        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], image.Height);
        header[8] = 8; // bits per sample
        header[9] = 6; // colour type: truecolour with alpha
        header[10] = 0; // compression method: deflate
        header[11] = 0; // filter method: adaptive, five filter types
        header[12] = 0; // no interlace
        WriteChunk(output, "IHDR"u8, header);

        IdatStream idat = new(output);
        using (ZLibStream zlib = new(idat, CompressionLevel.Fastest, leaveOpen: true))
        {
            WriteRows(image, zlib);
        }

        idat.Flush();
        WriteChunk(output, "IEND"u8, []);
    }

    private static void WriteRows(Image image, Stream zlib)
    {
        int length = image.Width * BytesPerPixel;

        // Unfiltered rows start after RowPadding zero bytes, so the first pixel's left neighbours read as the zeros
        // PNG defines them to be; the row above the first row is all zeros too. Filtered rows start after their
        // filter-type byte.
        byte[] above = new byte[RowPadding + length];
        byte[] current = new byte[RowPadding + length];
        byte[] none = new byte[1 + length];
        byte[] sub = new byte[1 + length];
        byte[] up = new byte[1 + length];
        byte[] paeth = new byte[1 + length];
        none[0] = (byte)FilterType.None;
        sub[0] = (byte)FilterType.Sub;
        up[0] = (byte)FilterType.Up;
        paeth[0] = (byte)FilterType.Paeth;
        for (int y = 0; y < image.Height; y++)
        {
            ToStraightRgba(image.GetRow(y), current.AsSpan(RowPadding));
            Costs costs = Vector128.IsHardwareAccelerated
                ? FilterVectorised(current, above, sub, up, paeth, length)
                : default;
            costs += FilterScalar(current, above, sub, up, paeth, costs.Done, length);

            // The usual heuristic: the filter whose output has the smallest sum of |byte as signed|.
            byte[] best = costs.Sub < costs.None ? sub : none;
            long bestCost = Math.Min(costs.Sub, costs.None);
            if (costs.Up < bestCost)
            {
                (best, bestCost) = (up, costs.Up);
            }

            if (costs.Paeth < bestCost)
            {
                best = paeth;
            }

            if (best == none)
            {
                current.AsSpan(RowPadding, length).CopyTo(none.AsSpan(1));
            }

            zlib.Write(best);
            (above, current) = (current, above);
        }
    }

    /// <summary>Premultiplied 0xAARRGGBB → R, G, B, A bytes with straight alpha; a fully transparent pixel becomes 0, 0, 0, 0.</summary>
    private static void ToStraightRgba(ReadOnlySpan<uint> source, Span<byte> destination)
    {
        for (int x = 0; x < source.Length; x++)
        {
            uint pixel = source[x];
            uint alpha = pixel >> 24;
            Span<byte> target = destination.Slice(x * BytesPerPixel, BytesPerPixel);
            if (alpha == 0xFF)
            {
                // AARRGGBB rotated by a byte is RRGGBBAA: written big-endian, that is the PNG byte order.
                BinaryPrimitives.WriteUInt32BigEndian(target, BitOperations.RotateLeft(pixel, 8));
            }
            else if (alpha == 0)
            {
                BinaryPrimitives.WriteUInt32BigEndian(target, 0);
            }
            else
            {
                target[0] = Unpremultiply((pixel >> 16) & 0xFF, alpha);
                target[1] = Unpremultiply((pixel >> 8) & 0xFF, alpha);
                target[2] = Unpremultiply(pixel & 0xFF, alpha);
                target[3] = (byte)alpha;
            }
        }
    }

    /// <summary>round(value × 255 / alpha), for 0 &lt; alpha &lt; 255, looked up in <see cref="Straight"/>.</summary>
    private static byte Unpremultiply(uint value, uint alpha) => Straight[(int)((alpha << 8) | value)];

    /// <summary>
    /// Entry alpha × 256 + value: round(value × 255 / alpha), rounding halves up, and 255 where value ≥ alpha (including
    /// invalid premultiplied data, whose colour exceeds its alpha). 64 KiB, which saves three divisions per translucent pixel.
    /// </summary>
    private static byte[] BuildStraightTable()
    {
        byte[] table = new byte[256 * 256];
        for (int alpha = 1; alpha < 256; alpha++)
        {
            for (int value = 0; value < 256; value++)
            {
                table[(alpha << 8) | value] = value >= alpha ? (byte)0xFF : (byte)(((value * 255) + (alpha / 2)) / alpha);
            }
        }

        return table;
    }

    /// <summary>
    /// Filters the row's bytes from <paramref name="start"/> to <paramref name="length"/> one at a time into
    /// <paramref name="sub"/>, <paramref name="up"/> and <paramref name="paeth"/>, and adds up their costs.
    /// </summary>
    private static Costs FilterScalar(byte[] row, byte[] above, byte[] sub, byte[] up, byte[] paeth, int start, int length)
    {
        Costs costs = new() { Done = length - start };
        for (int i = start; i < length; i++)
        {
            int value = row[RowPadding + i];
            int left = row[RowPadding + i - BytesPerPixel];
            int over = above[RowPadding + i];
            int upperLeft = above[RowPadding + i - BytesPerPixel];
            byte bySub = (byte)(value - left);
            byte byUp = (byte)(value - over);
            byte byPaeth = (byte)(value - PaethPredictor(left, over, upperLeft));
            sub[1 + i] = bySub;
            up[1 + i] = byUp;
            paeth[1 + i] = byPaeth;
            costs.None += Cost((byte)value);
            costs.Sub += Cost(bySub);
            costs.Up += Cost(byUp);
            costs.Paeth += Cost(byPaeth);
        }

        return costs;
    }

    /// <summary>
    /// <see cref="FilterScalar"/> sixteen bytes at a time, for as many whole vectors as the row holds; returns the costs
    /// and in <see cref="Costs.Done"/> how many bytes it filtered.
    /// </summary>
    private static Costs FilterVectorised(byte[] row, byte[] above, byte[] sub, byte[] up, byte[] paeth, int length)
    {
        ref byte rowStart = ref MemoryMarshal.GetArrayDataReference(row);
        ref byte aboveStart = ref MemoryMarshal.GetArrayDataReference(above);
        ref byte subStart = ref MemoryMarshal.GetArrayDataReference(sub);
        ref byte upStart = ref MemoryMarshal.GetArrayDataReference(up);
        ref byte paethStart = ref MemoryMarshal.GetArrayDataReference(paeth);
        Costs costs = default;
        int vectors = length / Vector128<byte>.Count;
        int i = 0;
        while (i < vectors * Vector128<byte>.Count)
        {
            // Each step adds at most 2 × 128 to a 16-bit lane: flush to 64 bits well before 65535.
            int blockEnd = Math.Min(vectors * Vector128<byte>.Count, i + (CostBlockVectors * Vector128<byte>.Count));
            Vector128<ushort> none = default, bySub = default, byUp = default, byPaeth = default;
            for (; i < blockEnd; i += Vector128<byte>.Count)
            {
                nuint at = (nuint)(RowPadding + i);
                Vector128<byte> value = Vector128.LoadUnsafe(ref rowStart, at);
                Vector128<byte> left = Vector128.LoadUnsafe(ref rowStart, at - BytesPerPixel);
                Vector128<byte> over = Vector128.LoadUnsafe(ref aboveStart, at);
                Vector128<byte> upperLeft = Vector128.LoadUnsafe(ref aboveStart, at - BytesPerPixel);
                Vector128<byte> subbed = value - left;
                Vector128<byte> upped = value - over;
                Vector128<byte> paethed = value - PaethPredictor(left, over, upperLeft);
                subbed.StoreUnsafe(ref subStart, (nuint)(1 + i));
                upped.StoreUnsafe(ref upStart, (nuint)(1 + i));
                paethed.StoreUnsafe(ref paethStart, (nuint)(1 + i));
                none += Cost(value);
                bySub += Cost(subbed);
                byUp += Cost(upped);
                byPaeth += Cost(paethed);
            }

            costs.None += Total(none);
            costs.Sub += Total(bySub);
            costs.Up += Total(byUp);
            costs.Paeth += Total(byPaeth);
        }

        costs.Done = i;
        return costs;
    }

    /// <summary>Of left, up and upper-left, the one closest to left + up − upper-left (ties in that order).</summary>
    private static int PaethPredictor(int left, int up, int upperLeft)
    {
        int towardsLeft = Math.Abs(up - upperLeft);
        int towardsUp = Math.Abs(left - upperLeft);
        int towardsUpperLeft = Math.Abs(left + up - upperLeft - upperLeft);
        if (towardsLeft <= towardsUp && towardsLeft <= towardsUpperLeft)
        {
            return left;
        }

        return towardsUp <= towardsUpperLeft ? up : upperLeft;
    }

    /// <summary><see cref="PaethPredictor(int, int, int)"/> for sixteen bytes, computed in 16-bit lanes.</summary>
    private static Vector128<byte> PaethPredictor(Vector128<byte> left, Vector128<byte> up, Vector128<byte> upperLeft)
    {
        (Vector128<ushort> leftLow, Vector128<ushort> leftHigh) = Vector128.Widen(left);
        (Vector128<ushort> upLow, Vector128<ushort> upHigh) = Vector128.Widen(up);
        (Vector128<ushort> upperLeftLow, Vector128<ushort> upperLeftHigh) = Vector128.Widen(upperLeft);
        Vector128<short> low = PaethPredictor(leftLow.AsInt16(), upLow.AsInt16(), upperLeftLow.AsInt16());
        Vector128<short> high = PaethPredictor(leftHigh.AsInt16(), upHigh.AsInt16(), upperLeftHigh.AsInt16());
        return Vector128.Narrow(low.AsUInt16(), high.AsUInt16());
    }

    private static Vector128<short> PaethPredictor(Vector128<short> left, Vector128<short> up, Vector128<short> upperLeft)
    {
        Vector128<short> towardsLeft = Vector128.Abs(up - upperLeft);
        Vector128<short> towardsUp = Vector128.Abs(left - upperLeft);
        Vector128<short> towardsUpperLeft = Vector128.Abs(up - upperLeft + left - upperLeft);
        Vector128<short> pickLeft = Vector128.LessThanOrEqual(towardsLeft, towardsUp) & Vector128.LessThanOrEqual(towardsLeft, towardsUpperLeft);
        Vector128<short> pickUp = Vector128.LessThanOrEqual(towardsUp, towardsUpperLeft);
        return Vector128.ConditionalSelect(pickLeft, left, Vector128.ConditionalSelect(pickUp, up, upperLeft));
    }

    /// <summary>|byte as signed|.</summary>
    private static int Cost(byte value) => Math.Abs((int)(sbyte)value);

    /// <summary>|byte as signed| of sixteen bytes, added pairwise into eight 16-bit lanes.</summary>
    private static Vector128<ushort> Cost(Vector128<byte> values)
    {
        // |−128| does not fit a signed byte and stays 0x80, which read unsigned is 128: right.
        (Vector128<ushort> low, Vector128<ushort> high) = Vector128.Widen(Vector128.Abs(values.AsSByte()).AsByte());
        return low + high;
    }

    private static long Total(Vector128<ushort> lanes)
    {
        (Vector128<uint> low, Vector128<uint> high) = Vector128.Widen(lanes);
        return Vector128.Sum(low + high);
    }

    /// <summary>The four candidate filters' costs for one row, and how many of its bytes have been filtered.</summary>
    private struct Costs
    {
        public long None;
        public long Sub;
        public long Up;
        public long Paeth;
        public int Done;

        public static Costs operator +(Costs first, Costs second) => new()
        {
            None = first.None + second.None,
            Sub = first.Sub + second.Sub,
            Up = first.Up + second.Up,
            Paeth = first.Paeth + second.Paeth,
            Done = first.Done + second.Done,
        };
    }

    /// <summary>One chunk: data length (big-endian), type, data, CRC-32 of type and data.</summary>
    /// <summary>One chunk: its length, type, data and the CRC of type and data.</summary>
    internal static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        System.IO.Hashing.Crc32 crc = new();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }

    /// <summary>Cuts what zlib writes into IDAT chunks of at most <see cref="IdatChunkSize"/> bytes.</summary>
    private sealed class IdatStream(Stream output) : Stream
    {
        private readonly byte[] _buffer = new byte[IdatChunkSize];
        private int _count;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty)
            {
                int take = Math.Min(buffer.Length, _buffer.Length - _count);
                buffer[..take].CopyTo(_buffer.AsSpan(_count));
                _count += take;
                buffer = buffer[take..];
                if (_count == _buffer.Length)
                {
                    Flush();
                }
            }
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        /// <summary>Writes what is buffered as one IDAT chunk (nothing when the buffer is empty).</summary>
        public override void Flush()
        {
            if (_count > 0)
            {
                WriteChunk(output, "IDAT"u8, _buffer.AsSpan(0, _count));
                _count = 0;
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
