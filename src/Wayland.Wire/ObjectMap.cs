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

    /// <summary>
    /// One range of ids. Ids are kept in an array indexed by id as long as it is at least a quarter full; the peer's
    /// ids above it live in a dictionary instead. The peer chooses its ids, and one that takes a fresh id for every
    /// object (never reusing those the server freed) would otherwise make the array grow with each request, whatever
    /// it holds: 2 million wl_display.sync, for instance, took 27 MB, and 218 MB at the limit of ids per side, for one
    /// connection holding nothing. Memory follows the objects in use: the array shrinks when fewer than a sixteenth of
    /// it are in use, and the dictionary when fewer than an eighth of what it held (past 64).
    /// </summary>
    private sealed class Range
    {
        private const int NoFree = -1;
        private const int MinLength = 16;

        /// <summary>The array shrinks only from this size on: small maps stay as they are.</summary>
        private const int ShrinkFrom = 1024;

        private T?[] _values = new T?[MinLength];

        // Our own ids' free list, made on the first Free: the peer's range never needs it.
        private int[]? _nextFree;
        private bool[]? _isFree;
        private int _freeHead = NoFree;

        // The peer's ids at or above _values.Length, and the most it held since it was last trimmed.
        private Dictionary<uint, T>? _sparse;
        private int _sparsePeak;

        private int _length;
        private int _inArray;

        internal Range(int reserved) => _length = reserved;

        internal int Count => _inArray + (_sparse?.Count ?? 0);

        internal uint Allocate(T value)
        {
            int index;
            if (_freeHead != NoFree)
            {
                index = _freeHead;
                _freeHead = _nextFree![index];
                _isFree![index] = false;
            }
            else
            {
                if ((uint)_length >= WireLimits.MaxObjectsPerSide)
                {
                    throw new WaylandException("no object ids left");
                }

                index = _length;
                Grow(index + 1); // our own ids are handed out lowest first: the array stays full
                _length++;
            }

            _values[index] = value;
            _inArray++;
            return (uint)index;
        }

        internal MapInsertResult InsertAt(uint index, T value)
        {
            MapInsertResult result = Reserve(index);
            if (result == MapInsertResult.Ok)
            {
                Store(index, value);
            }

            return result;
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
                _length++;
                return MapInsertResult.Ok;
            }

            return Get(index) is null ? MapInsertResult.Ok : MapInsertResult.InUse;
        }

        internal T? Get(uint index) =>
            index < (uint)_values.Length ? _values[index] : _sparse is { } sparse && sparse.TryGetValue(index, out T? value) ? value : null;

        internal void Set(uint index, T value)
        {
            if (index < (uint)_values.Length)
            {
                _values[index] = value;
            }
            else
            {
                _sparse![index] = value;
            }
        }

        internal bool Clear(uint index)
        {
            if (index < (uint)_values.Length)
            {
                if (_values[index] is null)
                {
                    return false;
                }

                _values[index] = null;
                _inArray--;
                ShrinkIfSparse();
                return true;
            }

            if (_sparse is null || !_sparse.Remove(index))
            {
                return false;
            }

            if (_sparsePeak > 64 && _sparse.Count < _sparsePeak / 8)
            {
                // A small dictionary is kept, emptied or not: a peer taking a fresh id per object adds and removes
                // one entry per request, which must not allocate.
                _sparse.TrimExcess();
                _sparsePeak = _sparse.Count;
            }

            return true;
        }

        internal bool Free(uint index)
        {
            if (index >= (uint)_length || index >= (uint)_values.Length || (_isFree is not null && _isFree[index]) || (index == 0 && _values[0] is null))
            {
                return false;
            }

            if (_values[index] is not null)
            {
                _inArray--;
            }

            _values[index] = null;
            _nextFree ??= new int[_values.Length];
            _isFree ??= new bool[_values.Length];
            _isFree[index] = true;
            _nextFree[index] = _freeHead;
            _freeHead = (int)index;
            return true;
        }

        internal void ForEach(uint offset, Action<uint, T> action)
        {
            for (int i = 0; i < Math.Min(_length, _values.Length); i++)
            {
                if (_values[i] is { } value)
                {
                    action(offset + (uint)i, value);
                }
            }

            if (_sparse is not null)
            {
                // In id order, as the array's; a copy, since the action may remove ids.
                foreach (KeyValuePair<uint, T> entry in _sparse.OrderBy(e => e.Key).ToArray())
                {
                    action(offset + entry.Key, entry.Value);
                }
            }
        }

        /// <summary>Puts a peer's new object in the array, grown if it would still be a quarter full, else aside.</summary>
        private void Store(uint index, T value)
        {
            if (index >= (uint)_values.Length)
            {
                int size = (int)Math.Max((uint)_values.Length * 2, System.Numerics.BitOperations.RoundUpToPowerOf2(index + 1));
                if ((long)(Count + 1) * 4 < size)
                {
                    (_sparse ??= []).Add(index, value);
                    _sparsePeak = Math.Max(_sparsePeak, _sparse.Count);
                    return;
                }

                Grow(size);
            }

            _values[index] = value;
            _inArray++;
        }

        private void Grow(int needed)
        {
            if (needed <= _values.Length)
            {
                return;
            }

            int size = Math.Max(needed, _values.Length * 2);
            Array.Resize(ref _values, size);
            if (_nextFree is not null)
            {
                Array.Resize(ref _nextFree, size);
                Array.Resize(ref _isFree, size);
            }

            // What was set aside below the new size moves into the array.
            if (_sparse is not null)
            {
                foreach (KeyValuePair<uint, T> entry in _sparse.Where(e => e.Key < (uint)size).ToArray())
                {
                    _values[entry.Key] = entry.Value;
                    _inArray++;
                    _sparse.Remove(entry.Key);
                }

            }
        }

        /// <summary>A peer's array used by fewer than a sixteenth shrinks to four times what it holds; what it held above
        /// that is set aside. Our own range (it has a free list, indexed like the array) keeps its size.</summary>
        private void ShrinkIfSparse()
        {
            if (_values.Length < ShrinkFrom || _inArray >= _values.Length / 16 || _nextFree is not null)
            {
                return;
            }

            int size = (int)Math.Max(MinLength, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, _inArray * 4)));
            for (int i = size; i < _values.Length; i++)
            {
                if (_values[i] is { } value)
                {
                    (_sparse ??= []).Add((uint)i, value);
                    _inArray--;
                }
            }

            if (_sparse is not null)
            {
                _sparsePeak = Math.Max(_sparsePeak, _sparse.Count);
            }

            Array.Resize(ref _values, size);
        }
    }
}
