namespace Wayland.Wire;

/// <summary>
/// One decoded argument, as offsets into the message bytes (so that decoding allocates nothing).
/// Read it through <see cref="MessageArguments"/>.
/// </summary>
public readonly struct ArgumentValue
{
    internal ArgumentValue(uint value, int offset, int length, uint version = 0)
    {
        Value = value;
        Offset = offset;
        Length = length;
        Version = version;
    }

    /// <summary>int/uint/fixed bits, object or new id, or the fd's index within the message.</summary>
    public uint Value { get; }

    /// <summary>Start of string/array bytes within the message (string: the interface name of an untyped new_id).</summary>
    public int Offset { get; }

    /// <summary>Bytes of the string (without NUL) or array; -1 for a null string.</summary>
    public int Length { get; }

    /// <summary>Version of an untyped new_id.</summary>
    public uint Version { get; }
}
