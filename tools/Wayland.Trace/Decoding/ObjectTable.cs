namespace Wayland.Trace.Decoding;

/// <summary>
/// The objects of one connection as the proxy sees them: id to interface. New ids (typed, untyped from
/// <c>wl_registry.bind</c>, and server-created ones) add entries; a destructor marks one dead; <c>wl_display.delete_id</c>
/// frees the id, which the client may then reuse for another interface.
/// </summary>
internal sealed class ObjectTable
{
    /// <summary>First id of the server's range.</summary>
    public const uint ServerIdStart = 0xff000000;

    /// <summary>Ids below this live in an array; a client that jumps far ahead (legal or not) goes to a dictionary.</summary>
    private const uint DenseLimit = 1 << 20;

    private Entry[] _client = new Entry[64];
    private Entry[] _server = new Entry[16];
    private readonly Dictionary<uint, Entry> _sparse = [];

    public ObjectTable(TraceInterface display) => Set(1, display, 1);

    /// <summary>The interface of <paramref name="id"/>, null when unknown; <paramref name="alive"/> is false once destroyed.</summary>
    public TraceInterface? Find(uint id, out bool alive)
    {
        Entry entry = Get(id);
        alive = entry.Alive;
        return entry.Interface;
    }

    /// <summary>Version of a known object (0 when unknown).</summary>
    public uint VersionOf(uint id) => Get(id).Version;

    public void Set(uint id, TraceInterface? type, uint version)
    {
        Entry entry = new(type, version, Alive: true);
        if (id < DenseLimit)
        {
            Slot(ref _client, id) = entry;
        }
        else if (id >= ServerIdStart && id - ServerIdStart < DenseLimit)
        {
            Slot(ref _server, id - ServerIdStart) = entry;
        }
        else
        {
            _sparse[id] = entry;
        }
    }

    /// <summary>The object was destroyed; its id stays taken (until delete_id, for a client id).</summary>
    public void MarkDead(uint id)
    {
        Entry entry = Get(id);
        if (entry.Interface is not null)
        {
            Put(id, entry with { Alive = false });
        }
    }

    /// <summary>The id is free again.</summary>
    public void Remove(uint id) => Put(id, default);

    private Entry Get(uint id)
    {
        if (id < DenseLimit)
        {
            return id < _client.Length ? _client[id] : default;
        }

        if (id >= ServerIdStart && id - ServerIdStart < DenseLimit)
        {
            uint index = id - ServerIdStart;
            return index < _server.Length ? _server[index] : default;
        }

        return _sparse.GetValueOrDefault(id);
    }

    private void Put(uint id, Entry entry)
    {
        if (id < DenseLimit)
        {
            if (id < _client.Length)
            {
                _client[id] = entry;
            }
        }
        else if (id >= ServerIdStart && id - ServerIdStart < DenseLimit)
        {
            if (id - ServerIdStart < _server.Length)
            {
                _server[id - ServerIdStart] = entry;
            }
        }
        else if (entry.Interface is null)
        {
            _sparse.Remove(id);
        }
        else
        {
            _sparse[id] = entry;
        }
    }

    private static ref Entry Slot(ref Entry[] entries, uint index)
    {
        if (index >= entries.Length)
        {
            Array.Resize(ref entries, (int)Math.Min(DenseLimit, Math.Max(index + 1, (uint)entries.Length * 2)));
        }

        return ref entries[index];
    }

    private readonly record struct Entry(TraceInterface? Interface, uint Version, bool Alive);
}
