using System.Buffers.Binary;
using System.Text;
using Wayland.Compositor.Imaging;

namespace Wayland.Compositor;

/// <summary>
/// Writes an animated PNG (APNG) from frames that are already PNG files of the same size, colour type and bit depth,
/// as <see cref="Image.EncodePng"/> writes them: the first file's IHDR becomes the canvas, an acTL
/// chunk gives the frame count, and each frame gets an fcTL chunk (its delay) and its compressed pixels — as IDAT for
/// the first frame, so that any PNG decoder shows it, and renumbered as fdAT chunks for the others. No pixel is
/// re-encoded.
/// </summary>
public static class AnimatedPng
{
    private static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Writes <paramref name="frames"/> (PNG files, each shown for its delay) to <paramref name="output"/> as one APNG
    /// that loops for ever (a play count of 0).
    /// </summary>
    /// <exception cref="ArgumentException">There is no frame, or a frame is not a PNG, or its header differs from the first frame's.</exception>
    public static void Write(IReadOnlyList<(byte[] Png, TimeSpan Delay)> frames, Stream output)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(output);
        if (frames.Count == 0)
        {
            throw new ArgumentException("an animated PNG needs at least one frame", nameof(frames));
        }

        byte[] header = Header(frames[0].Png, 0);
        output.Write(Signature);
        PngEncoder.WriteChunk(output, "IHDR"u8, header);
        Span<byte> control = stackalloc byte[8];
        BinaryPrimitives.WriteInt32BigEndian(control, frames.Count);
        BinaryPrimitives.WriteInt32BigEndian(control[4..], 0);
        PngEncoder.WriteChunk(output, "acTL"u8, control);

        uint sequence = 0;
        Span<byte> frameControl = stackalloc byte[26];
        for (int i = 0; i < frames.Count; i++)
        {
            (byte[] png, TimeSpan delay) = frames[i];
            if (i > 0 && !Header(png, i).AsSpan().SequenceEqual(header))
            {
                throw new ArgumentException($"frame {i} differs in size or format from the first frame", nameof(frames));
            }

            BinaryPrimitives.WriteUInt32BigEndian(frameControl, sequence++);
            header.AsSpan(0, 8).CopyTo(frameControl[4..]); // width and height: the whole canvas
            frameControl[12..20].Clear(); // x and y offsets
            BinaryPrimitives.WriteUInt16BigEndian(frameControl[20..], (ushort)Math.Clamp(delay.TotalMilliseconds, 1, ushort.MaxValue));
            BinaryPrimitives.WriteUInt16BigEndian(frameControl[22..], 1000);
            frameControl[24] = 0; // dispose: none
            frameControl[25] = 0; // blend: source (replace)
            PngEncoder.WriteChunk(output, "fcTL"u8, frameControl);
            foreach ((int start, int length) in Chunks(png, "IDAT"u8))
            {
                if (i == 0)
                {
                    PngEncoder.WriteChunk(output, "IDAT"u8, png.AsSpan(start, length));
                }
                else
                {
                    byte[] data = new byte[4 + length];
                    BinaryPrimitives.WriteUInt32BigEndian(data, sequence++);
                    png.AsSpan(start, length).CopyTo(data.AsSpan(4));
                    PngEncoder.WriteChunk(output, "fdAT"u8, data);
                }
            }
        }

        PngEncoder.WriteChunk(output, "IEND"u8, []);
    }

    /// <summary>Writes the animation (see <see cref="Write(IReadOnlyList{ValueTuple{byte[], TimeSpan}}, Stream)"/>) to the file at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(IReadOnlyList<(byte[] Png, TimeSpan Delay)> frames, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream file = new(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        Write(frames, file);
    }

    /// <summary>
    /// The chunks of the PNG or APNG file <paramref name="png"/> in order: their type and where their data lies.
    /// </summary>
    /// <exception cref="ArgumentException">The data is not a PNG file, or a chunk runs past its end.</exception>
    public static IReadOnlyList<(string Type, int Start, int Length)> ReadChunks(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        if (png.Length < Signature.Length || !png.AsSpan(0, Signature.Length).SequenceEqual(Signature))
        {
            throw new ArgumentException("not a PNG file (no PNG signature)", nameof(png));
        }

        List<(string, int, int)> chunks = [];
        int at = Signature.Length;
        while (at < png.Length)
        {
            if (png.Length - at < 12)
            {
                throw new ArgumentException($"a chunk header at byte {at} runs past the end of the file", nameof(png));
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(at));
            if (length > (uint)(png.Length - at - 12))
            {
                throw new ArgumentException($"the chunk at byte {at} ({length} bytes) runs past the end of the file", nameof(png));
            }

            chunks.Add((Encoding.ASCII.GetString(png, at + 4, 4), at + 8, (int)length));
            at += 12 + (int)length;
        }

        return chunks;
    }

    private static IEnumerable<(int Start, int Length)> Chunks(byte[] png, ReadOnlySpan<byte> type)
    {
        string name = Encoding.ASCII.GetString(type);
        return ReadChunks(png).Where(c => c.Type == name).Select(c => (c.Start, c.Length));
    }

    private static byte[] Header(byte[] png, int frame)
    {
        IReadOnlyList<(string Type, int Start, int Length)> chunks;
        try
        {
            chunks = ReadChunks(png);
        }
        catch (ArgumentException error)
        {
            throw new ArgumentException($"frame {frame}: {error.Message}", "frames", error);
        }

        if (chunks.Count == 0 || chunks[0] is not ("IHDR", int start, 13))
        {
            throw new ArgumentException($"frame {frame} does not start with an IHDR chunk", "frames");
        }

        return png.AsSpan(start, 13).ToArray();
    }
}
