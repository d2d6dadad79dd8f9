using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace Wayland.Wire;

/// <summary>
/// Encodes one message into a caller-supplied span: header (sender id, then <c>size &lt;&lt; 16 | opcode</c>),
/// then each argument 4-byte aligned, in host byte order. File descriptors are not written into the bytes;
/// they are collected into a caller-supplied span, in message order, to travel as SCM_RIGHTS.
/// Allocates nothing.
/// </summary>
public ref struct MessageWriter
{
    private readonly Span<byte> _buffer;
    private readonly Span<int> _fds;
    private int _position;
    private int _fdCount;

    /// <summary>Starts a message addressed to <paramref name="objectId"/>.</summary>
    /// <param name="buffer">Where the bytes go; <see cref="WireLimits.MaxMessageSize"/> bytes is always enough.</param>
    /// <param name="objectId">Sender (for events) or target (for requests) object id.</param>
    /// <param name="opcode">Message opcode.</param>
    /// <param name="fds">Where fd arguments are recorded (borrowed: the caller keeps ownership).</param>
    public MessageWriter(Span<byte> buffer, uint objectId, ushort opcode, Span<int> fds = default)
    {
        if (buffer.Length < WireLimits.HeaderSize)
        {
            ThrowTooLarge(WireLimits.HeaderSize, buffer.Length);
        }

        _buffer = buffer;
        _fds = fds;
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, 0);
        WriteHost(buffer, objectId);
        WriteHost(buffer[4..], opcode);
        _position = WireLimits.HeaderSize;
        _fdCount = 0;
    }

    /// <summary>Bytes written so far, header included.</summary>
    public readonly int Length => _position;

    /// <summary>File descriptors recorded so far.</summary>
    public readonly ReadOnlySpan<int> Fds => _fds[.._fdCount];

    /// <summary>Writes a signed integer.</summary>
    public void WriteInt(int value) => WriteHost(Reserve(4), unchecked((uint)value));

    /// <summary>Writes an unsigned integer.</summary>
    public void WriteUInt(uint value) => WriteHost(Reserve(4), value);

    /// <summary>Writes a 24.8 fixed-point number.</summary>
    public void WriteFixed(Fixed value) => WriteHost(Reserve(4), unchecked((uint)value.Raw));

    /// <summary>Writes an object id (0 for null).</summary>
    public void WriteObject(uint objectId) => WriteHost(Reserve(4), objectId);

    /// <summary>Writes the id of an object this message creates.</summary>
    public void WriteNewId(uint objectId) => WriteHost(Reserve(4), objectId);

    /// <summary>Writes an untyped new_id: interface name, version, id (as <c>wl_registry.bind</c> does).</summary>
    public void WriteUntypedNewId(ReadOnlySpan<char> interfaceName, uint version, uint objectId)
    {
        WriteString(interfaceName);
        WriteUInt(version);
        WriteNewId(objectId);
    }

    /// <summary>Writes a string (null writes the null string, length 0).</summary>
    /// <exception cref="ArgumentException">The string contains a NUL character.</exception>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteNullString();
        }
        else
        {
            WriteString(value.AsSpan());
        }
    }

    /// <summary>Writes a non-null string, encoded as UTF-8 with a terminating NUL.</summary>
    /// <exception cref="ArgumentException">The string contains a NUL character.</exception>
    public void WriteString(ReadOnlySpan<char> value)
    {
        if (value.Contains('\0'))
        {
            ThrowEmbeddedNul();
        }

        int maxBytes = Encoding.UTF8.GetMaxByteCount(value.Length);
        int utf8Length = maxBytes <= _buffer.Length - _position - 4 ? -1 : Encoding.UTF8.GetByteCount(value);
        Span<byte> available = _buffer[Math.Min(_position + 4, _buffer.Length)..];
        if (utf8Length < 0)
        {
            utf8Length = Encoding.UTF8.GetBytes(value, available);
        }
        else
        {
            EnsureRoom(4 + Pad(utf8Length + 1));
            Encoding.UTF8.GetBytes(value, available);
        }

        FinishString(utf8Length);
    }

    /// <summary>Writes a non-null string given as UTF-8 bytes (without the terminating NUL).</summary>
    /// <exception cref="ArgumentException">The bytes contain a NUL.</exception>
    public void WriteStringUtf8(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Contains((byte)0))
        {
            ThrowEmbeddedNul();
        }

        EnsureRoom(4 + Pad(utf8.Length + 1));
        utf8.CopyTo(_buffer[(_position + 4)..]);
        FinishString(utf8.Length);
    }

    /// <summary>Writes the null string (length 0, no bytes).</summary>
    public void WriteNullString() => WriteHost(Reserve(4), 0);

    /// <summary>Writes a byte array.</summary>
    public void WriteArray(ReadOnlySpan<byte> value)
    {
        int padded = Pad(value.Length);
        Span<byte> target = Reserve(4 + padded);
        WriteHost(target, (uint)value.Length);
        value.CopyTo(target[4..]);
        target[(4 + value.Length)..].Clear();
    }

    /// <summary>Records a file descriptor argument (no bytes on the wire). The descriptor is borrowed.</summary>
    /// <exception cref="InvalidOperationException">No fd span was supplied, or it is full.</exception>
    public void WriteFd(int fd)
    {
        if (_fdCount >= _fds.Length)
        {
            throw new InvalidOperationException("the writer was given no room for this file descriptor");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(fd);
        _fds[_fdCount++] = fd;
    }

    /// <summary>Patches the size into the header and returns the encoded message.</summary>
    public readonly ReadOnlySpan<byte> Finish()
    {
        uint word = ReadHost(_buffer[4..]);
        WriteHost(_buffer[4..], ((uint)_position << 16) | (word & 0xffff));
        return _buffer[.._position];
    }

    /// <summary>Size of <paramref name="length"/> bytes rounded up to a multiple of 4.</summary>
    public static int Pad(int length) => (length + 3) & ~3;

    private void FinishString(int utf8Length)
    {
        int total = utf8Length + 1;
        Span<byte> target = Reserve(4 + Pad(total));
        WriteHost(target, (uint)total);
        target[(4 + utf8Length)..].Clear();
    }

    private readonly void EnsureRoom(int count)
    {
        int end = _position + count;
        if (end > _buffer.Length || end > WireLimits.MaxMessageSize)
        {
            ThrowTooLarge(end, Math.Min(_buffer.Length, WireLimits.MaxMessageSize));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int count)
    {
        EnsureRoom(count);
        Span<byte> slice = _buffer.Slice(_position, count);
        _position += count;
        return slice;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WriteHost(Span<byte> target, uint value)
    {
        if (BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(target, value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32BigEndian(target, value);
        }
    }

    private static uint ReadHost(ReadOnlySpan<byte> source) => BitConverter.IsLittleEndian
        ? BinaryPrimitives.ReadUInt32LittleEndian(source)
        : BinaryPrimitives.ReadUInt32BigEndian(source);

    private static void ThrowTooLarge(int needed, int limit) =>
        throw new WaylandException($"message too large: needs {needed} bytes, the limit is {limit}");

    private static void ThrowEmbeddedNul() =>
        throw new ArgumentException("a Wayland string cannot contain a NUL character");
}
