using System.Text;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>
/// tests/native/protocols/test-peer.xml (<c>wlt_peer</c>, <c>wlt_emitter</c>), implemented as tests/native/test-server
/// implements it, so the same bytes can be sent to both servers and the outcomes compared.
/// </summary>
internal static class PeerProtocol
{
    internal const ushort PostError = 0;
    internal const ushort CreateEmitter = 1;
    internal const ushort Emit = 2;
    internal const ushort Ping = 3;
    internal const ushort Nop = 4;
    internal const ushort Destroy = 5;
    internal const ushort Pong = 0;

    internal static readonly InterfaceDescriptor Emitter = new("wlt_emitter", 1,
        [new MessageDescriptor("destroy", 0, 1, [], isDestructor: true)],
        [new MessageDescriptor("fd", 0, 1, [new ArgumentDescriptor("f", ArgumentType.Fd), new ArgumentDescriptor("seq", ArgumentType.UInt)])]);

    internal static readonly InterfaceDescriptor Peer = new("wlt_peer", 1,
        [
            new MessageDescriptor("post_error", PostError, 1, [new ArgumentDescriptor("code", ArgumentType.UInt), new ArgumentDescriptor("message", ArgumentType.String)]),
            new MessageDescriptor("create_emitter", CreateEmitter, 1, [new ArgumentDescriptor("id", ArgumentType.NewId, interfaceName: "wlt_emitter", resolveInterface: () => Emitter)]),
            new MessageDescriptor("emit", Emit, 1,
                [new ArgumentDescriptor("emitter", ArgumentType.Object, interfaceName: "wlt_emitter", resolveInterface: () => Emitter), new ArgumentDescriptor("count", ArgumentType.UInt)]),
            new MessageDescriptor("ping", Ping, 1, [new ArgumentDescriptor("value", ArgumentType.UInt)]),
            new MessageDescriptor("nop", Nop, 1, []),
            new MessageDescriptor("destroy", Destroy, 1, [], isDestructor: true),
        ],
        [new MessageDescriptor("pong", Pong, 1, [new ArgumentDescriptor("value", ArgumentType.UInt)])]);
}

/// <summary><c>wlt_peer</c> as test-server implements it.</summary>
internal sealed class PeerResource : Resource, IResourceFactory<PeerResource>
{
    private PeerResource()
        : base(PeerProtocol.Peer)
    {
    }

    static InterfaceDescriptor IResourceFactory<PeerResource>.Interface => PeerProtocol.Peer;

    static PeerResource IResourceFactory<PeerResource>.Create() => new();

    /// <summary>Runs before each ping is answered (a test's stand-in for a request that costs the server work).</summary>
    internal Action? Pinged { get; set; }

    protected override void DispatchRequest(ushort opcode, in MessageArguments args)
    {
        switch (opcode)
        {
            case PeerProtocol.PostError:
                PostError(args.GetUInt(0), args.GetString(1)!);
                break;
            case PeerProtocol.Emit:
                EmitterResource emitter = ResolveObject<EmitterResource>(args.GetObjectId(0))!;
                for (uint seq = 0; seq < args.GetUInt(1); seq++)
                {
                    emitter.SendFd(seq);
                }

                break;
            case PeerProtocol.Ping:
                Pinged?.Invoke();
                SendPong(args.GetUInt(0));
                break;
        }
    }

    protected override Resource? CreateRequestObject(ushort opcode, int argument) =>
        opcode == PeerProtocol.CreateEmitter ? NewResource<EmitterResource>() : null;

    /// <summary>Sends a pong event (12 bytes), as the server does for a ping.</summary>
    internal void SendPong(uint value)
    {
        Span<byte> buffer = stackalloc byte[12];
        MessageWriter writer = new(buffer, Id, PeerProtocol.Pong);
        writer.WriteUInt(value);
        SendEvent(PeerProtocol.Pong, writer.Finish(), default);
    }
}

/// <summary><c>wlt_emitter</c>: sends memfds holding "emitter &lt;id&gt; seq &lt;seq&gt;".</summary>
internal sealed class EmitterResource : Resource, IResourceFactory<EmitterResource>
{
    private EmitterResource()
        : base(PeerProtocol.Emitter)
    {
    }

    static InterfaceDescriptor IResourceFactory<EmitterResource>.Interface => PeerProtocol.Emitter;

    static EmitterResource IResourceFactory<EmitterResource>.Create() => new();

    internal void SendFd(uint seq)
    {
        byte[] text = Encoding.ASCII.GetBytes($"emitter {Id} seq {seq}");
        using SafeFdHandle memfd = TestSupport.Memfd(0);
        TestSupport.WriteAt(memfd, 0, text);
        Span<byte> buffer = stackalloc byte[12];
        Span<int> fds = stackalloc int[1];
        MessageWriter writer = new(buffer, Id, 0, fds);
        writer.WriteFd(memfd.Fd);
        writer.WriteUInt(seq);
        SendEvent(0, writer.Finish(), writer.Fds);
    }
}
