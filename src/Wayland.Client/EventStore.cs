using System.Runtime.CompilerServices;
using Wayland.Wire;

namespace Wayland.Client;

/// <summary>
/// The events of one queue, first in first out, kept in three flat buffers that are reused (message bytes, the
/// argument values parsed when the event was read, and received descriptors), so that queuing and dispatching
/// an event allocates nothing and parses nothing twice.
/// </summary>
/// <remarks>
/// Guarded by the display's lock. A dequeued event is dispatched from the buffers in place, outside the lock:
/// while any event is out (<see cref="Release"/> not yet called), the buffers are never compacted or reset, only
/// replaced by larger copies, so the spans the dispatcher holds stay valid even when a handler reads more events.
/// </remarks>
internal sealed class EventStore
{
    /// <summary>The default of <see cref="WaylandDisplay.MaxQueuedEventBytes"/>: the most memory the waiting events
    /// of a queue take in its buffers, message bytes, parsed values and entries counted (64 MiB; while a buffer grows,
    /// its old copy adds to it).</summary>
    public const int DefaultMaxWaitingBytes = 64 << 20;

    private static readonly int EntrySize = Unsafe.SizeOf<Entry>();
    private static readonly int ValueSize = Unsafe.SizeOf<ArgumentValue>();

    private Entry[] _entries = new Entry[64];
    private int _entryHead;
    private int _count;
    private byte[] _bytes = new byte[WireLimits.DefaultBufferSize];
    private int _byteHead;
    private int _byteTail;
    private ArgumentValue[] _values = new ArgumentValue[256];
    private int _valueHead;
    private int _valueTail;
    private int[] _fds = new int[16];
    private int _fdHead;
    private int _fdTail;
    private int _out;
    private int _waitingBytes;

    /// <summary>Events waiting.</summary>
    public int Count => _count;

    /// <summary>Memory the events waiting take in the buffers: message bytes, parsed values and entries.</summary>
    public int WaitingBytes => _waitingBytes;

    /// <summary>Whether an event of <paramref name="length"/> bytes and <paramref name="valueCount"/> arguments fits
    /// within <paramref name="maxWaitingBytes"/>.</summary>
    public bool HasRoomFor(int length, int valueCount, int maxWaitingBytes) => Cost(length, valueCount) <= maxWaitingBytes - _waitingBytes;

    /// <summary>Appends one event: copies the message and its parsed values, and takes its descriptors from
    /// <paramref name="connection"/>.</summary>
    public void Enqueue(Proxy target, ushort opcode, ReadOnlySpan<byte> message, ReadOnlySpan<ArgumentValue> values, int fdCount, Connection connection)
    {
        Reclaim();
        if (_count == _entries.Length)
        {
            Entry[] entries = new Entry[_entries.Length * 2];
            for (int i = 0; i < _count; i++)
            {
                entries[i] = _entries[(_entryHead + i) % _entries.Length];
            }

            _entries = entries;
            _entryHead = 0;
        }

        _entries[(_entryHead + _count) % _entries.Length] = new Entry(target, opcode, message.Length, values.Length, fdCount);
        _count++;
        _waitingBytes += Cost(message.Length, values.Length);
        message.CopyTo(Room(ref _bytes, ref _byteHead, ref _byteTail, message.Length));
        values.CopyTo(Room(ref _values, ref _valueHead, ref _valueTail, values.Length));
        if (fdCount > 0)
        {
            connection.TakeFds(Room(ref _fds, ref _fdHead, ref _fdTail, fdCount));
        }
    }

    /// <summary>Takes the first event out; its spans stay valid until <see cref="Release"/>.</summary>
    public bool TryDequeue(out QueuedEvent queued)
    {
        if (_count == 0)
        {
            queued = default;
            return false;
        }

        Entry entry = _entries[_entryHead];
        _entries[_entryHead] = default;
        _entryHead = (_entryHead + 1) % _entries.Length;
        _count--;
        _waitingBytes -= Cost(entry.Length, entry.ValueCount);
        queued = new QueuedEvent(entry.Target, entry.Opcode, _bytes.AsSpan(_byteHead, entry.Length),
            _values.AsSpan(_valueHead, entry.ValueCount), _fds.AsSpan(_fdHead, entry.FdCount));
        _byteHead += entry.Length;
        _valueHead += entry.ValueCount;
        _fdHead += entry.FdCount;
        _out++;
        return true;
    }

    /// <summary>Ends the dispatch of an event <see cref="TryDequeue"/> returned (its descriptors are closed or taken by then).</summary>
    public void Release()
    {
        _out--;
        Reclaim();
    }

    /// <summary>Drops every waiting event, closing its descriptors.</summary>
    public void Clear()
    {
        FdList.CloseAll(_fds.AsSpan(_fdHead, _fdTail - _fdHead));
        Array.Clear(_entries);
        _entryHead = 0;
        _count = 0;
        _waitingBytes = 0;
        _byteHead = _byteTail = _valueHead = _valueTail = _fdHead = _fdTail = 0;
    }

    /// <summary>Once nothing is waiting or out, the buffers start over from the beginning.</summary>
    private void Reclaim()
    {
        if (_count == 0 && _out == 0)
        {
            _entryHead = 0;
            _byteHead = _byteTail = _valueHead = _valueTail = _fdHead = _fdTail = 0;
        }
    }

    /// <summary>Room for <paramref name="length"/> items at the tail of a buffer: moves the waiting items to the
    /// front when nothing is out, else (or when still too small) copies them into a larger buffer.</summary>
    private Span<T> Room<T>(ref T[] buffer, ref int head, ref int tail, int length)
    {
        if (buffer.Length - tail < length)
        {
            int waiting = tail - head;
            T[] target = _out == 0 && buffer.Length - waiting >= length ? buffer : new T[Grown(buffer.Length, waiting + length)];
            Array.Copy(buffer, head, target, 0, waiting);
            buffer = target;
            head = 0;
            tail = waiting;
        }

        Span<T> room = buffer.AsSpan(tail, length);
        tail += length;
        return room;
    }

    private static int Cost(int length, int valueCount) => length + (valueCount * ValueSize) + EntrySize;

    /// <summary>A larger length for a buffer of <paramref name="length"/> items that must hold <paramref name="needed"/>:
    /// double, computed without overflow and never past <see cref="Array.MaxLength"/>.</summary>
    private static int Grown(int length, int needed) =>
        (int)Math.Min(Math.Max(2L * length, needed), Math.Max(Array.MaxLength, needed));

    private readonly record struct Entry(Proxy Target, ushort Opcode, int Length, int ValueCount, int FdCount);
}

/// <summary>One dequeued event: its bytes, the values parsed when it was read, and its descriptors (slots are set
/// to -1 as they are taken), all in the store's buffers.</summary>
internal readonly ref struct QueuedEvent(Proxy target, ushort opcode, ReadOnlySpan<byte> message, ReadOnlySpan<ArgumentValue> values, Span<int> fds)
{
    public Proxy Target { get; } = target;

    public ushort Opcode { get; } = opcode;

    public ReadOnlySpan<byte> Message { get; } = message;

    public ReadOnlySpan<ArgumentValue> Values { get; } = values;

    public Span<int> Fds { get; } = fds;
}
