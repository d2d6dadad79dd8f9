namespace Wayland.Wire;

/// <summary>
/// A growable ring of raw descriptors owned by a <see cref="Connection"/>. Each descriptor carries a tag: the
/// outgoing queue tags each with the stream position where its message starts, so that a flush knows which
/// bytes may travel with which descriptors.
/// </summary>
internal sealed class FdQueue
{
    private int[] _items = new int[32];
    private long[] _tags = new long[32];
    private int _head;

    internal int Count { get; private set; }

    internal void Enqueue(int fd, long tag = 0)
    {
        if (Count == _items.Length)
        {
            int[] larger = new int[_items.Length * 2];
            long[] largerTags = new long[_items.Length * 2];
            for (int i = 0; i < Count; i++)
            {
                larger[i] = _items[(_head + i) % _items.Length];
                largerTags[i] = _tags[(_head + i) % _items.Length];
            }

            _items = larger;
            _tags = largerTags;
            _head = 0;
        }

        int slot = (_head + Count) % _items.Length;
        _items[slot] = fd;
        _tags[slot] = tag;
        Count++;
    }

    /// <summary>The tag of the descriptor at <paramref name="index"/> (0 = the first queued).</summary>
    internal long TagAt(int index) => _tags[(_head + index) % _items.Length];

    /// <summary>Copies the first <paramref name="destination"/>.Length descriptors without removing them.</summary>
    internal void Peek(Span<int> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = _items[(_head + i) % _items.Length];
        }
    }

    /// <summary>Removes the first <paramref name="destination"/>.Length descriptors into <paramref name="destination"/>.</summary>
    internal void Dequeue(Span<int> destination)
    {
        Peek(destination);
        Drop(destination.Length);
    }

    /// <summary>Forgets the first <paramref name="count"/> descriptors (without closing them).</summary>
    internal void Drop(int count)
    {
        if (count > Count)
        {
            throw new InvalidOperationException($"only {Count} descriptors are queued, {count} were asked for");
        }

        _head = (_head + count) % _items.Length;
        Count -= count;
    }

    /// <summary>Closes the first <paramref name="count"/> descriptors and removes them.</summary>
    internal void CloseFirst(int count)
    {
        Span<int> fds = count <= 64 ? stackalloc int[count] : new int[count];
        Dequeue(fds);
        FdList.CloseAll(fds);
    }

    /// <summary>Closes every queued descriptor.</summary>
    internal void CloseAll() => CloseFirst(Count);
}
