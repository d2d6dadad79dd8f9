using System.Runtime.InteropServices;
using Wayland.Interop;

namespace Wayland.Wire;

/// <summary>
/// Both directions of one Wayland connection over a non-blocking AF_UNIX stream socket: an outgoing byte
/// queue and fd queue flushed together with <c>sendmsg</c> (at most <see cref="WireLimits.MaxFdsPerSend"/>
/// descriptors per call), and an incoming byte queue and fd queue filled with <c>recvmsg</c>.
/// </summary>
/// <remarks>
/// Not thread-safe: the client and server libraries serialise access. Descriptors handed to
/// <see cref="Enqueue"/> as numbers are duplicated at once (the caller keeps
/// its own) and closed after they are sent; descriptors handed to <see cref="EnqueueHandles"/> are referenced instead,
/// and released after they are sent;
/// received descriptors belong to the connection until <see cref="TakeFds"/> hands them out, and are
/// closed on <see cref="Dispose"/> if nobody took them. Received descriptors form one queue, whatever message
/// they came with: as with libwayland, descriptors a peer sends with a message that carries none stay queued
/// and go to the next message that does (<see cref="MaxBufferSize"/> bounds how many may wait).
/// </remarks>
public sealed partial class Connection : IDisposable
{
    private readonly ByteBuffer _out = new(WireLimits.DefaultBufferSize);
    private readonly ByteBuffer _in = new(WireLimits.DefaultBufferSize);
    private readonly FdQueue _outFds = new();
    private readonly FdQueue _inFds = new();
    private long _sentBytes;
    private int _maxBufferSize;
    private bool _disposed;

    /// <summary>Takes ownership of a connected stream socket and makes it non-blocking.</summary>
    /// <param name="socket">A connected AF_UNIX SOCK_STREAM socket.</param>
    /// <param name="maxBufferSize">Largest size each buffer may grow to, in bytes; at least 4096, 0 for no limit.</param>
    /// <exception cref="WaylandIOException">The socket could not be made non-blocking.</exception>
    public Connection(SafeFdHandle socket, int maxBufferSize = WireLimits.DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ObjectDisposedException.ThrowIf(socket.IsClosed || socket.IsInvalid, socket);
        Socket = socket;
        MaxBufferSize = maxBufferSize;
        if (FileOps.SetNonBlocking(socket.Fd, true, out int errno) < 0)
        {
            throw new WaylandIOException(errno, "fcntl(O_NONBLOCK)");
        }
    }

    /// <summary>The socket.</summary>
    public SafeFdHandle Socket { get; }

    /// <summary>
    /// Largest size, in bytes, each of the incoming and outgoing buffers may grow to: at least 4096;
    /// 0 means unbounded. Descriptors queued in each direction are bounded to a quarter of it, as libwayland's fd
    /// rings are; when it is 0, outgoing descriptors are unbounded and received ones not yet taken are bounded to
    /// 1024 (<see cref="UnboundedMaxIncomingFds"/>), as many as libwayland's fixed 4096-byte ring held.
    /// </summary>
    public int MaxBufferSize
    {
        get => _maxBufferSize;
        set
        {
            if (value != 0 && value < WireLimits.DefaultBufferSize)
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "the maximum buffer size is 0 (unbounded) or at least 4096");
            }

            _maxBufferSize = value;
        }
    }

    /// <summary>Bytes waiting to be sent.</summary>
    public int OutgoingBytes => _out.Count;

    /// <summary>Descriptors waiting to be sent.</summary>
    public int OutgoingFds => _outFds.Count;

    /// <summary>Received bytes not yet consumed.</summary>
    public ReadOnlySpan<byte> IncomingBytes => _in.Data;

    /// <summary>Received descriptors not yet taken.</summary>
    public int IncomingFds => _inFds.Count;

    /// <summary>
    /// The highest descriptor number the last <see cref="Read"/> received, or -1 when it received none. The kernel
    /// gives each new descriptor the lowest free number, so every number below it was in use at that moment: a
    /// server compares it with its descriptor limit to see how full the process's table is, at no cost.
    /// </summary>
    public int HighestFdReceived { get; private set; } = -1;

    /// <summary>Descriptors sent so far, over the connection's life (flushes that <see cref="TryEnqueue"/> makes to
    /// find room included).</summary>
    public long FdsSent { get; private set; }

    /// <summary>Most received descriptors not yet taken when <see cref="MaxBufferSize"/> is 0 (unbounded): a peer
    /// that sends descriptors with messages that carry none cannot fill the process's descriptor table.</summary>
    public const int UnboundedMaxIncomingFds = 1024;

    private int MaxFds => _maxBufferSize == 0 ? int.MaxValue : _maxBufferSize / sizeof(int);

    private int MaxIncomingFds => _maxBufferSize == 0 ? UnboundedMaxIncomingFds : _maxBufferSize / sizeof(int);

    /// <summary>Queues one encoded message and its descriptors (which are duplicated now).</summary>
    /// <returns>False, with nothing queued, when the message does not fit even after trying to flush
    /// and growing the buffer to <see cref="MaxBufferSize"/>.</returns>
    /// <exception cref="WaylandIOException">Duplicating a descriptor failed, or the flush attempt hit a fatal socket error.</exception>
    public bool TryEnqueue(ReadOnlySpan<byte> message, ReadOnlySpan<int> fds)
    {
        if (!MakeRoom(message, fds.Length))
        {
            return false;
        }

        Span<int> duplicates = stackalloc int[WireLimits.MaxArguments];
        duplicates = duplicates[..fds.Length];
        duplicates.Fill(-1);
        for (int i = 0; i < fds.Length; i++)
        {
            duplicates[i] = FileOps.DupCloexec(fds[i], out int errno);
            if (duplicates[i] < 0)
            {
                FdList.CloseAll(duplicates);
                throw new WaylandIOException(errno, "dup", $"cannot duplicate fd {fds[i]} for sending: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }

        long start = Append(message);
        int highest = -1;
        foreach (int fd in duplicates)
        {
            _outFds.Enqueue(fd, start);
            highest = Math.Max(highest, fd);
        }

        HighestFdDuplicated = highest;
        return true;
    }

    /// <summary>
    /// The highest descriptor number the last <see cref="TryEnqueue"/> (or <see cref="Enqueue"/>) that queued a
    /// message made by duplicating, or -1 when it duplicated none. As with <see cref="HighestFdReceived"/>, every
    /// number below it was in use at that moment.
    /// </summary>
    public int HighestFdDuplicated { get; private set; } = -1;

    /// <summary>
    /// Queues one encoded message and the descriptors of <paramref name="handles"/> without duplicating them: the
    /// connection adds a reference on each handle (<see cref="SafeHandle.DangerousAddRef"/>) and releases it once the
    /// descriptor is sent, or when the connection is disposed. No system call per descriptor. The owner may dispose
    /// its handle at once: the descriptor is then closed when the connection releases it.
    /// </summary>
    /// <remarks>A handle that does not own its descriptor (<c>ownsHandle: false</c>) gives no such guarantee: whoever
    /// owns the descriptor must keep it open until it is flushed. Use <see cref="TryEnqueue"/>, which duplicates, for
    /// descriptors whose lifetime the caller does not control.</remarks>
    /// <returns>False, with nothing queued, when the message does not fit even after trying to flush
    /// and growing the buffer to <see cref="MaxBufferSize"/>.</returns>
    /// <exception cref="ObjectDisposedException">A handle is closed.</exception>
    /// <exception cref="WaylandIOException">A handle is invalid (EBADF), or the flush attempt hit a fatal socket error.</exception>
    public bool TryEnqueueHandles(ReadOnlySpan<byte> message, ReadOnlySpan<SafeHandle> handles)
    {
        for (int i = 0; i < handles.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(handles[i], nameof(handles));
            if (handles[i].IsInvalid)
            {
                throw new WaylandIOException(Errno.EBADF, "sendmsg", $"cannot send descriptor {i} of the message: its handle is invalid");
            }
        }

        if (!MakeRoom(message, handles.Length))
        {
            return false;
        }

        int added = 0;
        try
        {
            for (; added < handles.Length; added++)
            {
                bool success = false;
                handles[added].DangerousAddRef(ref success);
            }
        }
        catch
        {
            for (int i = 0; i < added; i++)
            {
                handles[i].DangerousRelease();
            }

            throw;
        }

        long start = Append(message);
        foreach (SafeHandle handle in handles)
        {
            _outFds.Enqueue((int)handle.DangerousGetHandle(), start, handle);
        }

        return true;
    }

    /// <summary>Queues one encoded message and its descriptors (which are duplicated now).</summary>
    /// <exception cref="WaylandException">The outgoing buffer is full and could not be flushed.</exception>
    /// <exception cref="WaylandIOException">Duplicating a descriptor failed, or flushing hit a fatal socket error.</exception>
    public void Enqueue(ReadOnlySpan<byte> message, ReadOnlySpan<int> fds)
    {
        if (!TryEnqueue(message, fds))
        {
            ThrowFull(message.Length);
        }
    }

    /// <summary>Queues one encoded message and the descriptors of <paramref name="handles"/>, referenced until they
    /// are sent (see <see cref="TryEnqueueHandles"/>).</summary>
    /// <exception cref="ObjectDisposedException">A handle is closed.</exception>
    /// <exception cref="WaylandException">The outgoing buffer is full and could not be flushed.</exception>
    /// <exception cref="WaylandIOException">A handle is invalid (EBADF), or flushing hit a fatal socket error.</exception>
    public void EnqueueHandles(ReadOnlySpan<byte> message, ReadOnlySpan<SafeHandle> handles)
    {
        if (!TryEnqueueHandles(message, handles))
        {
            ThrowFull(message.Length);
        }
    }

    /// <summary>
    /// Sends what is queued, the descriptors in the same <c>sendmsg</c> calls as the bytes. Each call carries at
    /// most <see cref="WireLimits.MaxFdsPerSend"/> descriptors, the most a libwayland peer receives at once, and
    /// never the bytes of a message whose descriptors wait for a later call: a receiver always has a message's
    /// descriptors once it has the message. Up to 28 queued descriptors therefore cost a single <c>sendmsg</c>.
    /// </summary>
    /// <returns><see cref="FlushResult.WouldBlock"/> when the socket is full (not an error).</returns>
    /// <exception cref="WaylandIOException">A fatal socket error, such as EPIPE when the peer is gone.</exception>
    public FlushResult Flush()
    {
        ThrowIfDisposed();
        Span<int> batch = stackalloc int[WireLimits.MaxFdsPerSend];
        while (_out.Count > 0)
        {
            int fdCount = Math.Min(_outFds.Count, WireLimits.MaxFdsPerSend);
            int length = _out.Count;
            if (_outFds.Count > fdCount)
            {
                // Stop before the message of the first descriptor left for the next call, and keep that message's
                // descriptors together (a message carries at most MaxArguments < MaxFdsPerSend of them).
                long next = _outFds.TagAt(fdCount);
                while (fdCount > 1 && _outFds.TagAt(fdCount - 1) == next)
                {
                    fdCount--;
                }

                length = (int)(next - _sentBytes);
            }

            _outFds.Peek(batch[..fdCount]);
            nint sent = SocketIO.Send(Socket.Fd, _out.Data[..length], batch[..fdCount], out int errno);
            if (sent < 0)
            {
                if (errno == Errno.EAGAIN)
                {
                    return FlushResult.WouldBlock;
                }

                throw new WaylandIOException(errno, "sendmsg");
            }

            // Once one byte is sent, all the batch's descriptors are.
            _outFds.CloseFirst(fdCount);
            FdsSent += fdCount;
            _out.Consume((int)sent);
            _sentBytes += sent;
        }

        return FlushResult.Complete;
    }

    /// <summary>Receives whatever is available into the incoming queues.</summary>
    /// <exception cref="WaylandIOException">A socket error, control data truncated by the kernel, or more
    /// descriptors than the incoming fd queue may hold (EOVERFLOW; the excess is closed).</exception>
    public ReadResult Read()
    {
        ThrowIfDisposed();
        HighestFdReceived = -1;
        // Prefer a whole page of room (compacting or growing within the limit), else take what is left.
        if (!_in.Reserve(WireLimits.DefaultBufferSize, _maxBufferSize) && !_in.Reserve(1, _maxBufferSize))
        {
            return ReadResult.BufferFull;
        }

        Span<int> fds = stackalloc int[253];
        nint received = SocketIO.Receive(Socket.Fd, _in.FreeSpace, fds, out int fdCount, out bool truncated, out bool overflow, out int errno);
        if (received < 0)
        {
            return errno == Errno.EAGAIN ? ReadResult.WouldBlock : throw new WaylandIOException(errno, "recvmsg");
        }

        fds = fds[..fdCount];
        if (truncated || overflow || _inFds.Count + fdCount > MaxIncomingFds)
        {
            FdList.CloseAll(fds);
            throw new WaylandIOException(Errno.EOVERFLOW, "recvmsg",
                truncated ? "recvmsg: control data was truncated; received descriptors were lost"
                : $"recvmsg: too many descriptors received: {_inFds.Count} waiting for their messages and {fdCount} more, above the limit of {MaxIncomingFds}");
        }

        int highest = -1;
        foreach (int fd in fds)
        {
            _inFds.Enqueue(fd);
            highest = Math.Max(highest, fd);
        }

        HighestFdReceived = highest;

        _in.Commit((int)received);
        return received == 0 ? ReadResult.Closed : ReadResult.Data;
    }

    /// <summary>Looks at the first received message without consuming it.</summary>
    /// <param name="header">Its header, once 8 bytes are there.</param>
    /// <param name="message">The whole message (header included) when complete.</param>
    /// <param name="reason">Why it is malformed, when it is.</param>
    public ParseStatus TryPeekMessage(out MessageHeader header, out ReadOnlySpan<byte> message, out MalformedReason reason)
    {
        ReadOnlySpan<byte> data = _in.Data;
        ParseStatus status = WireParser.TryReadHeader(data, out header, out reason);
        message = status == ParseStatus.Complete ? data[..header.Size] : default;
        return status;
    }

    /// <summary>Drops <paramref name="size"/> received bytes (the message just handled).</summary>
    public void Consume(int size)
    {
        if ((uint)size > (uint)_in.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(size));
        }

        _in.Consume(size);
    }

    /// <summary>Hands the first <paramref name="destination"/>.Length received descriptors to the caller, who now owns them.</summary>
    public void TakeFds(Span<int> destination) => _inFds.Dequeue(destination);

    /// <summary>Closes the first <paramref name="count"/> received descriptors (for a discarded message, or all of
    /// them, <see cref="IncomingFds"/>, once the connection has failed).</summary>
    public void CloseFds(int count) => _inFds.CloseFirst(Math.Min(count, _inFds.Count));

    /// <summary>Closes queued descriptors in both directions and the socket.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _outFds.CloseAll();
        _inFds.CloseAll();
        Socket.Dispose();
    }

    /// <summary>Checks a message and makes room for it (flushing first, like libwayland); false when it does not fit.</summary>
    private bool MakeRoom(ReadOnlySpan<byte> message, int fds)
    {
        int bytes = message.Length;
        ThrowIfDisposed();
        if (bytes < WireLimits.HeaderSize)
        {
            throw new ArgumentException("a message is at least 8 bytes long", nameof(message));
        }

        if (fds > WireLimits.MaxArguments)
        {
            throw new ArgumentException($"a message carries at most {WireLimits.MaxArguments} descriptors", nameof(fds));
        }

        if (!HasRoom(bytes, fds))
        {
            // Like libwayland: try to make room by flushing before growing.
            Flush();
            if (!HasRoom(bytes, fds))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Appends the bytes of a message that fits; returns the stream position where it starts.</summary>
    private long Append(ReadOnlySpan<byte> message)
    {
        _out.Reserve(message.Length, _maxBufferSize);
        long start = _sentBytes + _out.Count;
        _out.Append(message);
        return start;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void ThrowFull(int length) =>
        throw new WaylandException(
            $"outgoing buffer full: {_out.Count} bytes and {_outFds.Count} fds are waiting for the peer to read, " +
            $"and a {length}-byte message does not fit within the maximum buffer size of {_maxBufferSize} bytes");

    private bool HasRoom(int bytes, int fds) =>
        (_maxBufferSize == 0 || _out.Count + bytes <= _maxBufferSize) && _outFds.Count + fds <= MaxFds;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
