using System.Buffers.Binary;
using System.Text;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>
/// The same bytes sent to libwayland-server (tests/native/test-server, Debian's libwayland 1.21) and to the C# server,
/// both offering <c>wlt_peer</c>: the outcome must be the same — the same events byte for byte, the same error object and
/// code (and text, where 1.21 and current upstream word it alike, with <c>@</c> read as <c>#</c>), the same disconnect.
/// </summary>
/// <remarks>
/// Cases whose outcome changed upstream after 1.21 are checked against current upstream in <see cref="ValidationTests"/> and
/// <see cref="RegistryTests"/> instead: messages over 4096 bytes (refused since 1.24), strings with an embedded NUL
/// (refused since 1.24), and the texts of bind errors (reworded in 1.25).
/// </remarks>
public sealed class DifferentialTests : IDisposable
{
    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["valid ping"] = new((raw, p) => Message(p, PeerProtocol.Ping, 42), SameText: true),
        ["valid emitter"] = new((raw, p) => Concat(Message(p, PeerProtocol.CreateEmitter, raw.NextId++), Message(p, PeerProtocol.Emit, raw.NextId - 1, 2)), SameText: true),
        ["size 0"] = new((raw, p) => Sized(0, 1, 0, raw.NextId), SameText: true),
        ["size 4"] = new((raw, p) => Sized(4, 1, 0, raw.NextId), SameText: true),
        ["size 7"] = new((raw, p) => Sized(7, 1, 0, raw.NextId), SameText: true),
        ["size 8"] = new((raw, p) => Sized(8, 1, 0, raw.NextId), SameText: true),
        ["size 11"] = new((raw, p) => Sized(11, 1, 0, raw.NextId), SameText: true),
        ["unknown object"] = new((raw, p) => Message(77, 0), SameText: true),
        ["bad opcode on wl_display"] = new((raw, p) => Message(1, 9), SameText: true),
        ["bad opcode on wlt_peer"] = new((raw, p) => Message(p, 6), SameText: true),
        ["new id 0"] = new((raw, p) => Message(1, 0, 0), SameText: true),
        ["new id in use"] = new((raw, p) => Message(1, 0, p), SameText: true),
        ["new id with a gap"] = new((raw, p) => Message(1, 0, raw.NextId + 5), SameText: true),
        ["new id in the server range"] = new((raw, p) => Message(1, 0, 0xff000000), SameText: true),
        ["string without NUL"] = new((raw, p) => Message(p, PeerProtocol.PostError, 1, 3, 0x64636261), SameText: true),
        ["null string"] = new((raw, p) => Message(p, PeerProtocol.PostError, 1, 0), SameText: true),
        ["string past the end"] = new((raw, p) => Message(p, PeerProtocol.PostError, 1, 0xfffffff0), SameText: true),
        ["missing string"] = new((raw, p) => Message(p, PeerProtocol.PostError, 1), SameText: true),
        ["unknown object argument"] = new((raw, p) => Message(p, PeerProtocol.Emit, 55, 1), SameText: true),
        ["object argument of another interface"] = new((raw, p) => Message(p, PeerProtocol.Emit, p, 1), SameText: true),
        ["null object argument"] = new((raw, p) => Message(p, PeerProtocol.Emit, 0, 1), SameText: true),
        ["destroyed object"] = new((raw, p) => Concat(Message(p, PeerProtocol.Destroy), Message(p, PeerProtocol.Nop)), SameText: true),
        ["posted error"] = new((raw, p) => Concat(Message(p, PeerProtocol.PostError, 7, 7), Encoding.ASCII.GetBytes("custom\0\0")), SameText: true),
        ["bind unknown global"] = new((raw, p) => Bind(raw, 9, "wlt_peer", 1), SameText: false),
        ["bind wrong interface"] = new((raw, p) => Bind(raw, 1, "wl_seat", 1), SameText: false),
        ["bind version 0"] = new((raw, p) => Bind(raw, 1, "wlt_peer", 0), SameText: true),
        ["bind version too high"] = new((raw, p) => Bind(raw, 1, "wlt_peer", 2), SameText: false),
    };

    private readonly OpenFds.Snapshot _fdsBefore = OpenFds.Take();
    private readonly RuntimeDirectory _runtime = RuntimeDirectory.Create("server-differential");
    private readonly Display _display = new();
    private readonly string _socket;
    private readonly Task _server;
    private readonly NativeTestServer _native = NativeTestServer.Start();

    public DifferentialTests()
    {
        _display.CreateGlobal<PeerResource>(1, _ => { });
        _socket = _display.AddSocketCore("wayland-differential", key => key == "XDG_RUNTIME_DIR" ? _runtime.Path : null);
        _server = _display.RunAsync();
    }

    private delegate byte[] Script(RawClient raw, uint peer);

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
        (bool closed, List<WireMessage> received) reference = Run(_native.SocketPath!, script);
        (bool closed, List<WireMessage> received) ours = Run(_socket, script);

        Assert.Equal(reference.closed, ours.closed);
        Assert.Equal(Describe(reference.received, script.SameText), Describe(ours.received, script.SameText));
    }

    /// <summary>Events byte for byte, except a protocol error: object and code, and the text when both versions word it alike.</summary>
    private static List<string> Describe(List<WireMessage> messages, bool compareText) =>
        messages.Select(m => m.IsDisplayError
            ? $"error object {m.Word(0)} code {m.Word(1)}" + (compareText ? $" \"{m.String(2).Replace('@', '#')}\"" : string.Empty)
            : $"#{m.Sender}.{m.Opcode} {Convert.ToHexString(m.Body)} fds={m.FdCount}").ToList();

    /// <summary>Connects, gets the registry (id 2), binds wlt_peer (name 1) as id 4, then sends the case's bytes
    /// followed by a sync, and reads until the sync's id is deleted or the server hangs up.</summary>
    private static (bool Closed, List<WireMessage> Received) Run(string socket, Case script)
    {
        using RawClient raw = new(UnixSocket.Connect(socket));
        uint registry = raw.GetRegistry();
        Roundtrip(raw);
        uint peer = raw.Bind(registry, 1, "wlt_peer", 1);
        Roundtrip(raw);
        int start = raw.Received.Count;
        byte[] bytes = script.Build(raw, peer);
        uint sync = raw.NextId++;
        raw.SendRaw(Concat(bytes, Message(1, 0, sync)));
        raw.Await(() => raw.Closed || raw.Received.Skip(start).Any(m => m.IsDeleteId && m.Word(0) == sync));
        return (raw.Closed, raw.Received.Skip(start).ToList());
    }

    private static void Roundtrip(RawClient raw)
    {
        uint callback = raw.Sync();
        raw.Await(() => raw.Received.Any(m => m.IsDeleteId && m.Word(0) == callback));
    }

    private static byte[] Bind(RawClient raw, uint name, string iface, uint version)
    {
        Span<byte> buffer = stackalloc byte[256];
        MessageWriter writer = new(buffer, 2, 0);
        writer.WriteUInt(name);
        writer.WriteUntypedNewId(iface, version, raw.NextId++);
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

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private sealed record Case(Script Build, bool SameText);
}
