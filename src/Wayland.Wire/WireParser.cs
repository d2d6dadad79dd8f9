using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Wayland.Wire;

/// <summary>
/// Decodes and validates messages without allocating and without throwing on bad input: every
/// problem comes back as a <see cref="ParseStatus"/> and a <see cref="MalformedReason"/>.
/// Padding bytes are never inspected.
/// </summary>
public static class WireParser
{
    /// <summary>Reads the header at the start of <paramref name="data"/> and checks its size field.</summary>
    /// <returns><see cref="ParseStatus.NeedMoreData"/> when fewer than 8 bytes, or fewer than the
    /// header's size, are available; <see cref="ParseStatus.Malformed"/> for an impossible size;
    /// otherwise <see cref="ParseStatus.Complete"/>.</returns>
    public static ParseStatus TryReadHeader(ReadOnlySpan<byte> data, out MessageHeader header, out MalformedReason reason)
    {
        header = default;
        reason = MalformedReason.None;
        if (data.Length < WireLimits.HeaderSize)
        {
            return ParseStatus.NeedMoreData;
        }

        uint objectId = ReadWord(data);
        uint word = ReadWord(data[4..]);
        int size = (int)(word >> 16);
        header = new MessageHeader(objectId, (ushort)(word & 0xffff), size);
        if (size < WireLimits.HeaderSize)
        {
            reason = MalformedReason.SizeTooSmall;
            return ParseStatus.Malformed;
        }

        if (size > WireLimits.MaxMessageSize)
        {
            reason = MalformedReason.SizeTooLarge;
            return ParseStatus.Malformed;
        }

        return data.Length < size ? ParseStatus.NeedMoreData : ParseStatus.Complete;
    }

    /// <summary>
    /// Decodes the arguments of a complete message (header included in <paramref name="message"/>)
    /// according to <paramref name="descriptor"/>.
    /// </summary>
    /// <param name="message">Exactly one message: its length must equal the header's size.</param>
    /// <param name="descriptor">What the message should contain.</param>
    /// <param name="fdsAvailable">How many received descriptors are queued for this message.</param>
    /// <param name="values">Receives one value per descriptor argument (length at least the argument count).</param>
    /// <param name="reason">Why the message is malformed, when it is.</param>
    public static ParseStatus ParseArguments(ReadOnlySpan<byte> message, MessageDescriptor descriptor, int fdsAvailable,
        Span<ArgumentValue> values, out MalformedReason reason)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        ArgumentDescriptor[] arguments = descriptor.ArgumentArray;
        if (values.Length < arguments.Length)
        {
            throw new ArgumentException("too little room for the arguments", nameof(values));
        }

        reason = MalformedReason.None;
        int position = WireLimits.HeaderSize;
        int end = message.Length;
        int fdIndex = 0;
        for (int i = 0; i < arguments.Length; i++)
        {
            ArgumentDescriptor argument = arguments[i];
            ArgumentType type = argument.Type;
            if (type == ArgumentType.Fd)
            {
                if (fdIndex >= fdsAvailable)
                {
                    reason = MalformedReason.MissingFd;
                    return ParseStatus.NeedMoreFds;
                }

                values[i] = new ArgumentValue((uint)fdIndex++, 0, 0);
                continue;
            }

            if (end - position < 4)
            {
                reason = MalformedReason.Truncated;
                return ParseStatus.Malformed;
            }

            uint word = ReadWord(message[position..]);
            position += 4;
            switch (type)
            {
                case ArgumentType.Int:
                case ArgumentType.UInt:
                case ArgumentType.Fixed:
                    values[i] = new ArgumentValue(word, 0, 0);
                    break;
                case ArgumentType.Object:
                    if (word == 0 && !argument.Nullable)
                    {
                        reason = MalformedReason.NullObject;
                        return ParseStatus.Malformed;
                    }

                    values[i] = new ArgumentValue(word, 0, 0);
                    break;
                case ArgumentType.NewId when !argument.IsUntypedNewId:
                    if (word == 0)
                    {
                        reason = MalformedReason.NullNewId;
                        return ParseStatus.Malformed;
                    }

                    values[i] = new ArgumentValue(word, 0, 0);
                    break;
                case ArgumentType.NewId:
                {
                    // interface name (string, never null), version, id
                    if (!TryString(message, word, ref position, nullable: false, out int offset, out int length, out reason))
                    {
                        return ParseStatus.Malformed;
                    }

                    if (end - position < 8)
                    {
                        reason = MalformedReason.Truncated;
                        return ParseStatus.Malformed;
                    }

                    uint version = ReadWord(message[position..]);
                    uint id = ReadWord(message[(position + 4)..]);
                    position += 8;
                    if (id == 0)
                    {
                        reason = MalformedReason.NullNewId;
                        return ParseStatus.Malformed;
                    }

                    values[i] = new ArgumentValue(id, offset, length, version);
                    break;
                }

                case ArgumentType.String:
                {
                    if (!TryString(message, word, ref position, argument.Nullable, out int offset, out int length, out reason))
                    {
                        return ParseStatus.Malformed;
                    }

                    values[i] = new ArgumentValue(0, offset, length);
                    break;
                }

                case ArgumentType.Array:
                {
                    long padded = ((long)word + 3) & ~3L;
                    if (padded > end - position)
                    {
                        reason = MalformedReason.LengthOverflow;
                        return ParseStatus.Malformed;
                    }

                    values[i] = new ArgumentValue(0, position, (int)word);
                    position += (int)padded;
                    break;
                }
            }
        }

        return ParseStatus.Complete;
    }

    private static bool TryString(ReadOnlySpan<byte> message, uint length, ref int position, bool nullable,
        out int offset, out int contentLength, out MalformedReason reason)
    {
        offset = position;
        contentLength = -1;
        reason = MalformedReason.None;
        if (length == 0)
        {
            if (!nullable)
            {
                reason = MalformedReason.NullString;
                return false;
            }

            return true;
        }

        long padded = ((long)length + 3) & ~3L;
        if (padded > message.Length - position)
        {
            reason = MalformedReason.LengthOverflow;
            return false;
        }

        ReadOnlySpan<byte> bytes = message.Slice(position, (int)length);
        if (bytes[^1] != 0)
        {
            reason = MalformedReason.StringNotTerminated;
            return false;
        }

        if (bytes[..^1].IndexOf((byte)0) >= 0)
        {
            reason = MalformedReason.StringEmbeddedNul;
            return false;
        }

        contentLength = (int)length - 1;
        position += (int)padded;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint ReadWord(ReadOnlySpan<byte> source) => BitConverter.IsLittleEndian
        ? BinaryPrimitives.ReadUInt32LittleEndian(source)
        : BinaryPrimitives.ReadUInt32BigEndian(source);
}
