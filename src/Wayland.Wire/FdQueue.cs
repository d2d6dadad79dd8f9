using System.Runtime.InteropServices;
using Wayland.Interop;

namespace Wayland.Wire;

/// <summary>
/// A growable ring of descriptors held by a <see cref="Connection"/>. Each descriptor carries a tag: the
/// outgoing queue tags each with the stream position where its message starts, so that a flush knows which
/// bytes may travel with which descriptors. A descriptor is either owned (closed when released) or borrowed
/// from a <see cref="SafeHandle"/> the queue holds a reference on (released with
/// <see cref="SafeHandle.DangerousRelease"/>, which closes it only if its owner disposed it meanwhile).
/// </summary>
internal sealed class FdQueue
{
    private int[] _items = new int[32];
    private long[] _tags = new long[32];
    private SafeHandle?[] _handles = new SafeHandle?[32];
    private int _head;

    internal int Count { get; private set; }

    /// <summary>Queues an owned descriptor.</summary>
    internal void Enqueue(int fd, long tag = 0) => Enqueue(fd, tag, null);

    /// <summary>Queues a descriptor; with <paramref name="handle"/>, the queue takes over one reference the caller
    /// added on it (<see cref="SafeHandle.DangerousAddRef"/>) instead of owning <paramref name="fd"/>.</summary>
    internal void Enqueue(int fd, long tag, SafeHandle? handle)
    {
        if (Count == _items.Length)
        {
            int[] larger = new int[_items.Length * 2];
            long[] largerTags = new long[_items.Length * 2];
            SafeHandle?[] largerHandles = new SafeHandle?[_items.Length * 2];
            for (int i = 0; i < Count; i++)
            {
                larger[i] = _items[(_head + i) % _items.Length];
                largerTags[i] = _tags[(_head + i) % _items.Length];
                largerHandles[i] = _handles[(_head + i) % _items.Length];
            }

            _items = larger;
            _tags = largerTags;
            _handles = largerHandles;
            _head = 0;
        }

        int slot = (_head + Count) % _items.Length;
        _items[slot] = fd;
        _tags[slot] = tag;
        _handles[slot] = handle;
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

    /// <summary>Removes the first <paramref name="destination"/>.Length descriptors into <paramref name="destination"/>;
    /// the caller owns them now (only owned descriptors may be taken this way).</summary>
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

        for (int i = 0; i < count; i++)
        {
            int slot = (_head + i) % _items.Length;
            if (_handles[slot] is not null)
            {
                throw new InvalidOperationException("a borrowed descriptor cannot be taken out of the queue");
            }
        }

        _head = (_head + count) % _items.Length;
        Count -= count;
    }

    /// <summary>Releases the first <paramref name="count"/> descriptors and removes them: closes the owned ones,
    /// drops the reference on the borrowed ones.</summary>
    internal void CloseFirst(int count)
    {
        if (count > Count)
        {
            throw new InvalidOperationException($"only {Count} descriptors are queued, {count} were asked for");
        }

        for (int i = 0; i < count; i++)
        {
            int slot = _head;
            SafeHandle? handle = _handles[slot];
            int fd = _items[slot];
            _handles[slot] = null;
            _items[slot] = -1;
            _head = (_head + 1) % _items.Length;
            Count--;
            if (handle is not null)
            {
                handle.DangerousRelease();
            }
            else if (fd >= 0)
            {
                LibC.Close(fd);
            }
        }
    }

    /// <summary>Closes every queued descriptor.</summary>
    internal void CloseAll() => CloseFirst(Count);
}
