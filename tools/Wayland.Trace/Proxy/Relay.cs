using Wayland.Trace.Decoding;
using Wayland.Wire;

namespace Wayland.Trace.Proxy;

/// <summary>
/// One direction of a proxied connection. Bytes are sent on exactly as received; descriptors go with the first byte
/// they came with (at most 28 per <c>sendmsg</c>, as libwayland sends them), so a receiver sees them no later than the
/// sender meant it to. Complete messages are decoded as they arrive. Holds at most <see cref="Capacity"/> bytes: when
/// the destination does not read, the source is not read either (as if there were no proxy). Allocates nothing.
/// </summary>
internal sealed class Relay
{
    /// <summary>Bytes buffered per direction; more than any message (65535) so decoding always progresses.</summary>
    public const int Capacity = 256 * 1024;

    private readonly byte[] _buffer = new byte[Capacity];
    private readonly bool _request;
    private int[] _fds = new int[64];
    private int _fdHead;
    private int _fdCount;
    private Segment[] _segments = new Segment[16];
    private int _segmentHead;
    private int _segmentCount;
    private int _sent;
    private int _decoded;
    private int _end;

    public Relay(bool request) => _request = request;

    /// <summary>Whether bytes are waiting to be sent.</summary>
    public bool HasPending => _sent < _end;

    /// <summary>Bytes waiting to be sent.</summary>
    public int PendingBytes => _end - _sent;

    /// <summary>The client process the descriptors held here are counted for (both directions count for the client:
    /// it sent them, or does not read them).</summary>
    public ProcessAccount? Account { get; set; }

    /// <summary>Descriptors held now: received and not sent on yet.</summary>
    public int HeldFds => _fdCount;

    /// <summary>The highest descriptor number the last <see cref="Receive"/> got; -1 when it got none.</summary>
    public int HighestFdReceived { get; private set; } = -1;

    /// <summary>Most descriptors held for a destination that does not read: past it the source is not read either,
    /// as for bytes, so one stalled peer cannot use up the proxy's descriptors.</summary>
    public const int MaxHeldFds = 1024;

    /// <summary>Whether a receive would find room (after compacting), for bytes and for descriptors.</summary>
    public bool HasRoom => _fdCount < MaxHeldFds && (_end < Capacity || Math.Min(_sent, _decoded) > 0);

    /// <summary>Whether received bytes are waiting to be decoded.</summary>
    public bool HasUndecoded => _decoded < _end;

    /// <summary>Receives once from <paramref name="source"/>; <see cref="Decode"/> decodes it (after it is sent on, so
    /// that decoding and printing stay off the forwarding path).</summary>
    /// <exception cref="WaylandIOException">The socket failed (the caller treats it as a hang-up).</exception>
    public ReceiveOutcome Receive(SafeFdHandle source, ConnectionTrace trace, Tracer tracer)
    {
        Compact();
        if (_end == Capacity || _fdCount >= MaxHeldFds)
        {
            // Also when woken by a hang-up, which epoll reports whether or not reading is asked for.
            return ReceiveOutcome.Full;
        }

        HighestFdReceived = -1;
        Span<int> fds = stackalloc int[UnixSocket.MaxFdsPerReceive];
        int received = UnixSocket.Receive(source, _buffer.AsSpan(_end), fds, out int fdCount);
        if (received < 0)
        {
            return ReceiveOutcome.WouldBlock;
        }

        if (received == 0)
        {
            return ReceiveOutcome.Closed;
        }

        if (fdCount > 0)
        {
            foreach (int fd in fds[..fdCount])
            {
                HighestFdReceived = Math.Max(HighestFdReceived, fd);
            }

            AddSegment(_end, fds[..fdCount]);
            trace.AddFds(_request, fds[..fdCount]);
        }

        _end += received;
        tracer.Summary.Passed(_request, received, fdCount);
        return ReceiveOutcome.Data;
    }

    /// <summary>Decodes (and prints) the messages completed by what was received; stamped with the current time.</summary>
    public void Decode(ConnectionTrace trace, Tracer tracer)
    {
        if (_decoded < _end)
        {
            tracer.Tick();
            _decoded += trace.Decode(_request, _buffer.AsSpan(_decoded, _end - _decoded));
        }
    }

    /// <summary>The source is gone: reports a message it left unfinished (call after <see cref="Decode"/>).</summary>
    public void EndOfInput(ConnectionTrace trace) => trace.End(_request, _buffer.AsSpan(_decoded, _end - _decoded));

    /// <summary>Sends what is pending to <paramref name="destination"/> until done or the socket is full.</summary>
    /// <returns>True when everything was sent.</returns>
    /// <exception cref="WaylandIOException">The destination is gone (EPIPE, ECONNRESET).</exception>
    public bool Send(SafeFdHandle destination)
    {
        Span<int> batch = stackalloc int[WireLimits.MaxFdsPerSend];
        while (_sent < _end)
        {
            int take = 0;
            int limit = _end;
            if (_segmentCount > 0)
            {
                ref Segment head = ref _segments[_segmentHead];
                // "<=": a batch of more than 28 fds goes out one byte per 28 and can overrun the position of the
                // batch after it, which then goes with the next byte instead of never.
                if (head.Position <= _sent)
                {
                    take = Math.Min(head.Count, WireLimits.MaxFdsPerSend);
                    for (int i = 0; i < take; i++)
                    {
                        batch[i] = _fds[(_fdHead + i) % _fds.Length];
                    }

                    // A full batch goes with a single byte, as libwayland sends it; otherwise up to the next batch.
                    limit = head.Count > WireLimits.MaxFdsPerSend ? _sent + 1
                        : _segmentCount > 1 ? _segments[(_segmentHead + 1) % _segments.Length].Position
                        : _end;
                }
                else
                {
                    limit = head.Position;
                }

                limit = Math.Max(limit, _sent + 1);
            }

            int sent = UnixSocket.Send(destination, _buffer.AsSpan(_sent, limit - _sent), batch[..take]);
            if (sent < 0)
            {
                return false;
            }

            if (take > 0)
            {
                ReleaseFds(take);
                ref Segment head = ref _segments[_segmentHead];
                head.Count -= take;
                if (head.Count == 0)
                {
                    _segmentHead = (_segmentHead + 1) % _segments.Length;
                    _segmentCount--;
                }
                else
                {
                    head.Position = _sent + sent;
                }
            }

            _sent += sent;
        }

        return true;
    }

    /// <summary>Drops what is pending (the destination is gone) and closes the descriptors held.</summary>
    public void Discard()
    {
        ReleaseFds(_fdCount);
        _segmentCount = 0;
        _sent = _end;
    }

    private void ReleaseFds(int count)
    {
        for (int i = 0; i < count; i++)
        {
            int index = (_fdHead + i) % _fds.Length;
            SafeFdHandle.CloseAll(_fds.AsSpan(index, 1));
        }

        _fdHead = (_fdHead + count) % _fds.Length;
        _fdCount -= count;
        if (Account is not null)
        {
            Account.HeldFds -= count;
        }
    }

    private void AddSegment(int position, ReadOnlySpan<int> fds)
    {
        if (_fdCount + fds.Length > _fds.Length)
        {
            int[] larger = new int[Math.Max(_fds.Length * 2, _fdCount + fds.Length)];
            for (int i = 0; i < _fdCount; i++)
            {
                larger[i] = _fds[(_fdHead + i) % _fds.Length];
            }

            _fds = larger;
            _fdHead = 0;
        }

        foreach (int fd in fds)
        {
            _fds[(_fdHead + _fdCount) % _fds.Length] = fd;
            _fdCount++;
        }

        if (Account is not null)
        {
            Account.HeldFds += fds.Length;
        }

        if (_segmentCount == _segments.Length)
        {
            Segment[] larger = new Segment[_segments.Length * 2];
            for (int i = 0; i < _segmentCount; i++)
            {
                larger[i] = _segments[(_segmentHead + i) % _segments.Length];
            }

            _segments = larger;
            _segmentHead = 0;
        }

        _segments[(_segmentHead + _segmentCount) % _segments.Length] = new Segment { Position = position, Count = fds.Length };
        _segmentCount++;
    }

    /// <summary>Moves the bytes still needed (unsent or undecoded) to the front when the tail gets short.</summary>
    private void Compact()
    {
        int keep = Math.Min(_sent, _decoded);
        if (keep > 0 && keep == _end)
        {
            _sent = _decoded = _end = 0;
            return;
        }

        if (keep == 0 || Capacity - _end >= ConnectionTrace.MaxMessageSize)
        {
            return;
        }

        _buffer.AsSpan(keep, _end - keep).CopyTo(_buffer);
        _sent -= keep;
        _decoded -= keep;
        _end -= keep;
        for (int i = 0; i < _segmentCount; i++)
        {
            _segments[(_segmentHead + i) % _segments.Length].Position -= keep;
        }
    }

    /// <summary>Descriptors received with the byte at <see cref="Position"/>.</summary>
    private struct Segment
    {
        public int Position;
        public int Count;
    }
}

/// <summary>What one receive found.</summary>
internal enum ReceiveOutcome
{
    Data,
    WouldBlock,
    Closed,
    Full,
}
