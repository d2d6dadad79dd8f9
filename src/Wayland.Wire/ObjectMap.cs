namespace Wayland.Wire;

/// <summary>Which end of a connection an <see cref="ObjectMap{T}"/> belongs to.</summary>
public enum MapSide
{
    /// <summary>The client: it allocates ids in 1..0xfeffffff; the server allocates from 0xff000000.</summary>
    Client,

    /// <summary>The server: it allocates ids from 0xff000000; the client allocates in 1..0xfeffffff.</summary>
    Server,
}

/// <summary>Outcome of registering an id chosen by the peer.</summary>
public enum MapInsertResult
{
    /// <summary>Registered.</summary>
    Ok,

    /// <summary>The id is 0 or belongs to our own range.</summary>
    WrongRange,

    /// <summary>The id is beyond the next unused id of the peer's range (ids must be dense).</summary>
    NotNext,

    /// <summary>The id is still in use.</summary>
    InUse,

    /// <summary>The peer's range is full (<see cref="WireLimits.MaxObjectsPerSide"/>).</summary>
    TooMany,
}

/// <summary>
/// Object ids of one connection, as libwayland's <c>wl_map</c> keeps them: two dense ranges, ours and the
/// peer's. Our ids are handed out lowest-first, and freed ids are reused most-recently-freed first;
/// the peer must pick either the next unused id of its range or one that was freed.
/// </summary>
/// <typeparam name="T">What an id maps to.</typeparam>
public sealed class ObjectMap<T>
    where T : class
{
    private readonly Range _client = new(1);
    private readonly Range _server = new(0);

    /// <summary>Creates an empty map for one side.</summary>
    public ObjectMap(MapSide side) => Side = side;

    /// <summary>The side this map belongs to.</summary>
    public MapSide Side { get; }

    /// <summary>Whether <paramref name="id"/> is in the range the peer allocates from.</summary>
    public bool IsPeerId(uint id) => id != 0 && (Side == MapSide.Client ? id >= WireLimits.ServerIdStart : id < WireLimits.ServerIdStart);

    /// <summary>Allocates an id in our own range for <paramref name="value"/>.</summary>
    /// <exception cref="WaylandException">Our range is full.</exception>
    public uint Allocate(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Range range = Side == MapSide.Client ? _client : _server;
        uint index = range.Allocate(value);
        return Side == MapSide.Client ? index : WireLimits.ServerIdStart + index;
    }

    /// <summary>Registers <paramref name="id"/>, chosen by the peer in a new_id argument.</summary>
    public MapInsertResult InsertPeer(uint id, T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!IsPeerId(id))
        {
            return MapInsertResult.WrongRange;
        }

        (Range range, uint index) = Locate(id);
        return range.InsertAt(index, value);
    }

    /// <summary>
    /// Checks that the peer may create an object with <paramref name="id"/>, as libwayland's
    /// <c>wl_map_reserve_new</c> does when it decodes a new_id: the id must be in the peer's range and be either
    /// a free slot or the next unused id (which then becomes an empty slot). Nothing is registered;
    /// <see cref="InsertPeer"/> does that later.
    /// </summary>
    public MapInsertResult ReservePeer(uint id)
    {
        if (!IsPeerId(id))
        {
            return MapInsertResult.WrongRange;
        }

        (Range range, uint index) = Locate(id);
        return range.Reserve(index);
    }

    /// <summary>The value registered for <paramref name="id"/>, or null.</summary>
    public T? Get(uint id)
    {
        if (id == 0)
        {
            return null;
        }

        (Range range, uint index) = Locate(id);
        return range.Get(index);
    }

    /// <summary>Replaces the value of an id that is in use (for example with a zombie marker).</summary>
    /// <exception cref="InvalidOperationException">The id is not in use.</exception>
    public void Replace(uint id, T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        (Range range, uint index) = Locate(id);
        if (id == 0 || range.Get(index) is null)
        {
            throw new InvalidOperationException($"object id {id} is not in use");
        }

        range.Set(index, value);
    }

    /// <summary>
    /// Releases <paramref name="id"/>. An id of our range goes to the free list and will be handed out
    /// again by <see cref="Allocate"/>; an id of the peer's range becomes free for the peer to reuse.
    /// </summary>
    /// <returns>False when the id was not in use.</returns>
    public bool Remove(uint id)
    {
        if (id == 0)
        {
            return false;
        }

        (Range range, uint index) = Locate(id);
        return IsPeerId(id) ? range.Clear(index) : range.Free(index);
    }

    /// <summary>Number of ids in use in both ranges.</summary>
    public int Count => _client.Count + _server.Count;

    /// <summary>Calls <paramref name="action"/> for every registered value (client range first, ascending).</summary>
    public void ForEach(Action<uint, T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        _client.ForEach(0, action);
        _server.ForEach(WireLimits.ServerIdStart, action);
    }

    private (Range Range, uint Index) Locate(uint id) =>
        id < WireLimits.ServerIdStart ? (_client, id) : (_server, id - WireLimits.ServerIdStart);

    private sealed class Range
    {
        private const int NoFree = -1;
        private T?[] _values = new T?[16];
        private int[] _nextFree = new int[16];
        private bool[] _isFree = new bool[16];
        private int _length;
        private int _freeHead = NoFree;

        internal Range(int reserved) => _length = reserved;

        internal int Count { get; private set; }

        internal uint Allocate(T value)
        {
            int index;
            if (_freeHead != NoFree)
            {
                index = _freeHead;
                _freeHead = _nextFree[index];
                _isFree[index] = false;
            }
            else
            {
                if ((uint)_length >= WireLimits.MaxObjectsPerSide)
                {
                    throw new WaylandException("no object ids left");
                }

                index = _length;
                Grow(index + 1);
                _length++;
            }

            _values[index] = value;
            Count++;
            return (uint)index;
        }

        internal MapInsertResult InsertAt(uint index, T value)
        {
            if (index >= WireLimits.MaxObjectsPerSide)
            {
                return MapInsertResult.TooMany;
            }

            if (index > (uint)_length)
            {
                return MapInsertResult.NotNext;
            }

            if (index == (uint)_length)
            {
                Grow(_length + 1);
                _length++;
            }
            else if (_values[index] is not null)
            {
                return MapInsertResult.InUse;
            }

            _values[index] = value;
            Count++;
            return MapInsertResult.Ok;
        }

        internal MapInsertResult Reserve(uint index)
        {
            if (index >= WireLimits.MaxObjectsPerSide)
            {
                return MapInsertResult.TooMany;
            }

            if (index > (uint)_length)
            {
                return MapInsertResult.NotNext;
            }

            if (index == (uint)_length)
            {
                Grow(_length + 1);
                _values[index] = null;
                _length++;
                return MapInsertResult.Ok;
            }

            return _values[index] is null ? MapInsertResult.Ok : MapInsertResult.InUse;
        }

        internal T? Get(uint index) => index < (uint)_length ? _values[index] : null;

        internal void Set(uint index, T value) => _values[index] = value;

        internal bool Clear(uint index)
        {
            if (index >= (uint)_length || _values[index] is null)
            {
                return false;
            }

            _values[index] = null;
            Count--;
            return true;
        }

        internal bool Free(uint index)
        {
            if (index >= (uint)_length || _isFree[index] || (index == 0 && _values[0] is null))
            {
                return false;
            }

            if (_values[index] is not null)
            {
                Count--;
            }

            _values[index] = null;
            _isFree[index] = true;
            _nextFree[index] = _freeHead;
            _freeHead = (int)index;
            return true;
        }

        internal void ForEach(uint offset, Action<uint, T> action)
        {
            for (int i = 0; i < _length; i++)
            {
                if (_values[i] is { } value)
                {
                    action(offset + (uint)i, value);
                }
            }
        }

        private void Grow(int needed)
        {
            if (needed <= _values.Length)
            {
                return;
            }

            int size = Math.Max(needed, _values.Length * 2);
            Array.Resize(ref _values, size);
            Array.Resize(ref _nextFree, size);
            Array.Resize(ref _isFree, size);
        }
    }
}
