using System.Runtime.InteropServices;
using Wayland.Interop;

namespace Wayland.Wire.Tests;

/// <summary>
/// File descriptors across a socketpair: every one arrives, in order, naming the same file (device and
/// inode compared), and no descriptor is leaked on either side.
/// </summary>
public class ConnectionFdPassingTests
{
    private static readonly MessageDescriptor IndexedFd = new("indexed_fd", 0, 1,
        [new ArgumentDescriptor("index", ArgumentType.UInt), new ArgumentDescriptor("fd", ArgumentType.Fd)]);

    private static SafeFdHandle NewMemfd(string name = "wayland-test")
    {
        int fd = FileOps.MemfdCreate(name, Native.MFD_CLOEXEC, out int errno);
        Assert.True(fd >= 0, $"memfd_create failed: errno {errno}");
        return new SafeFdHandle(fd);
    }

    private static (Connection Sender, Connection Receiver) Pair(int senderMax = WireLimits.DefaultBufferSize, int receiverMax = WireLimits.DefaultBufferSize)
    {
        (SafeFdHandle a, SafeFdHandle b) = UnixSocket.CreatePair();
        return (new Connection(a, senderMax), new Connection(b, receiverMax));
    }

    /// <summary>The message of <see cref="EnqueueIndexedFd"/>, carrying <paramref name="handle"/> by reference.</summary>
    private static bool EnqueueIndexedHandle(Connection connection, uint index, SafeHandle handle)
    {
        Span<byte> buffer = stackalloc byte[16];
        Span<int> fds = stackalloc int[1];
        MessageWriter writer = new(buffer, 7, 0, fds);
        writer.WriteUInt(index);
        writer.WriteFd((int)handle.DangerousGetHandle());
        return connection.TryEnqueueHandles(writer.Finish(), [handle]);
    }

    private static bool EnqueueIndexedFd(Connection connection, uint index, int fd)
    {
        Span<byte> buffer = stackalloc byte[16];
        Span<int> fds = stackalloc int[1];
        MessageWriter writer = new(buffer, 7, 0, fds);
        writer.WriteUInt(index);
        writer.WriteFd(fd);
        return connection.TryEnqueue(writer.Finish(), writer.Fds);
    }

    /// <summary>Reads everything available and checks each message's fd against the expected identity.</summary>
    private static int Drain(Connection receiver, List<(ulong, ulong)> identities, ref int next)
    {
        int reads = 0;
        Span<ArgumentValue> values = stackalloc ArgumentValue[2];
        Span<int> fds = stackalloc int[1];
        while (true)
        {
            ReadResult result = receiver.Read();
            if (result is ReadResult.WouldBlock or ReadResult.Closed)
            {
                return reads;
            }

            reads++;
            while (receiver.TryPeekMessage(out MessageHeader header, out ReadOnlySpan<byte> message, out _) == ParseStatus.Complete)
            {
                ParseStatus status = WireParser.ParseArguments(message, IndexedFd, receiver.IncomingFds, values, out MalformedReason reason);
                Assert.True(status == ParseStatus.Complete, $"message {next}: {status} {reason}");
                receiver.TakeFds(fds);
                MessageArguments args = new(message, IndexedFd, values, fds);
                Assert.Equal((uint)next, args.GetUInt(0));
                using (SafeFdHandle fd = args.TakeFd(1))
                {
                    Assert.Equal(identities[next], TestSupport.Identity(fd.Fd));
                }

                args.CloseUnclaimedFds();
                receiver.Consume(header.Size);
                next++;
            }
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(28, false)]
    [InlineData(29, false)]
    [InlineData(2000, false)]
    [InlineData(1, true)]
    [InlineData(29, true)]
    [InlineData(2000, true)]
    public void Descriptors_arrive_in_order_as_the_same_files(int count, bool byHandle)
    {
        using FdLeakCheck leaks = new();
        (Connection sender, Connection receiver) = Pair();
        using (sender)
        using (receiver)
        {
            List<(ulong, ulong)> identities = [];
            int received = 0;
            for (int i = 0; i < count; i++)
            {
                using SafeFdHandle memfd = NewMemfd();
                identities.Add(TestSupport.Identity(memfd.Fd));
                while (!(byHandle ? EnqueueIndexedHandle(sender, (uint)i, memfd) : EnqueueIndexedFd(sender, (uint)i, memfd.Fd)))
                {
                    // Our buffer (or the socket) is full: let the receiver catch up, then retry.
                    sender.Flush();
                    Drain(receiver, identities, ref received);
                }

                // The caller keeps its own descriptor: it is still open and still the same file. (By handle, the
                // caller disposes it now, with the message still queued: it must stay open until it is sent.)
                Assert.Equal(identities[i], TestSupport.Identity(memfd.Fd));
            }

            while (sender.Flush() == FlushResult.WouldBlock || received < count)
            {
                Drain(receiver, identities, ref received);
            }

            Assert.Equal(count, received);
            Assert.Equal(0, sender.OutgoingFds);
            Assert.Equal(0, receiver.IncomingFds);
        }
    }

    [Fact]
    public void Descriptors_travel_with_the_bytes_of_their_messages_at_most_28_per_sendmsg()
    {
        using FdLeakCheck leaks = new();
        (Connection sender, Connection receiver) = Pair();
        using (sender)
        using (receiver)
        using (SafeFdHandle memfd = NewMemfd())
        {
            for (int i = 0; i < 30; i++)
            {
                Assert.True(EnqueueIndexedFd(sender, (uint)i, memfd.Fd));
            }

            Assert.Equal(FlushResult.Complete, sender.Flush());

            // A recvmsg stops after the bytes that came with descriptors: each read shows one sendmsg. The first
            // carries the first 28 messages with their 28 descriptors, the second the last two with theirs.
            Assert.Equal(ReadResult.Data, receiver.Read());
            Assert.Equal(28 * 12, receiver.IncomingBytes.Length);
            Assert.Equal(28, receiver.IncomingFds);
            Assert.Equal(ReadResult.Data, receiver.Read());
            Assert.Equal(30 * 12, receiver.IncomingBytes.Length);
            Assert.Equal(30, receiver.IncomingFds);
        }
    }

    [Fact]
    public void A_read_reports_the_highest_descriptor_number_it_received()
    {
        using FdLeakCheck leaks = new();
        (Connection sender, Connection receiver) = Pair();
        using (sender)
        using (receiver)
        using (SafeFdHandle memfd = NewMemfd())
        {
            Assert.Equal(-1, receiver.HighestFdReceived);
            for (int i = 0; i < 3; i++)
            {
                Assert.True(EnqueueIndexedFd(sender, (uint)i, memfd.Fd));
            }

            Assert.Equal(FlushResult.Complete, sender.Flush());
            Assert.Equal(ReadResult.Data, receiver.Read());
            Span<int> fds = stackalloc int[3];
            receiver.TakeFds(fds);
            int highest = Math.Max(fds[0], Math.Max(fds[1], fds[2]));
            FdList.CloseAll(fds);
            Assert.Equal(highest, receiver.HighestFdReceived);

            // A read with no descriptors, and one that finds nothing, report none.
            sender.Enqueue(new byte[] { 1, 0, 0, 0, 0, 0, 8, 0 }, []);
            Assert.Equal(FlushResult.Complete, sender.Flush());
            Assert.Equal(ReadResult.Data, receiver.Read());
            Assert.Equal(-1, receiver.HighestFdReceived);
            Assert.Equal(ReadResult.WouldBlock, receiver.Read());
            Assert.Equal(-1, receiver.HighestFdReceived);
        }
    }

    [Fact]
    public void Up_to_28_descriptors_and_the_bytes_after_them_go_in_one_sendmsg()
    {
        using FdLeakCheck leaks = new();
        (Connection sender, Connection receiver) = Pair();
        using (sender)
        using (receiver)
        using (SafeFdHandle memfd = NewMemfd())
        {
            for (int i = 0; i < 28; i++)
            {
                Assert.True(EnqueueIndexedFd(sender, (uint)i, memfd.Fd));
                sender.Enqueue([1, 0, 0, 0, 0, 0, 8, 0], []); // a request without descriptors in between
            }

            Assert.Equal(FlushResult.Complete, sender.Flush());
            Assert.Equal(ReadResult.Data, receiver.Read());
            Assert.Equal(28 * (12 + 8), receiver.IncomingBytes.Length);
            Assert.Equal(28, receiver.IncomingFds);
            receiver.CloseFds(28);
        }
    }

    [Fact]
    public void A_message_whose_descriptors_would_straddle_a_batch_waits_for_the_next_sendmsg_with_all_of_them()
    {
        using FdLeakCheck leaks = new();
        (Connection sender, Connection receiver) = Pair();
        using (sender)
        using (receiver)
        using (SafeFdHandle memfd = NewMemfd())
        {
            // Ten messages of three descriptors: the tenth's would be 28 to 30, so the first sendmsg stops after
            // the ninth (27 descriptors).
            Span<byte> buffer = stackalloc byte[8];
            Span<int> fds = stackalloc int[3];
            for (int i = 0; i < 10; i++)
            {
                MessageWriter writer = new(buffer, 7, 1, fds);
                writer.WriteFd(memfd.Fd);
                writer.WriteFd(memfd.Fd);
                writer.WriteFd(memfd.Fd);
                sender.Enqueue(writer.Finish(), writer.Fds);
            }

            Assert.Equal(FlushResult.Complete, sender.Flush());
            Assert.Equal(ReadResult.Data, receiver.Read());
            Assert.Equal(9 * 8, receiver.IncomingBytes.Length);
            Assert.Equal(27, receiver.IncomingFds);
            Assert.Equal(ReadResult.Data, receiver.Read());
            Assert.Equal(10 * 8, receiver.IncomingBytes.Length);
            Assert.Equal(30, receiver.IncomingFds);
            receiver.CloseFds(30);
        }
    }

    [Fact]
    public void Unclaimed_received_descriptors_are_closed_on_dispose()
    {
        using FdLeakCheck leaks = new();
        (Connection sender, Connection receiver) = Pair();
        using SafeFdHandle memfd = NewMemfd();
        for (int i = 0; i < 10; i++)
        {
            Assert.True(EnqueueIndexedFd(sender, (uint)i, memfd.Fd));
        }

        sender.Flush();
        Assert.Equal(ReadResult.Data, receiver.Read());
        Assert.Equal(10, receiver.IncomingFds);
        receiver.CloseFds(3);
        Assert.Equal(7, receiver.IncomingFds);
        sender.Dispose();
        receiver.Dispose();
    }

    [Fact]
    public void Queued_outgoing_descriptors_are_closed_on_dispose()
    {
        using FdLeakCheck leaks = new();
        (Connection sender, Connection receiver) = Pair();
        using SafeFdHandle memfd = NewMemfd();
        for (int i = 0; i < 5; i++)
        {
            Assert.True(EnqueueIndexedFd(sender, (uint)i, memfd.Fd));
        }

        Assert.Equal(5, sender.OutgoingFds);
        sender.Dispose();
        receiver.Dispose();
    }

    [Fact]
    public void A_handle_disposed_by_its_owner_while_queued_closes_only_after_it_is_sent()
    {
        using FdLeakCheck leaks = new();
        (Connection sender, Connection receiver) = Pair();
        using (sender)
        using (receiver)
        {
            SafeFdHandle memfd = NewMemfd($"borrowed-{Guid.NewGuid():N}");
            int fd = memfd.Fd;
            string? target = Wayland.Testing.OpenFds.TargetOf(fd);
            (ulong, ulong) identity = TestSupport.Identity(fd);
            Assert.True(EnqueueIndexedHandle(sender, 0, memfd));
            memfd.Dispose();
            Assert.False(memfd.IsClosed); // disposed, but the connection's reference keeps the descriptor open
            Assert.Equal(target, Wayland.Testing.OpenFds.TargetOf(fd));
            Assert.Equal(identity, TestSupport.Identity(fd));

            Assert.Equal(FlushResult.Complete, sender.Flush());
            Assert.True(memfd.IsClosed); // released with the last reference, right after sendmsg
            Assert.NotEqual(target, Wayland.Testing.OpenFds.TargetOf(fd));
            Assert.Equal(0, sender.OutgoingFds);

            int received = 0;
            Drain(receiver, [identity], ref received);
            Assert.Equal(1, received);
        }
    }

    [Fact]
    public void A_handle_its_owner_keeps_stays_open_after_it_is_sent()
    {
        using FdLeakCheck leaks = new();
        (Connection sender, Connection receiver) = Pair();
        using (sender)
        using (receiver)
        using (SafeFdHandle memfd = NewMemfd())
        {
            (ulong, ulong) identity = TestSupport.Identity(memfd.Fd);
            for (int i = 0; i < 3; i++)
            {
                Assert.True(EnqueueIndexedHandle(sender, (uint)i, memfd));
            }

            Assert.Equal(FlushResult.Complete, sender.Flush());
            Assert.False(memfd.IsClosed);
            Assert.Equal(identity, TestSupport.Identity(memfd.Fd));
            int received = 0;
            Drain(receiver, [identity, identity, identity], ref received);
            Assert.Equal(3, received);
        }
    }

    [Fact]
    public void Queued_handles_are_released_on_dispose_closing_those_their_owners_disposed()
    {
        using FdLeakCheck leaks = new();
        (Connection sender, Connection receiver) = Pair();
        SafeFdHandle disposed = NewMemfd($"borrowed-{Guid.NewGuid():N}");
        using SafeFdHandle kept = NewMemfd();
        int disposedFd = disposed.Fd;
        string? disposedTarget = Wayland.Testing.OpenFds.TargetOf(disposedFd);
        Assert.True(EnqueueIndexedHandle(sender, 0, disposed));
        Assert.True(EnqueueIndexedHandle(sender, 1, kept));
        disposed.Dispose();
        Assert.Equal(disposedTarget, Wayland.Testing.OpenFds.TargetOf(disposedFd));
        Assert.Equal(2, sender.OutgoingFds);

        sender.Dispose();
        receiver.Dispose();
        Assert.True(disposed.IsClosed);
        Assert.NotEqual(disposedTarget, Wayland.Testing.OpenFds.TargetOf(disposedFd));

        // The kept handle got back exactly the reference it lent: still open, and closed by its own Dispose.
        Assert.False(kept.IsClosed);
        bool added = false;
        kept.DangerousAddRef(ref added);
        kept.DangerousRelease();
        Assert.True(added);
    }

    [Fact]
    public void A_closed_or_invalid_handle_fails_at_enqueue_and_queues_nothing()
    {
        using FdLeakCheck leaks = new();
        (Connection sender, Connection receiver) = Pair();
        using (sender)
        using (receiver)
        {
            SafeFdHandle closed = NewMemfd();
            closed.Dispose();
            Assert.Throws<ObjectDisposedException>(() => EnqueueIndexedHandle(sender, 0, closed));
            // (MessageWriter already refuses a negative descriptor; the connection checks the handle on its own.)
            using SafeFdHandle invalid = new();
            byte[] message = new byte[12];
            MessageWriter writer = new(message, 7, 0, stackalloc int[1]);
            writer.WriteUInt(0);
            writer.Finish();
            WaylandIOException error = Assert.Throws<WaylandIOException>(() => sender.TryEnqueueHandles(message, [invalid]));
            Assert.Equal(Errno.EBADF, error.Errno);
            Assert.Equal(0, sender.OutgoingBytes);
            Assert.Equal(0, sender.OutgoingFds);
        }
    }

    [Fact]
    public void A_bad_descriptor_fails_at_enqueue_and_queues_nothing()
    {
        using FdLeakCheck leaks = new();
        (Connection sender, Connection receiver) = Pair();
        using (sender)
        using (receiver)
        {
            WaylandIOException error = Assert.Throws<WaylandIOException>(() => EnqueueIndexedFd(sender, 0, 19999));
            Assert.Equal(Errno.EBADF, error.Errno);
            Assert.Equal(0, sender.OutgoingBytes);
            Assert.Equal(0, sender.OutgoingFds);
        }
    }

    [Fact]
    public void Too_many_incoming_descriptors_fail_with_EOVERFLOW_and_are_closed()
    {
        using FdLeakCheck leaks = new();
        (Connection sender, Connection receiver) = Pair(senderMax: 0);
        using (sender)
        using (receiver)
        using (SafeFdHandle memfd = NewMemfd())
        {
            int limit = receiver.MaxBufferSize / sizeof(int);
            for (int i = 0; i < limit + 60; i++)
            {
                Assert.True(EnqueueIndexedFd(sender, (uint)i, memfd.Fd));
            }

            WaylandIOException? error = null;
            for (int round = 0; round < 1000 && error is null; round++)
            {
                sender.Flush();
                try
                {
                    if (receiver.Read() == ReadResult.Data)
                    {
                        // Consume the bytes but never take the fds, so they pile up.
                        receiver.Consume(receiver.IncomingBytes.Length / 12 * 12);
                    }
                }
                catch (WaylandIOException e)
                {
                    error = e;
                }
            }

            Assert.NotNull(error);
            Assert.Equal(Errno.EOVERFLOW, error.Errno);
            Assert.True(receiver.IncomingFds <= limit);
        }
    }
}
