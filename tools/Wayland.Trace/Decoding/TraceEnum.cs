namespace Wayland.Trace.Decoding;

/// <summary>An enum of the XML, for turning numbers into names (<c>wl_shm.format</c>: 0 is <c>argb8888</c>).</summary>
internal sealed class TraceEnum
{
    private readonly uint[] _values;
    private readonly string[] _names;

    public TraceEnum(string qualifiedName, bool isBitfield, IReadOnlyList<(string Name, uint Value)> entries)
    {
        QualifiedName = qualifiedName;
        IsBitfield = isBitfield;
        _values = new uint[entries.Count];
        _names = new string[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            _values[i] = entries[i].Value;
            _names[i] = entries[i].Name;
        }
    }

    /// <summary><c>interface.enum</c>.</summary>
    public string QualifiedName { get; }

    public bool IsBitfield { get; }

    /// <summary>The entry named for <paramref name="value"/>, or null.</summary>
    public string? NameOf(uint value)
    {
        int index = Array.IndexOf(_values, value);
        return index >= 0 ? _names[index] : null;
    }

    /// <summary>
    /// Writes the value's name into <paramref name="destination"/>: an entry name, or for a bitfield the set entries joined
    /// by '|' (bits no entry names are left out, and the result is false). Returns whether every bit or the value had a name.
    /// </summary>
    public bool TryDescribe(uint value, Span<char> destination, out int written)
    {
        written = 0;
        if (!IsBitfield || value == 0)
        {
            string? name = NameOf(value);
            if (name is null || name.Length > destination.Length)
            {
                return false;
            }

            name.CopyTo(destination);
            written = name.Length;
            return true;
        }

        uint named = 0;
        for (int i = 0; i < _values.Length; i++)
        {
            uint bit = _values[i];
            if (bit != 0 && (value & bit) == bit && (named & bit) != bit)
            {
                string name = _names[i];
                int needed = name.Length + (written > 0 ? 1 : 0);
                if (written + needed > destination.Length)
                {
                    return false;
                }

                if (written > 0)
                {
                    destination[written++] = '|';
                }

                name.CopyTo(destination[written..]);
                written += name.Length;
                named |= bit;
            }
        }

        return named == value;
    }
}
