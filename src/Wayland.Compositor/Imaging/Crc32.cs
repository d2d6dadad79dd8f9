namespace Wayland.Compositor.Imaging;

/// <summary>
/// CRC-32 as PNG chunks (and zip, gzip, Ethernet) use it: reflected polynomial 0xEDB88320, initial value and final XOR
/// 0xFFFFFFFF. One table of 256 entries, one byte per step.
/// </summary>
internal static class Crc32
{
    private const uint Polynomial = 0xEDB88320;

    private static readonly uint[] Table = BuildTable();

    /// <summary>
    /// The CRC of everything hashed so far followed by <paramref name="data"/>, given the CRC of everything so far
    /// (0 to start). <c>Append(Append(0, a), b)</c> equals the CRC of a followed by b.
    /// </summary>
    internal static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] table = Table;
        uint state = ~crc;
        foreach (byte value in data)
        {
            state = table[(byte)(state ^ value)] ^ (state >> 8);
        }

        return ~state;
    }

    /// <summary>The CRC of <paramref name="data"/>.</summary>
    internal static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    private static uint[] BuildTable()
    {
        uint[] table = new uint[256];
        for (uint index = 0; index < 256; index++)
        {
            // Divide the byte, lowest bit first, by the polynomial: eight shift-and-maybe-subtract (XOR) steps.
            uint remainder = index;
            for (int bit = 0; bit < 8; bit++)
            {
                remainder = (remainder & 1) != 0 ? (remainder >> 1) ^ Polynomial : remainder >> 1;
            }

            table[index] = remainder;
        }

        return table;
    }
}
