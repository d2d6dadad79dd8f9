using BenchmarkDotNet.Attributes;
using Wayland.Wire;

namespace Wayland.Benchmarks;

/// <summary>
/// One message through the whole wire path over a socketpair: marshal, enqueue, sendmsg, recvmsg,
/// header peek, demarshal, consume. Batches of 64 per flush, as a client's frame of requests would be.
/// Reported per message; allocated bytes should be 0.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class ConnectionBenchmarks
{
    private const int Batch = 64;

    private static readonly MessageDescriptor Damage = new("damage_buffer", 9, 4,
        [new ArgumentDescriptor("x", ArgumentType.Int), new ArgumentDescriptor("y", ArgumentType.Int), new ArgumentDescriptor("width", ArgumentType.Int), new ArgumentDescriptor("height", ArgumentType.Int)]);

    private readonly byte[] _buffer = new byte[WireLimits.MaxMessageSize];
    private readonly ArgumentValue[] _values = new ArgumentValue[WireLimits.MaxArguments];
    private Connection _sender = null!;
    private Connection _receiver = null!;

    [GlobalSetup]
    public void Setup()
    {
        (SafeFdHandle a, SafeFdHandle b) = UnixSocket.CreatePair();
        _sender = new Connection(a, maxBufferSize: 0);
        _receiver = new Connection(b, maxBufferSize: 0);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender.Dispose();
        _receiver.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "socketpair: marshal+send+recv+demarshal (iiii)")]
    public int RoundTripBatch()
    {
        for (int i = 0; i < Batch; i++)
        {
            MessageWriter writer = new(_buffer, 12, 9);
            writer.WriteInt(i);
            writer.WriteInt(0);
            writer.WriteInt(256);
            writer.WriteInt(256);
            _sender.Enqueue(writer.Finish(), default);
        }

        _sender.Flush();
        int received = 0;
        int sum = 0;
        while (received < Batch)
        {
            _receiver.Read();
            while (_receiver.TryPeekMessage(out MessageHeader header, out ReadOnlySpan<byte> message, out _) == ParseStatus.Complete)
            {
                WireParser.ParseArguments(message, Damage, 0, _values, out _);
                sum += (int)_values[0].Value;
                _receiver.Consume(header.Size);
                received++;
            }
        }

        return sum;
    }
}
