using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Fuzz;

/// <summary>
/// One hostile connection slot: connects, binds the globals the server offers, then sends bursts of random plausible
/// requests (targets, object arguments and new ids taken from the objects this connection created, shm pools backed by
/// real files), a fifth of them mutated, each burst followed by its own wl_display.sync. After an error or a disconnect
/// it connects again. Everything random comes from the slot's sub-seed, so a run replays from its seed (the timing of the
/// server's answers still varies).
/// </summary>
internal sealed class HostileClient(int slot, int seed, string socketPath, FuzzStats stats, Func<bool> running, double maxMutationRate)
{
    /// <summary>Each connection mutates its messages at a rate drawn from 0 to this, 20 % on average: the rarely
    /// mutating ones live long enough to build deep state (mapped toplevels, popups, pools) for the others to hit.</summary>
    private const double MaxMutationRate = 0.4;
    // A request whose fds were withheld (a mutation) blocks the connection for good: give up on it after a while.
    private static readonly TimeSpan RoundtripTimeout = TimeSpan.FromSeconds(1);

    private readonly Random _slotRandom = new(seed);
    private Random _random = new(seed);
    private Connection? _connection;
    private readonly Dictionary<uint, TrackedObject> _objects = [];
    private readonly Stack<uint> _freeIds = new();
    private readonly List<(uint Name, string Interface, uint Version)> _globals = [];
    private readonly Dictionary<uint, PoolFile> _pools = [];
    private readonly List<PoolFile> _files = [];
    private readonly uint[] _serials = new uint[8];
    private int _serialCount;
    private uint _nextId;
    private uint _registry;
    private uint _pendingCallback;
    private bool _callbackDone;
    private bool _closed;
    private bool _errorReceived;
    private double _mutationRate;
    private bool _mutatedSent;

    internal int Slot => slot;

    internal int Seed => seed;

    /// <summary>Connects again and again until the run ends.</summary>
    internal void Run()
    {
        while (running())
        {
            _random = new Random(_slotRandom.Next());
            try
            {
                RunConnection();
            }
            catch (WaylandIOException)
            {
                // The server dropped us mid-send (EPIPE, ECONNRESET): what a hostile client should expect.
            }
            catch (WaylandException)
            {
                // Our own outgoing buffer filled up because the server stopped reading a flooding client.
            }
            catch (IOException e)
            {
                // Our side ran short (for example /dev/shm full): not the server's fault; try again shortly.
                Console.Error.WriteLine($"connection {slot}: {e.Message}");
                Thread.Sleep(100);
            }
            finally
            {
                Disconnect();
            }
        }
    }

    private void RunConnection()
    {
        // Each connection mutates at a rate drawn from 0 to the maximum (0.4: 20 % on average): the rarely mutating ones
        // live long enough to build deep state (mapped toplevels, popups, pools) for the others to hit.
        _mutationRate = _random.NextDouble() * maxMutationRate;
        SafeFdHandle socket;
        try
        {
            socket = UnixSocket.Connect(socketPath);
        }
        catch (WaylandIOException)
        {
            Thread.Sleep(10); // the server is gone (the run notices) or its backlog is full
            return;
        }

        stats.CountConnection();
        _connection = new Connection(socket, maxBufferSize: 0);
        _nextId = 2;
        _objects[1] = new TrackedObject(WlDisplayInterface.Descriptor, 1);
        _registry = Allocate(WlRegistryInterface.Descriptor, 1);
        Send(Message(1, WlDisplayInterface.Requests.GetRegistry).NewId(_registry), mutate: false);
        if (!Roundtrip())
        {
            return;
        }

        foreach ((uint name, string interfaceName, uint version) in _globals.ToArray())
        {
            if (_random.NextDouble() < 0.9 && FuzzProtocol.Interfaces.TryGetValue(interfaceName, out InterfaceDescriptor? descriptor))
            {
                Bind(name, descriptor, Math.Min(version, descriptor.Version), mutate: false);
            }
        }

        while (running() && !_closed && !_errorReceived)
        {
            int burst = _random.Next(1, 17);
            for (int i = 0; i < burst && !_closed; i++)
            {
                SendRandomRequest();
            }

            if (_random.NextDouble() < 0.01)
            {
                return; // hang up with requests in flight
            }

            if (!Roundtrip())
            {
                return;
            }
        }
    }

    private void Disconnect()
    {
        _connection?.Dispose();
        _connection = null;
        foreach (PoolFile file in _files)
        {
            file.Dispose();
        }

        _files.Clear();
        _pools.Clear();
        _objects.Clear();
        _freeIds.Clear();
        _globals.Clear();
        _serialCount = 0;
        _closed = false;
        _errorReceived = false;
        _mutatedSent = false;
        if (_pendingCallback != 0 && !_callbackDone)
        {
            _pendingCallback = 0;
        }
    }

    // ---- requests ----

    private void SendRandomRequest()
    {
        if (_globals.Count > 0 && _random.NextDouble() < 0.03)
        {
            (uint name, string interfaceName, uint version) = _globals[_random.Next(_globals.Count)];
            if (FuzzProtocol.Interfaces.TryGetValue(interfaceName, out InterfaceDescriptor? descriptor))
            {
                Bind(name, descriptor, _random.NextDouble() < 0.03 ? (uint)_random.Next(0, (int)version + 3) : Math.Min(version, descriptor.Version), Mutate());
            }

            return;
        }

        (uint target, TrackedObject tracked) = PickTarget();
        if (tracked.Interface.Name == "wl_surface" && _random.NextDouble() < 0.3
            && _objects.Where(o => o.Value.Interface.Name == "wl_buffer").Select(o => o.Key).ToList() is { Count: > 0 } buffers)
        {
            // What a drawing client does all the time, and where the compositor reads the client's memory.
            Send(Message(target, WlSurfaceInterface.Requests.Attach).UInt(buffers[_random.Next(buffers.Count)]).Int(0).Int(0), Mutate());
            Send(Message(target, WlSurfaceInterface.Requests.Damage).Int(0).Int(0).Int(int.MaxValue).Int(int.MaxValue), Mutate());
            Send(Message(target, WlSurfaceInterface.Requests.Commit), Mutate());
            return;
        }

        IReadOnlyList<MessageDescriptor> requests = tracked.Interface.Requests;
        if (requests.Count == 0)
        {
            return;
        }

        MessageDescriptor request = requests[_random.Next(requests.Count)];
        if (request.Since > tracked.Version && _random.NextDouble() < 0.95)
        {
            return;
        }

        // A request whose object argument has nothing of its type to point at is mostly not worth sending: the wrong
        // type ends the connection before it builds any state.
        if (request.Arguments.Any(a => a.Type == ArgumentType.Object && !a.Nullable && a.InterfaceName is { } wanted && !_objects.Values.Any(o => o.Interface.Name == wanted))
            && _random.NextDouble() < 0.95)
        {
            return;
        }

        MessageBuilder builder = Message(target, request.Opcode);
        List<(uint Id, InterfaceDescriptor Interface)> created = [];
        if (tracked.Interface.Name == "wl_shm_pool" && request.Name == "create_buffer")
        {
            BuildCreateBuffer(builder, target, created);
        }
        else
        {
            foreach (ArgumentDescriptor argument in request.Arguments)
            {
                AddArgument(builder, tracked, request, argument, created);
            }
        }

        if (tracked.Interface.Name == "wl_shm_pool" && request.Name == "resize" && _pools.TryGetValue(target, out PoolFile? pool))
        {
            // Mostly a valid growth (the file first, then the pool), sometimes a shrink or a pool past the file's end.
            builder = Message(target, request.Opcode).Int(_random.NextDouble() < 0.03 ? _random.Next(0, (int)pool.Size + 1) : (int)pool.Size + _random.Next(0, 1 << 16));
            if (_random.NextDouble() < 0.9)
            {
                pool.Grow(BinaryPrimitives.ReadInt32LittleEndian(builder.Bytes[^4..]));
            }
        }

        foreach ((uint id, InterfaceDescriptor descriptor) in created)
        {
            _objects[id] = new TrackedObject(descriptor, tracked.Version);
        }

        if (request.IsDestructor)
        {
            _objects.Remove(target);
        }

        Send(builder, Mutate());
        foreach ((uint id, InterfaceDescriptor descriptor) in created)
        {
            if (descriptor.Name == "xdg_positioner" && _random.NextDouble() < 0.8)
            {
                // A positioner a popup can use: size and anchor rect are required.
                Send(Message(id, XdgPositionerInterface.Requests.SetSize).Int(_random.Next(1, 300)).Int(_random.Next(1, 300)), Mutate());
                Send(Message(id, XdgPositionerInterface.Requests.SetAnchorRect).Int(_random.Next(0, 100)).Int(_random.Next(0, 100)).Int(_random.Next(1, 100)).Int(_random.Next(1, 100)), Mutate());
            }
        }
    }

    /// <summary>A target: wl_display, the registry or an object this connection created, weighted towards surfaces,
    /// xdg objects and pools, where the compositor's interesting state lives.</summary>
    private (uint Id, TrackedObject Object) PickTarget()
    {
        int total = 0;
        foreach (TrackedObject tracked in _objects.Values)
        {
            total += Weight(tracked.Interface.Name);
        }

        int pick = _random.Next(total);
        foreach ((uint id, TrackedObject tracked) in _objects)
        {
            pick -= Weight(tracked.Interface.Name);
            if (pick < 0)
            {
                return (id, tracked);
            }
        }

        return (1, _objects[1]);
    }

    private static int Weight(string interfaceName) => interfaceName switch
    {
        "wl_surface" => 8,
        "xdg_surface" or "xdg_toplevel" or "xdg_popup" or "xdg_positioner" or "wl_shm_pool" or "wl_subsurface" => 4,
        "wl_compositor" or "xdg_wm_base" or "wl_shm" or "wl_subcompositor" => 3,
        "wl_callback" or "wl_registry" => 0,
        _ => 1,
    };

    private void AddArgument(MessageBuilder builder, TrackedObject target, MessageDescriptor request, ArgumentDescriptor argument,
        List<(uint Id, InterfaceDescriptor Interface)> created)
    {
        switch (argument.Type)
        {
            case ArgumentType.Int when target.Interface.Name == "wl_shm" && request.Name == "create_pool":
            {
                builder.Int(_pendingPoolSize);
                break;
            }

            case ArgumentType.Int:
                builder.Int(PlausibleInt(request, argument.Name));
                break;
            case ArgumentType.UInt:
                builder.UInt(PlausibleUInt(argument.Name));
                break;
            case ArgumentType.Fixed:
                builder.UInt(unchecked((uint)(PlausibleInt(request, argument.Name) * 256 + _random.Next(256))));
                break;
            case ArgumentType.String:
                builder.String(argument.Nullable && _random.NextDouble() < 0.2 ? null : RandomText());
                break;
            case ArgumentType.Array:
                builder.Array(RandomBytes(_random.Next(0, 16)));
                break;
            case ArgumentType.Object:
                builder.UInt(PickObject(argument));
                break;
            case ArgumentType.NewId when argument.Interface is { } descriptor:
            {
                uint id = Allocate(descriptor, target.Version, track: false);
                created.Add((id, descriptor));
                builder.NewId(id);
                break;
            }

            case ArgumentType.NewId:
                builder.String(RandomText()).UInt(1).NewId(Allocate(WlCallbackInterface.Descriptor, 1));
                break;
            case ArgumentType.Fd when target.Interface.Name == "wl_shm" && request.Name == "create_pool":
                builder.Fd(CreatePoolFile(created));
                break;
            case ArgumentType.Fd:
            {
                PoolFile file = PoolFile.CreateUnsealed(64, 64, truncate: false);
                _files.Add(file);
                builder.Fd(file.Fd);
                break;
            }
        }
    }

    private const int LargePool = 2048 * 2048 * 4;

    private int _pendingPoolSize;

    /// <summary>The file of a wl_shm.create_pool: mostly small, sometimes 16 MiB (2048×2048 ARGB); sealed or not; now and
    /// then shorter than the pool it claims, or handed to the truncator.</summary>
    private int CreatePoolFile(List<(uint Id, InterfaceDescriptor Interface)> created)
    {
        double kind = _random.NextDouble();
        // At most a few large files per connection: they live in /dev/shm (memory) until the connection ends.
        int size = kind < 0.15 && _files.Count(f => f.Size >= LargePool) < 4 ? LargePool : kind < 0.2 ? _random.Next(1, 1024) * 4096 : _random.Next(1, 64) * 1024;
        if (_random.NextDouble() < 0.01)
        {
            size = _random.Next(-4, 1);
        }

        _pendingPoolSize = size;
        long fileSize = Math.Max(size, 1);
        PoolFile file;
        if (size <= 1 << 20 && size > 0 && _random.NextDouble() < 0.02)
        {
            file = PoolFile.CreateWriteSealed(size);
        }
        else
        {
            file = PoolFile.CreateUnsealed(fileSize, _random.NextDouble() < 0.1 ? fileSize / 2 : fileSize, truncate: _random.NextDouble() < 0.3);
        }

        _files.Add(file);
        if (created.Count > 0)
        {
            _pools[created[^1].Id] = file;
        }

        return file.Fd;
    }

    /// <summary>wl_shm_pool.create_buffer with a geometry that mostly fits the pool, sometimes by a little too much.</summary>
    private void BuildCreateBuffer(MessageBuilder builder, uint pool, List<(uint Id, InterfaceDescriptor Interface)> created)
    {
        uint id = Allocate(WlBufferInterface.Descriptor, 1, track: false);
        created.Add((id, WlBufferInterface.Descriptor));
        long poolSize = _pools.TryGetValue(pool, out PoolFile? file) ? file.Size : 4096;
        int width = _random.NextDouble() < 0.3 ? 2048 : _random.Next(1, 257);
        int stride = width * 4 + (_random.NextDouble() < 0.03 ? _random.Next(-4, 9) : 0);
        int height = (int)Math.Clamp(poolSize / Math.Max(stride, 1), 1, _random.Next(1, 2049));
        int offset = _random.NextDouble() < 0.2 ? (int)Math.Max(0, poolSize - (long)stride * height) : 0;
        if (_random.NextDouble() < 0.03)
        {
            height += _random.Next(1, 4);
        }

        builder.NewId(id).Int(offset).Int(width).Int(height).Int(stride).UInt(_random.NextDouble() < 0.99 ? (uint)_random.Next(2) : (uint)_random.Next());
    }

    private uint PickObject(ArgumentDescriptor argument)
    {
        if (argument.Nullable && _random.NextDouble() < 0.2)
        {
            return 0;
        }

        if (_random.NextDouble() > 0.01 && argument.InterfaceName is { } wanted)
        {
            List<uint> matching = [.. _objects.Where(o => o.Value.Interface.Name == wanted).Select(o => o.Key)];
            if (matching.Count > 0)
            {
                return matching[_random.Next(matching.Count)];
            }

            if (argument.Nullable && _random.NextDouble() < 0.95)
            {
                return 0;
            }
        }

        // Anything we know of, or an id we never created.
        return _random.NextDouble() < 0.8 ? _objects.Keys.ElementAt(_random.Next(_objects.Count)) : (uint)_random.Next(1, 200);
    }

    private int PlausibleInt(MessageDescriptor request, string name)
    {
        double p = _random.NextDouble();
        if (p < 0.05)
        {
            return new[] { int.MinValue, int.MaxValue, -1, 0, 1 << 16, 1 << 30 }[_random.Next(6)];
        }

        return name switch
        {
            "width" or "height" => p < 0.03 ? _random.Next(-5, 1) : _random.Next(1, 400),
            "x" or "y" when request.Name == "attach" => p < 0.03 ? _random.Next(-5, 5) : 0,
            "x" or "y" or "dx" or "dy" => _random.Next(-100, 400),
            "scale" => p < 0.03 ? _random.Next(-1, 1) : _random.Next(1, 4),
            "transform" => p < 0.03 ? _random.Next(8, 100) : _random.Next(0, 8),
            "size" => _random.Next(0, 1 << 20),
            _ => p < 0.7 ? _random.Next(0, 300) : _random.Next(-300, 0),
        };
    }

    private uint PlausibleUInt(string name)
    {
        if (name == "serial" && _serialCount > 0 && _random.NextDouble() < 0.8)
        {
            return _serials[_random.Next(Math.Min(_serialCount, _serials.Length))];
        }

        double p = _random.NextDouble();
        return p < 0.6 ? (uint)_random.Next(0, 16) : p < 0.9 ? (uint)_random.Next(0, 1 << 16) : (uint)_random.NextInt64(0, 1L << 32);
    }

    private string RandomText() => _random.Next(4) switch
    {
        0 => string.Empty,
        1 => "fuzz",
        2 => new string('x', _random.Next(1, 300)),
        _ => "héllo wörld ✓",
    };

    private byte[] RandomBytes(int count)
    {
        byte[] bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    private void Bind(uint name, InterfaceDescriptor descriptor, uint version, bool mutate)
    {
        uint id = Allocate(descriptor, Math.Max(version, 1));
        Send(Message(_registry, WlRegistryInterface.Requests.Bind).UInt(name).String(descriptor.Name).UInt(version).NewId(id), mutate);
    }

    /// <summary>The next free id, as libwayland's client hands them out (freed ids first, last freed first).</summary>
    /// <param name="descriptor">Its interface.</param>
    /// <param name="version">Its version.</param>
    /// <param name="track">Whether to track it now; the new ids of a random request are tracked once it is built, so that
    /// its own object arguments cannot name them.</param>
    private uint Allocate(InterfaceDescriptor descriptor, uint version, bool track = true)
    {
        uint id = _freeIds.Count > 0 ? _freeIds.Pop() : _nextId++;
        if (track)
        {
            _objects[id] = new TrackedObject(descriptor, version);
        }

        return id;
    }

    private MessageBuilder Message(uint target, ushort opcode) => new(target, opcode);

    private bool Mutate() => _random.NextDouble() < _mutationRate;

    private void Send(MessageBuilder message, bool mutate)
    {
        byte[] bytes = message.Bytes;
        int[] fds = [.. message.Fds];
        if (mutate)
        {
            (bytes, fds) = Mutator.Apply(_random, bytes, fds, message.StringOffsets, _files);
        }

        _mutatedSent |= mutate;
        stats.CountSent(mutate, fds.Length);
        _connection!.Enqueue(bytes, fds);
    }

    // ---- events ----

    /// <summary>Sends wl_display.sync and reads until its callback is done; false when the connection ended meanwhile.</summary>
    private bool Roundtrip()
    {
        _pendingCallback = Allocate(WlCallbackInterface.Descriptor, 1);
        _callbackDone = false;
        Send(Message(1, WlDisplayInterface.Requests.Sync).NewId(_pendingCallback), mutate: false);
        Stopwatch clock = Stopwatch.StartNew();
        while (!_callbackDone && !_closed)
        {
            if (_connection!.Flush() == FlushResult.WouldBlock)
            {
                UnixSocket.Wait(_connection.Socket, writable: true, TimeSpan.FromMilliseconds(10));
            }
            else
            {
                UnixSocket.Wait(_connection.Socket, writable: false, TimeSpan.FromMilliseconds(50));
            }

            ReadEvents();
            if (clock.Elapsed > RoundtripTimeout)
            {
                stats.CountStall();
                return false;
            }
        }

        return !_closed && !_errorReceived;
    }

    private void ReadEvents()
    {
        while (!_closed)
        {
            ReadResult result = _connection!.Read();
            HandleEvents();
            if (result == ReadResult.Closed)
            {
                _closed = true;
                if (!_errorReceived)
                {
                    stats.CountDisconnectWithoutError();
                }
            }
            else if (result != ReadResult.Data)
            {
                return;
            }
        }
    }

    private void HandleEvents()
    {
        Span<ArgumentValue> values = stackalloc ArgumentValue[WireLimits.MaxArguments];
        while (_connection!.TryPeekMessage(out MessageHeader header, out ReadOnlySpan<byte> message, out _) == ParseStatus.Complete)
        {
            if (_objects.TryGetValue(header.ObjectId, out TrackedObject? sender) && header.Opcode < sender.Interface.Events.Count)
            {
                MessageDescriptor descriptor = sender.Interface.Events[header.Opcode];
                ParseStatus status = WireParser.ParseArguments(message, descriptor, _connection.IncomingFds, values, out _);
                if (status == ParseStatus.NeedMoreFds)
                {
                    return;
                }

                if (status == ParseStatus.Complete)
                {
                    HandleEvent(header.ObjectId, sender, descriptor, new MessageArguments(message, descriptor, values, default));
                }

                _connection.CloseFds(descriptor.FdCount);
            }

            _connection.Consume(header.Size);
        }
    }

    private void HandleEvent(uint sender, TrackedObject tracked, MessageDescriptor descriptor, MessageArguments arguments)
    {
        switch (tracked.Interface.Name, descriptor.Name)
        {
            case ("wl_display", "error"):
            {
                uint objectId = arguments.GetObjectId(0);
                string interfaceName = _objects.TryGetValue(objectId, out TrackedObject? culprit) ? culprit.Interface.Name : "unknown";
                stats.CountError(interfaceName, arguments.GetUInt(1), arguments.GetString(2) ?? string.Empty, _mutatedSent);
                _errorReceived = true;
                return;
            }

            case ("wl_display", "delete_id"):
            {
                uint id = arguments.GetUInt(0);
                _objects.Remove(id);
                if (id < _nextId && !_freeIds.Contains(id))
                {
                    _freeIds.Push(id);
                }

                return;
            }

            case ("wl_registry", "global"):
                _globals.Add((arguments.GetUInt(0), arguments.GetString(1) ?? string.Empty, arguments.GetUInt(2)));
                return;
            case ("wl_callback", "done") when sender == _pendingCallback:
                _callbackDone = true;
                return;
            case ("xdg_wm_base", "ping") when _random.NextDouble() < 0.95:
                Send(Message(sender, XdgWmBaseInterface.Requests.Pong).UInt(arguments.GetUInt(0)), mutate: false);
                return;
            case ("xdg_surface", "configure") when _random.NextDouble() < 0.9:
                Send(Message(sender, XdgSurfaceInterface.Requests.AckConfigure).UInt(arguments.GetUInt(0)), mutate: false);
                break;
        }

        for (int i = 0; i < descriptor.Arguments.Count; i++)
        {
            ArgumentDescriptor argument = descriptor.Arguments[i];
            if (argument.Type == ArgumentType.NewId && argument.Interface is { } created)
            {
                _objects[arguments.GetObjectId(i)] = new TrackedObject(created, tracked.Version);
            }
            else if (argument.Type == ArgumentType.UInt && argument.Name == "serial")
            {
                _serials[_serialCount++ % _serials.Length] = arguments.GetUInt(i);
            }
        }
    }

    private sealed record TrackedObject(InterfaceDescriptor Interface, uint Version);
}

/// <summary>A request being put together; records where its strings are, for the string mutations.</summary>
internal sealed class MessageBuilder
{
    private readonly List<byte> _body = [];
    private readonly uint _target;
    private readonly ushort _opcode;

    internal MessageBuilder(uint target, ushort opcode)
    {
        _target = target;
        _opcode = opcode;
    }

    internal List<int> Fds { get; } = [];

    /// <summary>Offsets (within the whole message) of each non-null string's length word.</summary>
    internal List<int> StringOffsets { get; } = [];

    internal byte[] Bytes
    {
        get
        {
            byte[] message = new byte[WireLimits.HeaderSize + _body.Count];
            BinaryPrimitives.WriteUInt32LittleEndian(message, _target);
            BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(4), ((uint)message.Length << 16) | _opcode);
            _body.CopyTo(message, WireLimits.HeaderSize);
            return message;
        }
    }

    internal MessageBuilder UInt(uint value)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, value);
        _body.AddRange(word);
        return this;
    }

    internal MessageBuilder Int(int value) => UInt(unchecked((uint)value));

    internal MessageBuilder NewId(uint id) => UInt(id);

    internal MessageBuilder Fd(int fd)
    {
        Fds.Add(fd);
        return this;
    }

    internal MessageBuilder String(string? value)
    {
        if (value is null)
        {
            return UInt(0);
        }

        StringOffsets.Add(WireLimits.HeaderSize + _body.Count);
        byte[] utf8 = Encoding.UTF8.GetBytes(value);
        UInt((uint)utf8.Length + 1);
        _body.AddRange(utf8);
        _body.AddRange(new byte[MessageWriter.Pad(utf8.Length + 1) - utf8.Length]);
        return this;
    }

    internal MessageBuilder Array(byte[] value)
    {
        UInt((uint)value.Length);
        _body.AddRange(value);
        _body.AddRange(new byte[MessageWriter.Pad(value.Length) - value.Length]);
        return this;
    }
}
