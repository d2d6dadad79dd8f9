using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using Wayland.Protocols;
using Wayland.Server.Protocol;
using Wayland.Testing;
using Wayland.Wire;
using Xunit.Abstractions;

namespace Wayland.Server.Tests;

/// <summary>
/// The same bytes sent to libwayland-server (tests/native/test-server --differential, Debian's libwayland 1.21) and to
/// the C# server, both offering <c>wlt_peer</c> (name 1), their own <c>wl_shm</c> v1 (name 2) and a <c>wl_output</c> v3
/// (name 3): the outcome must be the same — the same events byte for byte, the same error object and code (and text,
/// where 1.21 and current upstream word it alike, with <c>@</c> read as <c>#</c> and descriptor numbers left out), the
/// same disconnect — and a well-behaved client of each server must be served before, during and after.
/// </summary>
/// <remarks>
/// Cases whose outcome changed upstream after 1.21 are checked against current upstream in <see cref="ValidationTests"/> and
/// <see cref="RegistryTests"/> instead: messages over 4096 bytes (refused since 1.24), strings with an embedded NUL
/// (refused since 1.24), and the texts of bind errors (reworded in 1.25). Requests with array arguments cannot be
/// compared: neither wayland.xml nor test-peer.xml has one.
/// </remarks>
public sealed class DifferentialTests : IDisposable
{
    private const int Served = -1;
    private const int InvalidObject = (int)WlDisplayError.InvalidObject;
    private const int InvalidMethod = (int)WlDisplayError.InvalidMethod;
    private const int InvalidFormat = (int)WlShmError.InvalidFormat;
    private const int InvalidStride = (int)WlShmError.InvalidStride;
    private const int InvalidFd = (int)WlShmError.InvalidFd;
    private const uint ShmName = 2;
    private const uint OutputName = 3;

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["valid ping"] = new(Served, b => Message(b.Peer, PeerProtocol.Ping, 42)),
        ["valid emitter"] = new(Served, b => Concat(Message(b.Peer, PeerProtocol.CreateEmitter, b.NewId()), Message(b.Peer, PeerProtocol.Emit, b.LastId, 2))),
        ["size 0"] = new(InvalidMethod, b => Sized(0, 1, 0, b.Next)),
        ["size 4"] = new(InvalidMethod, b => Sized(4, 1, 0, b.Next)),
        ["size 7"] = new(InvalidMethod, b => Sized(7, 1, 0, b.Next)),
        ["size 8"] = new(InvalidMethod, b => Sized(8, 1, 0, b.Next)),
        ["size 11"] = new(InvalidMethod, b => Sized(11, 1, 0, b.Next)),
        ["unknown object"] = new(InvalidObject, b => Message(77, 0)),
        ["bad opcode on wl_display"] = new(InvalidMethod, b => Message(1, 9)),
        ["bad opcode on wlt_peer"] = new(InvalidMethod, b => Message(b.Peer, 6)),
        ["new id 0"] = new(InvalidMethod, b => Message(1, 0, 0)),
        ["new id in use"] = new(InvalidMethod, b => Message(1, 0, b.Peer)),
        ["new id with a gap"] = new(InvalidMethod, b => Message(1, 0, b.Next + 5)),
        ["new id in the server range"] = new(InvalidMethod, b => Message(1, 0, 0xff000000)),
        ["string without NUL"] = new(InvalidMethod, b => Message(b.Peer, PeerProtocol.PostError, 1, 3, 0x64636261)),
        ["null string"] = new(InvalidMethod, b => Message(b.Peer, PeerProtocol.PostError, 1, 0)),
        ["string past the end"] = new(InvalidMethod, b => Message(b.Peer, PeerProtocol.PostError, 1, 0xfffffff0)),
        ["missing string"] = new(InvalidMethod, b => Message(b.Peer, PeerProtocol.PostError, 1)),
        ["unknown object argument"] = new(InvalidMethod, b => Message(b.Peer, PeerProtocol.Emit, 55, 1)),
        ["object argument of another interface"] = new(InvalidMethod, b => Message(b.Peer, PeerProtocol.Emit, b.Peer, 1)),
        ["a wl_shm_pool as object argument"] = new(InvalidMethod, b => Concat(b.Pool(out _, out uint pool), Message(b.Peer, PeerProtocol.Emit, pool, 1))),
        ["null object argument"] = new(InvalidMethod, b => Message(b.Peer, PeerProtocol.Emit, 0, 1)),
        ["destroyed object"] = new(InvalidObject, b => Concat(Message(b.Peer, PeerProtocol.Destroy), Message(b.Peer, PeerProtocol.Nop))),
        ["posted error"] = new(7, b => Message(b.Peer, PeerProtocol.PostError, [7, .. Words("custom\0\0")])),

        // wl_registry.bind: the texts of these errors were reworded in 1.25 (RegistryTests checks ours against it).
        ["bind unknown global"] = new(InvalidObject, b => b.Bind(9, "wlt_peer", 1, out _), SameText: false),
        ["bind wrong interface"] = new(InvalidObject, b => b.Bind(1, "wl_seat", 1, out _), SameText: false),
        ["bind wl_shm as wl_output"] = new(InvalidObject, b => b.Bind(ShmName, "wl_output", 1, out _), SameText: false),
        ["bind version 0"] = new(InvalidObject, b => b.Bind(1, "wlt_peer", 0, out _)),
        ["bind version too high"] = new(InvalidObject, b => b.Bind(1, "wlt_peer", 2, out _), SameText: false),
        ["bind wl_shm at version 2"] = new(InvalidObject, b => b.Bind(ShmName, "wl_shm", 2, out _), SameText: false),
        ["bind wl_shm twice"] = new(Served, b => Concat(b.Shm(out _), b.Shm(out _))),
        ["bind with a new id with a gap"] = new(InvalidMethod, b => BindMessage(ShmName, "wl_shm", 1, b.Next + 1)),
        ["bind with a new id in the server range"] = new(InvalidMethod, b => BindMessage(ShmName, "wl_shm", 1, 0xff000001)),
        ["bind with a new id in use"] = new(InvalidMethod, b => BindMessage(ShmName, "wl_shm", 1, b.Peer)),
        ["bind with a null interface"] = new(InvalidMethod, b => Message(2, WlRegistryInterface.Requests.Bind, ShmName, 0, 1, b.NewId())),
        ["bind with an interface without NUL"] = new(InvalidMethod, b => Message(2, WlRegistryInterface.Requests.Bind, ShmName, 4, 0x68735f6c, 1, b.NewId())),

        // A request newer than the object: libwayland 1.21 has wl_shm v1 only (release is since 2), so wl_output.release (since 3).
        ["wl_output release below version 3"] = new(InvalidMethod, b => Concat(b.Bind(OutputName, "wl_output", 2, out uint output), Message(output, WlOutputInterface.Requests.Release))),
        ["wl_output release at version 3"] = new(Served, b => Concat(b.Bind(OutputName, "wl_output", 3, out uint output), Message(output, WlOutputInterface.Requests.Release))),
        ["opcode 1 on wl_shm v1"] = new(InvalidMethod, b => Concat(b.Shm(out uint shm), Message(shm, 1))),
        ["bad opcode on wl_shm_pool"] = new(InvalidMethod, b => Concat(b.Pool(out _, out uint pool), Message(pool, 3))),

        // wl_shm.create_pool.
        ["valid pool and buffer"] = new(Served, b => Concat(b.Buffer(0, 32, 32, 128, out uint pool, out uint buffer),
            Message(buffer, WlBufferInterface.Requests.Destroy), Message(pool, WlShmPoolInterface.Requests.Destroy))),
        ["create_pool without an fd"] = new(InvalidMethod, b => Concat(b.Shm(out uint shm), Message(shm, WlShmInterface.Requests.CreatePool, b.NewId(), Builder.FileSize))),
        ["create_pool of size 0"] = new(InvalidStride, b => b.Pool(out _, out _, size: 0)),
        ["create_pool of negative size"] = new(InvalidStride, b => b.Pool(out _, out _, size: -4096)),
        ["create_pool larger than its file"] = new(Served, b => b.Pool(out _, out _, size: 1 << 20)),
        ["create_pool with an fd that cannot be mapped"] = new(InvalidFd, b => b.Pool(out _, out _, fd: b.SocketFd())),
        ["create_pool with an extra fd"] = new(Served, b => Concat(b.Pool(out _, out _), b.Attach(TestSupport.Memfd(Builder.FileSize)))),
        ["create_pool taking the fd left over by another"] = new(Served, b => Concat(b.Pool(out uint shm, out _), b.Attach(TestSupport.Memfd(Builder.FileSize)),
            Message(shm, WlShmInterface.Requests.CreatePool, b.NewId(), Builder.FileSize))),
        ["create_pool with a new id in use"] = new(InvalidMethod, b => Concat(b.Shm(out uint shm), b.Attach(TestSupport.Memfd(Builder.FileSize)),
            Message(shm, WlShmInterface.Requests.CreatePool, shm, Builder.FileSize))),
        ["create_pool with a new id with a gap"] = new(InvalidMethod, b => Concat(b.Shm(out uint shm), b.Attach(TestSupport.Memfd(Builder.FileSize)),
            Message(shm, WlShmInterface.Requests.CreatePool, b.Next + 3, Builder.FileSize))),
        ["create_pool with a new id in the server range"] = new(InvalidMethod, b => Concat(b.Shm(out uint shm), b.Attach(TestSupport.Memfd(Builder.FileSize)),
            Message(shm, WlShmInterface.Requests.CreatePool, 0xff000000, Builder.FileSize))),

        // wl_shm_pool.create_buffer on a 4096-byte pool.
        ["create_buffer with stride below width"] = new(InvalidStride, b => b.Buffer(0, 16, 16, 4, out _, out _)),
        ["create_buffer with stride 0"] = new(InvalidStride, b => b.Buffer(0, 16, 16, 0, out _, out _)),
        ["create_buffer with a negative stride"] = new(InvalidStride, b => b.Buffer(0, 16, 16, -64, out _, out _)),
        ["create_buffer with an unknown format"] = new(InvalidFormat, b => b.Buffer(0, 16, 16, 64, out _, out _, format: 7)),
        ["create_buffer with an unsupported fourcc"] = new(InvalidFormat, b => b.Buffer(0, 16, 16, 64, out _, out _, format: 0x34324258)),
        ["create_buffer in XRGB8888"] = new(Served, b => b.Buffer(0, 16, 16, 64, out _, out _, format: (uint)WlShmFormat.Xrgb8888)),
        ["create_buffer ending at the end of the pool"] = new(Served, b => b.Buffer(Builder.FileSize - 1024, 16, 16, 64, out _, out _)),
        ["create_buffer past the end of the pool"] = new(InvalidStride, b => b.Buffer(Builder.FileSize - 1020, 16, 16, 64, out _, out _)),
        ["create_buffer larger than the pool"] = new(InvalidStride, b => b.Buffer(0, 64, 64, 256, out _, out _)),
        ["create_buffer with a negative offset"] = new(InvalidStride, b => b.Buffer(-4, 16, 16, 64, out _, out _)),
        ["create_buffer with a negative width"] = new(InvalidStride, b => b.Buffer(0, -16, 16, 64, out _, out _)),
        ["create_buffer with width 0"] = new(InvalidStride, b => b.Buffer(0, 0, 16, 64, out _, out _)),
        ["create_buffer with a negative height"] = new(InvalidStride, b => b.Buffer(0, 16, -16, 64, out _, out _)),
        ["create_buffer whose size overflows"] = new(InvalidStride, b => b.Buffer(0, 1, 0x10000, 0x10000, out _, out _)),
        ["create_buffer at the largest offset"] = new(InvalidStride, b => b.Buffer(int.MaxValue, 16, 16, 64, out _, out _)),
        ["create_buffer with the largest width and stride"] = new(InvalidStride, b => b.Buffer(0, int.MaxValue, 1, int.MaxValue, out _, out _)),
        ["create_buffer with the largest height"] = new(InvalidStride, b => b.Buffer(0, 1, int.MaxValue, 4, out _, out _)),
        ["create_buffer with the smallest height"] = new(InvalidStride, b => b.Buffer(0, 1, int.MinValue, 4, out _, out _)),
        ["create_buffer with the smallest offset"] = new(InvalidStride, b => b.Buffer(int.MinValue, 1, 1, 4, out _, out _)),
        ["create_buffer whose end is just past the largest pool"] = new(InvalidStride, b => Concat(b.Pool(out _, out uint pool),
            Message(pool, WlShmPoolInterface.Requests.Resize, int.MaxValue),
            Message(pool, WlShmPoolInterface.Requests.CreateBuffer, b.NewId(), int.MaxValue - 1023, 16, 16, 64, 0))),
        ["create_buffer ending at the end of the largest pool"] = new(Served, b => Concat(b.Pool(out _, out uint pool),
            Message(pool, WlShmPoolInterface.Requests.Resize, int.MaxValue),
            Message(pool, WlShmPoolInterface.Requests.CreateBuffer, b.NewId(), int.MaxValue - 1024, 16, 16, 64, 0))),
        ["create_buffer with a new id in use"] = new(InvalidMethod, b => Concat(b.Pool(out _, out uint pool), Message(pool, WlShmPoolInterface.Requests.CreateBuffer, pool, 0, 16, 16, 64, 0))),
        ["create_buffer with a new id in the server range"] = new(InvalidMethod, b => Concat(b.Pool(out _, out uint pool),
            Message(pool, WlShmPoolInterface.Requests.CreateBuffer, 0xff000000, 0, 16, 16, 64, 0))),
        ["create_buffer on a destroyed pool"] = new(InvalidObject, b => Concat(b.Pool(out _, out uint pool), Message(pool, WlShmPoolInterface.Requests.Destroy),
            Message(pool, WlShmPoolInterface.Requests.CreateBuffer, b.NewId(), 0, 16, 16, 64, 0))),
        ["buffer outliving its pool"] = new(Served, b => Concat(b.Buffer(0, 16, 16, 64, out uint pool, out uint buffer),
            Message(pool, WlShmPoolInterface.Requests.Destroy), Message(buffer, WlBufferInterface.Requests.Destroy))),

        // wl_shm_pool.resize: grow only.
        ["resize to a smaller size"] = new(InvalidFd, b => Concat(b.Pool(out _, out uint pool), Message(pool, WlShmPoolInterface.Requests.Resize, Builder.FileSize / 2))),
        ["resize to a negative size"] = new(InvalidFd, b => Concat(b.Pool(out _, out uint pool), Message(pool, WlShmPoolInterface.Requests.Resize, unchecked((uint)-1)))),
        ["resize to the smallest size"] = new(InvalidFd, b => Concat(b.Pool(out _, out uint pool), Message(pool, WlShmPoolInterface.Requests.Resize, unchecked((uint)int.MinValue)))),
        ["resize to the largest size"] = new(Served, b => Concat(b.Pool(out _, out uint pool), Message(pool, WlShmPoolInterface.Requests.Resize, int.MaxValue))),
        ["create_pool of the largest size"] = new(Served, b => b.Pool(out _, out _, size: int.MaxValue)),
        ["resize to the same size"] = new(Served, b => Concat(b.Pool(out _, out uint pool), Message(pool, WlShmPoolInterface.Requests.Resize, Builder.FileSize))),
        ["resize then a buffer in the new part"] = new(Served, b => Concat(b.Pool(out _, out uint pool), Message(pool, WlShmPoolInterface.Requests.Resize, 4 * Builder.FileSize),
            Message(pool, WlShmPoolInterface.Requests.CreateBuffer, b.NewId(), 2 * Builder.FileSize, 16, 16, 64, 0))),
    };

    private readonly OpenFds.Snapshot _fdsBefore = OpenFds.Take();
    private readonly RuntimeDirectory _runtime = RuntimeDirectory.Create("server-differential");
    private readonly Display _display = new();
    private readonly string _socket;
    private readonly Task _server;
    // libwayland-server offering wlt_peer, libwayland's own wl_shm and a wl_output: the globals this test gives
    // the C# server too.
    private readonly NativeTestServer _native = NativeTestServer.Start("--differential");
    private readonly ITestOutputHelper _output;

    public DifferentialTests(ITestOutputHelper output)
    {
        _output = output;
        // As test-server --differential: wlt_peer (1), the runtime's wl_shm at version 1 as libwayland 1.21's (2), wl_output v3 (3).
        _display.CreateGlobal<PeerResource>(1, _ => { });
        _ = new Shm(_display, version: 1);
        _display.CreateGlobal<WlOutput>(3, _ => { });
        _socket = _display.AddSocketCore("wayland-differential", key => key == "XDG_RUNTIME_DIR" ? _runtime.Path : null);
        _server = _display.RunAsync();
    }

    private delegate byte[] Script(Builder builder);

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    public void Dispose()
    {
        _native.Dispose();
        _display.Terminate();
        Assert.True(_server.Wait(TimeSpan.FromSeconds(10)));
        _display.Dispose();
        _runtime.Dispose();
        OpenFds.AssertUnchanged(_fdsBefore);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Both_servers_answer_the_same_bytes_the_same_way(string name)
    {
        Case script = Cases[name];
        using RawClient referenceBystander = Bystander(_native.SocketPath!, out uint referencePeer);
        using RawClient oursBystander = Bystander(_socket, out uint oursPeer);

        (bool closed, List<WireMessage> received) reference = Run(_native.SocketPath!, script);
        (bool closed, List<WireMessage> received) ours = Run(_socket, script);

        _output.WriteLine($"libwayland: {(reference.closed ? "closed" : "open")}; {string.Join("; ", Describe(reference.received, compareText: true))}");

        // The case is what its name says (for libwayland): served, or refused with this code.
        Assert.Equal(script.Expected != Served, reference.closed);
        Assert.Equal(script.Expected, reference.received.Where(m => m.IsDisplayError).Select(m => (int)m.Word(1)).DefaultIfEmpty(Served).Single());

        Assert.Equal(reference.closed, ours.closed);
        Assert.Equal(Describe(reference.received, script.SameText), Describe(ours.received, script.SameText));
        StillServed(referenceBystander, referencePeer);
        StillServed(oursBystander, oursPeer);
    }

    [Fact]
    public void Both_servers_announce_the_same_globals()
    {
        Assert.Equal(Describe(Announce(_native.SocketPath!), compareText: true), Describe(Announce(_socket), compareText: true));

        static List<WireMessage> Announce(string socket)
        {
            using RawClient raw = new(UnixSocket.Connect(socket));
            raw.GetRegistry();
            Roundtrip(raw);
            return raw.Received;
        }
    }

    /// <summary>Events byte for byte, except a protocol error: object and code, and the text when both versions word it
    /// alike (<c>@</c> as <c>#</c>, and without descriptor numbers, which are each process's own).</summary>
    private static List<string> Describe(List<WireMessage> messages, bool compareText) =>
        messages.Select(m => m.IsDisplayError
            ? $"error object {m.Word(0)} code {m.Word(1)}" + (compareText ? $" \"{Regex.Replace(m.String(2).Replace('@', '#'), @"\bfd \d+", "fd N")}\"" : string.Empty)
            : $"#{m.Sender}.{m.Opcode} {Convert.ToHexString(m.Body)} fds={m.FdCount}").ToList();

    /// <summary>Connects, gets the registry (id 2), binds wlt_peer (name 1) as id 4, then sends the case's bytes (with
    /// its descriptors) followed by a sync, and reads until the sync's id is deleted or the server hangs up.</summary>
    private static (bool Closed, List<WireMessage> Received) Run(string socket, Case script)
    {
        using RawClient raw = new(UnixSocket.Connect(socket));
        uint peer = Setup(raw);
        int start = raw.Received.Count;
        using Builder builder = new(raw, peer);
        byte[] bytes = script.Build(builder);
        uint sync = raw.NextId++;
        raw.SendRaw(Concat(bytes, Message(1, 0, sync)), builder.Fds);
        raw.Await(() => raw.Closed || raw.Received.Skip(start).Any(m => m.IsDeleteId && m.Word(0) == sync));
        return (raw.Closed, raw.Received.Skip(start).ToList());
    }

    private static uint Setup(RawClient raw)
    {
        uint registry = raw.GetRegistry();
        Roundtrip(raw);
        uint peer = raw.Bind(registry, 1, "wlt_peer", 1);
        Roundtrip(raw);
        return peer;
    }

    /// <summary>A well-behaved client, connected and bound before the case is sent.</summary>
    private static RawClient Bystander(string socket, out uint peer)
    {
        RawClient raw = new(UnixSocket.Connect(socket));
        peer = Setup(raw);
        return raw;
    }

    /// <summary>The bystander still gets a pong and a roundtrip after the case, and never saw an error.</summary>
    private static void StillServed(RawClient raw, uint peer)
    {
        int start = raw.Received.Count;
        raw.SendRaw(Message(peer, PeerProtocol.Ping, 0x5eed));
        Roundtrip(raw);
        Assert.Contains(raw.Received.Skip(start), m => m.Sender == peer && m.Opcode == PeerProtocol.Pong && m.Word(0) == 0x5eed);
        Assert.False(raw.Closed);
        Assert.DoesNotContain(raw.Received, m => m.IsDisplayError);
    }

    private static void Roundtrip(RawClient raw)
    {
        uint callback = raw.Sync();
        raw.Await(() => raw.Closed || raw.Received.Any(m => m.IsDeleteId && m.Word(0) == callback));
        Assert.False(raw.Closed, $"the server closed the connection: {string.Join(", ", raw.Received)}");
    }

    private static byte[] BindMessage(uint name, string iface, uint version, uint id)
    {
        Span<byte> buffer = stackalloc byte[256];
        MessageWriter writer = new(buffer, 2, WlRegistryInterface.Requests.Bind);
        writer.WriteUInt(name);
        writer.WriteUntypedNewId(iface, version, id);
        return writer.Finish().ToArray();
    }

    private static byte[] Message(uint objectId, ushort opcode, params uint[] words) => Sized(8 + (words.Length * 4), objectId, opcode, words);

    private static byte[] Sized(int size, uint objectId, ushort opcode, params uint[] words)
    {
        byte[] message = new byte[8 + (words.Length * 4)];
        BinaryPrimitives.WriteUInt32LittleEndian(message, objectId);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(4), ((uint)size << 16) | opcode);
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8 + (i * 4)), words[i]);
        }

        return message;
    }

    /// <summary>A string argument as words: its length (with the NUL) and its padded bytes.</summary>
    private static uint[] Words(string padded)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(padded);
        return [(uint)padded.TrimEnd('\0').Length + 1, .. Enumerable.Range(0, bytes.Length / 4).Select(i => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i * 4)))];
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <param name="Expected">What libwayland does: <see cref="Served"/>, or the code of the error it posts (then it disconnects).</param>
    /// <param name="Build">The bytes (and descriptors) of the case.</param>
    /// <param name="SameText">Whether libwayland 1.21 words the error as current upstream does, so ours must match it.</param>
    private sealed record Case(int Expected, Script Build, bool SameText = true);

    /// <summary>Builds one case for one connection: ids in the client's order, and the descriptors sent with the bytes
    /// (all in one <c>sendmsg</c>, so they are taken in the order they were attached).</summary>
    private sealed class Builder(RawClient raw, uint peer) : IDisposable
    {
        /// <summary>Size of every pool's file and of a default pool.</summary>
        internal const int FileSize = 4096;

        private readonly List<SafeFdHandle> _fds = [];

        internal uint Peer => peer;

        /// <summary>The id the next new object would get.</summary>
        internal uint Next => raw.NextId;

        /// <summary>The id handed out last.</summary>
        internal uint LastId => raw.NextId - 1;

        internal int[] Fds => _fds.Select(fd => fd.Fd).ToArray();

        internal uint NewId() => raw.NextId++;

        /// <summary>Sends <paramref name="fd"/> with the case; no bytes of its own.</summary>
        internal byte[] Attach(SafeFdHandle fd)
        {
            _fds.Add(fd);
            return [];
        }

        /// <summary>One end of a socket pair (the other end is closed): a descriptor that cannot be mapped.</summary>
        internal SafeFdHandle SocketFd()
        {
            (SafeFdHandle first, SafeFdHandle second) = UnixSocket.CreatePair();
            second.Dispose();
            return first;
        }

        internal byte[] Bind(uint name, string iface, uint version, out uint id)
        {
            id = NewId();
            return BindMessage(name, iface, version, id);
        }

        /// <summary>Binds wl_shm at version 1.</summary>
        internal byte[] Shm(out uint shm) => Bind(ShmName, "wl_shm", 1, out shm);

        /// <summary>Binds wl_shm and creates a pool of <paramref name="size"/> bytes over <paramref name="fd"/>
        /// (default: a memfd of <see cref="FileSize"/> bytes).</summary>
        internal byte[] Pool(out uint shm, out uint pool, int size = FileSize, SafeFdHandle? fd = null)
        {
            byte[] bind = Shm(out shm);
            pool = NewId();
            Attach(fd ?? TestSupport.Memfd(FileSize));
            return Concat(bind, Message(shm, WlShmInterface.Requests.CreatePool, pool, (uint)size));
        }

        /// <summary>A default pool, then <c>create_buffer</c> with these arguments.</summary>
        internal byte[] Buffer(int offset, int width, int height, int stride, out uint pool, out uint buffer, uint format = (uint)WlShmFormat.Argb8888)
        {
            byte[] setup = Pool(out _, out pool);
            buffer = NewId();
            return Concat(setup, Message(pool, WlShmPoolInterface.Requests.CreateBuffer, buffer, (uint)offset, (uint)width, (uint)height, (uint)stride, format));
        }

        public void Dispose()
        {
            foreach (SafeFdHandle fd in _fds)
            {
                fd.Dispose();
            }
        }
    }
}
