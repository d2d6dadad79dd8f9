using System.Buffers;
using System.Text;

namespace Wayland.Trace.Output;

/// <summary>
/// Where trace lines go: a byte buffer written to a stream when it fills up and whenever <see cref="Flush"/> is called
/// (by the proxy after each batch of socket events for a terminal, on a short timer for a file or a pipe, and at exit).
/// One buffer for every connection, so lines keep their order. Writing allocates nothing.
/// </summary>
internal sealed class TraceOutput : IBufferWriter<byte>, IDisposable
{
    private const int Size = 64 * 1024;
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly byte[] _buffer = new byte[Size];
    private byte[]? _large;
    private int _count;

    public TraceOutput(Stream stream, bool ownsStream)
    {
        _stream = stream;
        _ownsStream = ownsStream;
    }

    /// <summary>Whether lines are waiting in the buffer.</summary>
    public bool HasPending => _count > 0;

    /// <summary>Set once a write failed (for example EPIPE when the reader went away, ENOSPC, or EBADF for a closed
    /// standard stream); later output is dropped.</summary>
    public Exception? Failure { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        Advance(bytes.Length);
    }

    public void Write(byte value)
    {
        GetSpan(1)[0] = value;
        Advance(1);
    }

    /// <summary>Writes ASCII or any other text (rare paths: summaries, warnings).</summary>
    public void Write(string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        int written = Encoding.UTF8.GetBytes(text, GetSpan(max));
        Advance(written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_large is not null)
        {
            throw new InvalidOperationException("GetSpan called twice without Advance");
        }

        if (Size - _count < sizeHint)
        {
            Flush();
            if (sizeHint > Size)
            {
                // One oversized write (a long string argument in hex); rare, so a temporary array is fine.
                _large = new byte[sizeHint];
                return _large;
            }
        }

        return _buffer.AsSpan(_count);
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        GetSpan(sizeHint);
        return _large ?? _buffer.AsMemory(_count);
    }

    public void Advance(int count)
    {
        if (_large is not null)
        {
            byte[] large = _large;
            _large = null;
            WriteToStream(large.AsSpan(0, count));
            return;
        }

        _count += count;
    }

    public void Flush()
    {
        if (_count > 0)
        {
            WriteToStream(_buffer.AsSpan(0, _count));
            _count = 0;
        }

        if (Failure is null)
        {
            try
            {
                _stream.Flush();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Failure = e;
            }
        }
    }

    public void Dispose()
    {
        Flush();
        if (_ownsStream)
        {
            try
            {
                _stream.Dispose();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A file stream writes what it still buffers: the failure is already recorded.
                Failure ??= e;
            }
        }
    }

    private void WriteToStream(ReadOnlySpan<byte> bytes)
    {
        if (Failure is not null)
        {
            return;
        }

        try
        {
            _stream.Write(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The trace reader is gone (a closed pipe), the disk is full, or the stream was closed before we started
            // (EBADF, thrown as UnauthorizedAccessException): keep proxying, stop writing.
            Failure = e;
        }
    }
}
