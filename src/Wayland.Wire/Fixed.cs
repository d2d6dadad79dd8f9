namespace Wayland.Wire;

/// <summary>
/// Wayland's signed 24.8 fixed-point number (<c>wl_fixed_t</c>). Conversions round and wrap exactly
/// as libwayland's <c>wl_fixed_from_double</c> / <c>wl_fixed_to_double</c> do.
/// </summary>
public readonly record struct Fixed(int Raw) : IComparable<Fixed>
{
    /// <summary>Smallest positive step, 1/256.</summary>
    public static readonly Fixed Epsilon = new(1);

    /// <summary>Converts from a double, rounding to the nearest 1/256 (ties to even).</summary>
    public static Fixed FromDouble(double value)
    {
        // Adding 1.5 * 2^44 puts the value's 1/256 units in the low 32 bits of the mantissa,
        // rounded by the FPU's round-to-nearest-even; the low 32 bits are then the raw value.
        double shifted = value + (3L << (51 - 8));
        return new Fixed(unchecked((int)BitConverter.DoubleToInt64Bits(shifted)));
    }

    /// <summary>Converts an integer (wrapping like C when outside ±8388607).</summary>
    public static Fixed FromInt(int value) => new(unchecked(value * 256));

    /// <summary>The exact value as a double.</summary>
    public double ToDouble() => Raw / 256.0;

    /// <summary>The integer part, truncated toward zero (as <c>wl_fixed_to_int</c>).</summary>
    public int ToInt() => Raw / 256;

    /// <summary>Implicit conversion to double (exact).</summary>
    public static implicit operator double(Fixed value) => value.ToDouble();

    /// <summary>Explicit conversion from double (rounds).</summary>
    public static explicit operator Fixed(double value) => FromDouble(value);

    /// <inheritdoc/>
    public int CompareTo(Fixed other) => Raw.CompareTo(other.Raw);

    /// <summary>Formats like libwayland's protocol logger (eight decimals).</summary>
    public override string ToString()
    {
        Span<char> buffer = stackalloc char[24];
        return TryFormat(buffer, out int written) ? new string(buffer[..written]) : ToDouble().ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Writes the value as libwayland's logger prints it: integer part, '.', eight decimals.</summary>
    public bool TryFormat(Span<char> destination, out int charsWritten)
    {
        // 1/256 = 0.00390625 exactly, so eight decimals are always exact.
        long raw = Raw;
        bool negative = raw < 0;
        long magnitude = negative ? -raw : raw;
        long whole = magnitude / 256;
        long fraction = 390625 * (magnitude % 256);
        charsWritten = 0;
        if (negative)
        {
            if (destination.Length < 1)
            {
                return false;
            }

            destination[charsWritten++] = '-';
        }

        if (!whole.TryFormat(destination[charsWritten..], out int n, default, System.Globalization.CultureInfo.InvariantCulture))
        {
            return false;
        }

        charsWritten += n;
        if (destination.Length - charsWritten < 9)
        {
            return false;
        }

        destination[charsWritten++] = '.';
        fraction.TryFormat(destination[charsWritten..], out n, "D8", System.Globalization.CultureInfo.InvariantCulture);
        charsWritten += n;
        return true;
    }
}
