namespace Wayland.Wire;

/// <summary>
/// A contiguous byte queue: data lives in <c>[start, end)</c> of one array, so a whole message can be
/// handed out as one span. Compacts before growing; grows by doubling up to a limit (0 = none).
/// </summary>
internal sealed class ByteBuffer
{
    private byte[] _data;
    private int _start;
    private int _end;

    internal ByteBuffer(int initialSize) => _data = new byte[initialSize];

    internal int Count => _end - _start;

    internal int Capacity => _data.Length;

    internal ReadOnlySpan<byte> Data => _data.AsSpan(_start, _end - _start);

    /// <summary>Makes room for <paramref name="count"/> more bytes, compacting and growing within
    /// <paramref name="limit"/> (0 = unbounded). Returns false when that would exceed the limit.</summary>
    internal bool Reserve(int count, int limit)
    {
        if (_data.Length - _end >= count)
        {
            return true;
        }

        int needed = Count + count;
        if (needed <= _data.Length)
        {
            Compact();
            return true;
        }

        if (limit > 0 && needed > limit)
        {
            return false;
        }

        int size = _data.Length;
        while (size < needed)
        {
            size *= 2;
        }

        if (limit > 0)
        {
            size = Math.Min(size, limit);
        }

        byte[] larger = new byte[size];
        Data.CopyTo(larger);
        _data = larger;
        _end = Count;
        _start = 0;
        return true;
    }

    /// <summary>The free space after the data (call <see cref="Reserve"/> first).</summary>
    internal Span<byte> FreeSpace => _data.AsSpan(_end);

    internal void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_data.AsSpan(_end));
        _end += bytes.Length;
    }

    internal void Commit(int count) => _end += count;

    internal void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    private void Compact()
    {
        Data.CopyTo(_data);
        _end = Count;
        _start = 0;
    }
}
