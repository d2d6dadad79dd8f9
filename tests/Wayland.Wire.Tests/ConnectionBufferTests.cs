namespace Wayland.Wire.Tests;

/// <summary>Byte queues: EAGAIN is not an error, nothing is lost, full buffers fail clearly. Every test checks that
/// the descriptors it opened (socketpairs, queued fds) are all closed when it ends.</summary>
public sealed class ConnectionBufferTests : IDisposable
{
    private readonly FdLeakCheck _leaks = new();

    public void Dispose() => _leaks.Dispose();

    private static ReadOnlySpan<byte> Message(Span<byte> buffer, uint sequence, int padTo)
    {
        MessageWriter writer = new(buffer, 3, 1);
        writer.WriteUInt(sequence);
        writer.WriteArray(new byte[padTo]);
        return writer.Finish();
    }

    [Fact]
    public void Flush_reports_would_block_and_loses_nothing_when_the_peer_is_slow()
    {
        (SafeFdHandle a, SafeFdHandle b) = UnixSocket.CreatePair();
        using Connection sender = new(a, maxBufferSize: 0);
        using Connection receiver = new(b);
        Span<byte> buffer = stackalloc byte[WireLimits.MaxMessageSize];
        uint sent = 0;
        bool blocked = false;
        while (!blocked)
        {
            sender.Enqueue(Message(buffer, sent++, 1000), default);
            blocked = sender.Flush() == FlushResult.WouldBlock;
        }

        Assert.True(sender.OutgoingBytes > 0);
        uint next = 0;
        while (next < sent)
        {
            sender.Flush();
            ReadResult result = receiver.Read();
            Assert.NotEqual(ReadResult.Closed, result);
            while (receiver.TryPeekMessage(out MessageHeader header, out ReadOnlySpan<byte> message, out _) == ParseStatus.Complete)
            {
                Assert.Equal(next++, WireParser.ReadWord(message[8..]));
                receiver.Consume(header.Size);
            }
        }

        Assert.Equal(FlushResult.Complete, sender.Flush());
    }

    [Fact]
    public void Enqueue_fails_clearly_when_the_bounded_buffer_cannot_drain()
    {
        (SafeFdHandle a, SafeFdHandle b) = UnixSocket.CreatePair();
        using Connection sender = new(a, maxBufferSize: 8192);
        using Connection receiver = new(b);
        Span<byte> buffer = stackalloc byte[WireLimits.MaxMessageSize];
        WaylandException? error = null;
        for (uint i = 0; i < 100_000 && error is null; i++)
        {
            try
            {
                sender.Enqueue(Message(buffer, i, 2000), default);
            }
            catch (WaylandException e)
            {
                error = e;
            }
        }

        Assert.NotNull(error);
        Assert.Contains("outgoing buffer full", error.Message);
        Assert.True(sender.OutgoingBytes <= 8192);
    }

    [Fact]
    public void Read_reports_closed_after_the_peer_hangs_up()
    {
        (SafeFdHandle a, SafeFdHandle b) = UnixSocket.CreatePair();
        using Connection receiver = new(b);
        using (Connection sender = new(a))
        {
            Span<byte> buffer = stackalloc byte[64];
            sender.Enqueue(Message(buffer, 1, 4), default);
            sender.Flush();
        }

        Assert.Equal(ReadResult.Data, receiver.Read());
        Assert.Equal(ReadResult.Closed, receiver.Read());
        Assert.Equal(ParseStatus.Complete, receiver.TryPeekMessage(out _, out _, out _));
    }

    [Fact]
    public void Flush_to_a_closed_peer_throws_EPIPE_instead_of_raising_SIGPIPE()
    {
        (SafeFdHandle a, SafeFdHandle b) = UnixSocket.CreatePair();
        using Connection sender = new(a);
        b.Dispose();
        Span<byte> buffer = stackalloc byte[64];
        sender.Enqueue(Message(buffer, 1, 4), default);
        WaylandIOException error = Assert.Throws<WaylandIOException>(() => sender.Flush());
        Assert.Equal(Interop.Errno.EPIPE, error.Errno);
    }

    [Fact]
    public void The_incoming_buffer_reports_full_instead_of_growing_past_its_limit()
    {
        (SafeFdHandle a, SafeFdHandle b) = UnixSocket.CreatePair();
        using Connection sender = new(a, maxBufferSize: 0);
        using Connection receiver = new(b);
        Span<byte> buffer = stackalloc byte[WireLimits.MaxMessageSize];
        for (uint i = 0; i < 10; i++)
        {
            sender.Enqueue(Message(buffer, i, 1000), default);
        }

        sender.Flush();
        ReadResult result;
        do
        {
            result = receiver.Read();
        }
        while (result == ReadResult.Data);

        Assert.Equal(ReadResult.BufferFull, result);
        Assert.Equal(WireLimits.DefaultBufferSize, receiver.IncomingBytes.Length);
    }

    [Fact]
    public void Maximum_buffer_size_below_4096_is_rejected()
    {
        (SafeFdHandle a, SafeFdHandle b) = UnixSocket.CreatePair();
        using Connection connection = new(a);
        b.Dispose();
        Assert.Throws<ArgumentOutOfRangeException>(() => connection.MaxBufferSize = 100);
        connection.MaxBufferSize = 0;
        Assert.Equal(0, connection.MaxBufferSize);
    }
}
