using BenchmarkDotNet.Attributes;
using Wayland.Wire;

namespace Wayland.Benchmarks;

/// <summary>
/// Marshal and demarshal cost per message, and allocated bytes per message (the target is 0 B).
/// Messages are shaped like common traffic: wl_surface.attach (o, i, i), wl_registry.global (u, s, u),
/// wl_keyboard.enter (u, o, a), wl_shm.create_pool (n, h, i).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class WireBenchmarks
{
    private static readonly MessageDescriptor Attach = new("attach", 1, 1,
        [new ArgumentDescriptor("buffer", ArgumentType.Object, nullable: true, interfaceName: "wl_buffer"), new ArgumentDescriptor("x", ArgumentType.Int), new ArgumentDescriptor("y", ArgumentType.Int)]);

    private static readonly MessageDescriptor Global = new("global", 0, 1,
        [new ArgumentDescriptor("name", ArgumentType.UInt), new ArgumentDescriptor("interface", ArgumentType.String), new ArgumentDescriptor("version", ArgumentType.UInt)]);

    private static readonly MessageDescriptor Enter = new("enter", 1, 1,
        [new ArgumentDescriptor("serial", ArgumentType.UInt), new ArgumentDescriptor("surface", ArgumentType.Object, interfaceName: "wl_surface"), new ArgumentDescriptor("keys", ArgumentType.Array)]);

    private readonly byte[] _buffer = new byte[WireLimits.MaxMessageSize];
    private readonly ArgumentValue[] _values = new ArgumentValue[WireLimits.MaxArguments];
    private readonly byte[] _keys = [30, 0, 0, 0, 31, 0, 0, 0];
    private byte[] _attachMessage = [];
    private byte[] _globalMessage = [];
    private byte[] _enterMessage = [];

    [GlobalSetup]
    public void Setup()
    {
        _attachMessage = MarshalAttach().ToArray();
        _globalMessage = MarshalGlobal().ToArray();
        _enterMessage = MarshalEnter().ToArray();
    }

    [Benchmark(Description = "marshal wl_surface.attach (oii)")]
    public int MarshalAttachBench() => MarshalAttach().Length;

    [Benchmark(Description = "marshal wl_registry.global (usu)")]
    public int MarshalGlobalBench() => MarshalGlobal().Length;

    [Benchmark(Description = "marshal wl_keyboard.enter (uoa)")]
    public int MarshalEnterBench() => MarshalEnter().Length;

    [Benchmark(Description = "demarshal wl_surface.attach (oii)")]
    public int DemarshalAttach() => Demarshal(_attachMessage, Attach);

    [Benchmark(Description = "demarshal wl_registry.global (usu)")]
    public int DemarshalGlobal()
    {
        Demarshal(_globalMessage, Global);
        MessageArguments args = new(_globalMessage, Global, _values, default);
        return args.GetStringUtf8(1).Length + (int)args.GetUInt(2);
    }

    [Benchmark(Description = "demarshal wl_keyboard.enter (uoa)")]
    public int DemarshalEnter() => Demarshal(_enterMessage, Enter);

    private ReadOnlySpan<byte> MarshalAttach()
    {
        MessageWriter writer = new(_buffer, 12, 1);
        writer.WriteObject(15);
        writer.WriteInt(0);
        writer.WriteInt(0);
        return writer.Finish();
    }

    private ReadOnlySpan<byte> MarshalGlobal()
    {
        MessageWriter writer = new(_buffer, 2, 0);
        writer.WriteUInt(7);
        writer.WriteString("zwp_linux_dmabuf_v1");
        writer.WriteUInt(4);
        return writer.Finish();
    }

    private ReadOnlySpan<byte> MarshalEnter()
    {
        MessageWriter writer = new(_buffer, 0xff000003, 1);
        writer.WriteUInt(1234);
        writer.WriteObject(12);
        writer.WriteArray(_keys);
        return writer.Finish();
    }

    private int Demarshal(byte[] message, MessageDescriptor descriptor)
    {
        WireParser.TryReadHeader(message, out MessageHeader header, out _);
        WireParser.ParseArguments(message, descriptor, 0, _values, out _);
        return header.Size + (int)_values[0].Value;
    }
}
