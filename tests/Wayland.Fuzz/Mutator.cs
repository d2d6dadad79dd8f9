using System.Buffers.Binary;
using Wayland.Wire;

namespace Wayland.Fuzz;

/// <summary>The mutations of a hostile client: bit flips, wrong sizes, wrong ids and opcodes, bad strings, odd words,
/// missing or extra fds, cut messages. Each keeps at least the 8 header bytes (shorter sends are only a cut of the next).</summary>
internal static class Mutator
{
    private static readonly uint[] Interesting = [0, 1, 2, 3, 4, 0x7fffffff, 0x80000000, 0xfffffffc, 0xfffffffe, 0xffffffff, 4096, 4097, 0xff000000];

    internal static (byte[] Bytes, int[] Fds) Apply(Random random, byte[] bytes, int[] fds, List<int> stringOffsets, List<PoolFile> files)
    {
        bytes = (byte[])bytes.Clone();
        switch (random.Next(10))
        {
            case 0:
                for (int flips = random.Next(1, 4); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                break;
            case 1:
            {
                // A size field that does not match the bytes: the stream is misaligned from here on.
                int size = random.Next(4) switch
                {
                    0 => bytes.Length - 4,
                    1 => bytes.Length + 4,
                    2 => random.Next(0, 8),
                    _ => random.Next(0, 65536),
                };
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)size);
                break;
            }

            case 2:
                BinaryPrimitives.WriteUInt32LittleEndian(bytes, random.Next(3) switch
                {
                    0 => 0,
                    1 => (uint)random.Next(1, 300),
                    _ => WireLimits.ServerIdStart + (uint)random.Next(0, 16),
                });
                break;
            case 3:
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), (ushort)(random.Next(2) == 0 ? random.Next(0, 40) : random.Next(0, 65536)));
                break;
            case 4 when stringOffsets.Count > 0:
            {
                int offset = stringOffsets[random.Next(stringOffsets.Count)];
                int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset));
                switch (random.Next(3))
                {
                    case 0:
                        bytes[offset + 4 + length - 1] = (byte)'x'; // not terminated
                        break;
                    case 1 when length > 1:
                        bytes[offset + 4 + random.Next(length - 1)] = 0; // NUL inside
                        break;
                    default:
                        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), Interesting[random.Next(Interesting.Length)]);
                        break;
                }

                break;
            }

            case 5 or 4 when bytes.Length > WireLimits.HeaderSize:
            {
                int word = random.Next(WireLimits.HeaderSize / 4, bytes.Length / 4);
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(word * 4), Interesting[random.Next(Interesting.Length)]);
                break;
            }

            case 6 when fds.Length > 0:
                fds = random.Next(2) == 0 ? [] : fds[1..];
                break;
            case 6 or 7:
            {
                // An fd the message does not carry (the server must close it, not leak it).
                PoolFile extra = PoolFile.CreateUnsealed(16, 16, truncate: false);
                files.Add(extra);
                fds = [.. fds, extra.Fd];
                break;
            }

            case 8 when bytes.Length > WireLimits.HeaderSize:
                bytes = bytes[..random.Next(WireLimits.HeaderSize, bytes.Length)];
                break;
            default:
                bytes = [.. bytes, .. new byte[4 * random.Next(1, 4)]];
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(6), (ushort)bytes.Length);
                break;
        }

        return (bytes, fds);
    }
}
