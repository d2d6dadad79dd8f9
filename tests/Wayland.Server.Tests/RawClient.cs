using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Wayland.Interop;
using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>One event as received from the server.</summary>
internal sealed record WireMessage(uint Sender, ushort Opcode, byte[] Body, int FdCount)
{
    internal uint Word(int index) => BinaryPrimitives.ReadUInt32LittleEndian(Body.AsSpan(index * 4));

    /// <summary>The string whose length word is word <paramref name="index"/>.</summary>
    internal string String(int index)
    {
        int length = (int)Word(index);
        return Encoding.UTF8.GetString(Body, (index + 1) * 4, length - 1);
    }

    internal bool IsDisplayError => Sender == 1 && Opcode == WlDisplayInterface.Events.Error;

    internal bool IsDeleteId => Sender == 1 && Opcode == WlDisplayInterface.Events.DeleteId;

    public override string ToString() => IsDisplayError ? $"error(object {Word(0)}, code {Word(1)}, \"{String(2)}\")" : $"#{Sender}.{Opcode}[{Body.Length}]";
}

/// <summary>
/// A client made of raw bytes: it sends exactly what a test crafts (with the wire core's writer, or byte for byte)
/// and collects what the server sends. Pumps the server's display on the same thread, so tests are deterministic.
/// </summary>
internal sealed class RawClient : IDisposable
{
    private readonly Connection _connection;

    internal RawClient(SafeFdHandle socket) => _connection = new Connection(socket, maxBufferSize: 0);

    internal delegate void Arguments(ref MessageWriter writer);

    /// <summary>Everything received so far.</summary>
    internal List<WireMessage> Received { get; } = [];

    /// <summary>Whether the server closed the connection (after everything it sent was read).</summary>
    internal bool Closed { get; private set; }

    /// <summary>The next id of the client's range (ids are dense).</summary>
    internal uint NextId { get; set; } = 2;

    internal SafeFdHandle Socket => _connection.Socket;

    /// <summary>A socketpair: one end becomes a client of <paramref name="display"/>, the other this raw client.</summary>
    internal static RawClient Attach(Display display, out Client client)
    {
        (SafeFdHandle server, SafeFdHandle mine) = UnixSocket.CreatePair();
        client = display.CreateClient(server);
        return new RawClient(mine);
    }

    internal static RawClient Attach(Display display) => Attach(display, out _);

    /// <summary>Sends <paramref name="bytes"/> as they are (any size, any content), with <paramref name="fds"/> attached.</summary>
    internal void SendRaw(ReadOnlySpan<byte> bytes, ReadOnlySpan<int> fds = default)
    {
        Assert.Equal(bytes.Length, (int)SocketIO.Send(_connection.Socket.Fd, bytes, fds, out int errno));
        Assert.Equal(0, errno);
    }

    /// <summary>Sends request <paramref name="opcode"/> to <paramref name="objectId"/>.</summary>
    internal void Send(uint objectId, ushort opcode, Arguments? arguments = null, ReadOnlySpan<int> fds = default)
    {
        Span<byte> buffer = stackalloc byte[WireLimits.MaxMessageSize];
        MessageWriter writer = new(buffer, objectId, opcode);
        arguments?.Invoke(ref writer);
        SendRaw(writer.Finish(), fds);
    }

    /// <summary>wl_display.sync; returns the callback id.</summary>
    internal uint Sync()
    {
        uint id = NextId++;
        Send(1, WlDisplayInterface.Requests.Sync, (ref MessageWriter w) => w.WriteNewId(id));
        return id;
    }

    /// <summary>wl_display.get_registry; returns the registry id.</summary>
    internal uint GetRegistry()
    {
        uint id = NextId++;
        Send(1, WlDisplayInterface.Requests.GetRegistry, (ref MessageWriter w) => w.WriteNewId(id));
        return id;
    }

    /// <summary>wl_registry.bind; returns the new id.</summary>
    internal uint Bind(uint registry, uint name, string @interface, uint version)
    {
        uint id = NextId++;
        Send(registry, WlRegistryInterface.Requests.Bind, (ref MessageWriter w) =>
        {
            w.WriteUInt(name);
            w.WriteUntypedNewId(@interface, version, id);
        });
        return id;
    }

    /// <summary>Sends a sync and pumps until its callback is done; returns what arrived before and including it.</summary>
    internal List<WireMessage> Roundtrip(Display display)
    {
        int start = Received.Count;
        uint callback = Sync();
        Pump(display, () => Received.Skip(start).Any(m => m.Sender == callback) || Closed);
        Assert.False(Closed, $"the server closed the connection: {string.Join(", ", Received)}");
        return Received.Skip(start).ToList();
    }

    /// <summary>Pumps until the server closes the connection; returns the error it sent.</summary>
    internal WireMessage ExpectError(Display display)
    {
        Pump(display, () => Closed);
        WireMessage? error = Received.LastOrDefault(m => m.IsDisplayError);
        Assert.True(error is not null, $"no wl_display.error before the disconnect: {string.Join(", ", Received)}");
        return error!;
    }

    /// <summary>Asserts a protocol error about object <paramref name="objectId"/>, then the disconnect.</summary>
    internal void ExpectError(Display display, uint objectId, uint code, string message)
    {
        WireMessage error = ExpectError(display);
        Assert.Equal((objectId, code, message), (error.Word(0), error.Word(1), error.String(2)));
    }

    /// <summary>Dispatches the server and reads until <paramref name="done"/> holds (or 10 s pass).</summary>
    internal void Pump(Display display, Func<bool> done)
    {
        Stopwatch clock = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"timed out; received: {string.Join(", ", Received)}");
            display.Dispatch(TimeSpan.Zero);
            ReadAvailable();
            if (!done() && !Closed)
            {
                UnixSocket.Wait(_connection.Socket, writable: false, TimeSpan.FromMilliseconds(5));
            }
        }
    }

    /// <summary>Reads until <paramref name="done"/> holds (or 10 s pass), for a server running on another thread.</summary>
    internal void Await(Func<bool> done)
    {
        Stopwatch clock = Stopwatch.StartNew();
        while (!done())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"timed out; received: {string.Join(", ", Received)}");
            UnixSocket.Wait(_connection.Socket, writable: false, TimeSpan.FromMilliseconds(50));
            ReadAvailable();
        }
    }

    /// <summary>Reads and parses whatever the server sent so far.</summary>
    internal void ReadAvailable()
    {
        while (!Closed)
        {
            ReadResult result = _connection.Read();
            while (_connection.TryPeekMessage(out MessageHeader header, out ReadOnlySpan<byte> message, out _) == ParseStatus.Complete)
            {
                Received.Add(new WireMessage(header.ObjectId, header.Opcode, message[WireLimits.HeaderSize..].ToArray(), _connection.IncomingFds));
                _connection.Consume(header.Size);
            }

            if (result == ReadResult.Closed)
            {
                Closed = true;
            }
            else if (result != ReadResult.Data)
            {
                return;
            }
        }
    }

    /// <summary>Closes the descriptors received so far (the messages that carried them stay in <see cref="Received"/>).</summary>
    internal void CloseReceivedFds() => _connection.CloseFds(_connection.IncomingFds);

    public void Dispose() => _connection.Dispose();
}
