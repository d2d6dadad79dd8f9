using System.Buffers.Binary;
using System.Text;
using CsCheck;

namespace Wayland.Wire.Tests;

/// <summary>
/// Property tests of the wire core with CsCheck: random signatures with random values within the wire rules
/// round-trip through <see cref="MessageWriter"/> and <see cref="WireParser"/> byte for byte, and any bytes at all
/// (any fd count, any descriptor) come back as a parse status, never as an exception.
/// A failure prints CsCheck's seed; pass it as <c>seed:</c> to <c>Sample</c> to replay the case.
/// </summary>
public class WirePropertyTests
{
    /// <summary>Longest string or array a generated argument carries: 20 of them (plus header) stay under 4096 bytes.</summary>
    private const int MaxPayload = 190;

    private static readonly Gen<ArgumentSpec> Argument = Gen.Int[0, 10].SelectMany(kind => kind switch
    {
        0 => Gen.Int.Select(v => ArgumentSpec.Word(ArgumentType.Int, unchecked((uint)v))),
        1 => Gen.UInt.Select(v => ArgumentSpec.Word(ArgumentType.UInt, v)),
        2 => Gen.Int.Select(v => ArgumentSpec.Word(ArgumentType.Fixed, unchecked((uint)v))),
        3 => Gen.Select(Gen.Bool, Gen.UInt, (nullable, v) => ArgumentSpec.Word(ArgumentType.Object, nullable && v % 4 == 0 ? 0 : Math.Max(v, 1), nullable)),
        4 => Gen.UInt[1, uint.MaxValue].Select(v => ArgumentSpec.Word(ArgumentType.NewId, v)),
        5 => Gen.Select(Utf8Bytes, Gen.UInt, Gen.UInt[1, uint.MaxValue], (name, version, id) =>
            new ArgumentSpec(ArgumentType.NewId, false, true, id, name, version, null)),
        6 => Gen.Select(Gen.Bool, Gen.Int[0, 3], Utf8Bytes, (nullable, pick, bytes) =>
            new ArgumentSpec(ArgumentType.String, nullable, false, 0, nullable && pick == 0 ? null : bytes, 0, null)),
        7 => Gen.Select(Gen.Bool, CharString, (nullable, text) =>
            new ArgumentSpec(ArgumentType.String, nullable, false, 0, Encoding.UTF8.GetBytes(text), 0, text)),
        8 => Gen.Select(Gen.Bool, Gen.Byte.Array[0, MaxPayload], (nullable, bytes) =>
            new ArgumentSpec(ArgumentType.Array, nullable, false, 0, bytes, 0, null)),
        _ => Gen.Int[0, int.MaxValue].Select(fd => ArgumentSpec.Word(ArgumentType.Fd, (uint)fd)),
    });

    private static Gen<byte[]> Utf8Bytes => Gen.Byte[1, 255].Array[0, MaxPayload];

    // Any character but NUL and the surrogates, so that the .NET string survives UTF-8 both ways (up to 3 bytes each).
    private static Gen<string> CharString => Gen.Char[(char)1, (char)0xd7ff].Array[0, MaxPayload / 3].Select(chars => new string(chars));

    private static readonly Gen<MessageSpec> Message = Gen.Select(Gen.UInt, Gen.UShort, Argument.Array[0, WireLimits.MaxArguments],
        (objectId, opcode, arguments) => new MessageSpec(objectId, opcode, FitArguments(arguments)));

    [Fact]
    public void Any_valid_message_round_trips_byte_exactly()
    {
        Message.Sample(RoundTrip, iter: 5_000, print: m => m.ToString());
    }

    [Fact]
    public void Any_bytes_with_any_fd_count_give_a_parse_status_never_an_exception()
    {
        Gen<byte[]> bytes = Gen.Frequency(
            (1, Gen.Byte.Array[0, 64]),
            (1, Gen.Byte.Array[8, 600].Select(PlausibleHeader)),
            (3, Gen.Select(Message, Gen.Int.Array[1, 6], Mutate)));
        Gen.Select(bytes, Argument.Array[0, WireLimits.MaxArguments], Gen.Int[0, 4])
            .Sample((data, arguments, fds) => ParseAnything(data, Descriptor(FitArguments(arguments)), fds), iter: 20_000,
                print: t => $"{TestSupport.ToHex(t.Item1)} {Descriptor(FitArguments(t.Item2)).Signature} fds {t.Item3}");
    }

    [Fact]
    public void Every_strict_prefix_of_a_valid_message_is_incomplete_or_malformed()
    {
        Gen.Select(Message, Gen.Int[0, 4095]).Sample((spec, cut) =>
        {
            byte[] whole = Reference(spec);
            byte[] prefix = whole[..(cut % whole.Length)];
            ParseStatus status = WireParser.TryReadHeader(prefix, out _, out _);
            Assert.Equal(ParseStatus.NeedMoreData, status);

            // The parser, handed a body shorter than the header says, must notice from the body alone.
            if (prefix.Length >= WireLimits.HeaderSize && spec.WireBodySize > prefix.Length - WireLimits.HeaderSize)
            {
                Span<ArgumentValue> values = stackalloc ArgumentValue[WireLimits.MaxArguments];
                status = WireParser.ParseArguments(prefix, Descriptor(spec.Arguments), spec.FdCount, values, out MalformedReason reason);
                Assert.Equal(ParseStatus.Malformed, status);
                Assert.True(reason is MalformedReason.Truncated or MalformedReason.LengthOverflow, reason.ToString());
            }
        }, iter: 5_000, print: t => t.ToString());
    }

    private static void RoundTrip(MessageSpec spec)
    {
        MessageDescriptor descriptor = Descriptor(spec.Arguments);
        byte[] expected = Reference(spec);

        // 1. The writer produces exactly the bytes the wire format prescribes (independent encoder above).
        Span<byte> buffer = stackalloc byte[WireLimits.MaxMessageSize];
        Span<int> fdSlots = stackalloc int[WireLimits.MaxArguments];
        MessageWriter writer = new(buffer, spec.ObjectId, spec.Opcode, fdSlots);
        Write(ref writer, spec.Arguments);
        byte[] written = writer.Finish().ToArray();
        int[] fds = writer.Fds.ToArray();
        Assert.Equal(TestSupport.ToHex(expected), TestSupport.ToHex(written));
        Assert.Equal(spec.Arguments.Where(a => a.Type == ArgumentType.Fd).Select(a => (int)a.Value), fds);

        // 2. The parser reads back the header and every value.
        Assert.Equal(ParseStatus.Complete, WireParser.TryReadHeader(written, out MessageHeader header, out MalformedReason reason));
        Assert.Equal((spec.ObjectId, spec.Opcode, written.Length, MalformedReason.None), (header.ObjectId, header.Opcode, header.Size, reason));
        Span<ArgumentValue> values = stackalloc ArgumentValue[WireLimits.MaxArguments];
        Assert.Equal(ParseStatus.Complete, WireParser.ParseArguments(written, descriptor, fds.Length, values, out reason));
        Assert.Equal(MalformedReason.None, reason);
        MessageArguments decoded = new(written, descriptor, values, fds);
        Assert.Equal(spec.ObjectId, decoded.ObjectId);
        for (int i = 0; i < spec.Arguments.Length; i++)
        {
            ArgumentSpec argument = spec.Arguments[i];
            switch (argument.Type)
            {
                case ArgumentType.String:
                    Assert.Equal(argument.Bytes is null, decoded.IsNull(i));
                    Assert.Equal(argument.Bytes ?? [], decoded.GetStringUtf8(i).ToArray());
                    if (argument.Text is not null)
                    {
                        Assert.Equal(argument.Text, decoded.GetString(i));
                    }

                    break;
                case ArgumentType.NewId when argument.Untyped:
                    Assert.Equal((argument.Bytes, argument.Version, argument.Value),
                        (decoded.GetStringUtf8(i).ToArray(), decoded.GetNewIdVersion(i), decoded.GetObjectId(i)), TupleComparer.Instance);
                    break;
                case ArgumentType.Array:
                    Assert.Equal(argument.Bytes, decoded.GetArray(i).ToArray());
                    break;
                case ArgumentType.Fd:
                    Assert.Equal((int)argument.Value, decoded.PeekFd(i));
                    break;
                case ArgumentType.Int or ArgumentType.Fixed:
                    Assert.Equal(unchecked((int)argument.Value), argument.Type == ArgumentType.Int ? decoded.GetInt(i) : decoded.GetFixed(i).Raw);
                    break;
                default:
                    Assert.Equal(argument.Value, decoded.GetUInt(i));
                    break;
            }
        }

        // 3. What was decoded encodes to the same bytes again.
        MessageWriter again = new(buffer, header.ObjectId, header.Opcode, fdSlots);
        for (int i = 0; i < descriptor.Arguments.Count; i++)
        {
            ArgumentDescriptor argument = descriptor.Arguments[i];
            switch (argument.Type)
            {
                case ArgumentType.String when decoded.IsNull(i):
                    again.WriteNullString();
                    break;
                case ArgumentType.String:
                    again.WriteStringUtf8(decoded.GetStringUtf8(i));
                    break;
                case ArgumentType.NewId when argument.IsUntypedNewId:
                    again.WriteStringUtf8(decoded.GetStringUtf8(i));
                    again.WriteUInt(decoded.GetNewIdVersion(i));
                    again.WriteNewId(decoded.GetObjectId(i));
                    break;
                case ArgumentType.Array:
                    again.WriteArray(decoded.GetArray(i));
                    break;
                case ArgumentType.Fd:
                    again.WriteFd(decoded.PeekFd(i));
                    break;
                default:
                    again.WriteUInt(decoded.GetUInt(i));
                    break;
            }
        }

        Assert.Equal(TestSupport.ToHex(written), TestSupport.ToHex(again.Finish()));
        Assert.Equal(fds, again.Fds.ToArray());
    }

    /// <summary>Writes the arguments with the writer's typed methods (strings from .NET strings where the case has one).</summary>
    private static void Write(ref MessageWriter writer, ArgumentSpec[] arguments)
    {
        foreach (ArgumentSpec argument in arguments)
        {
            switch (argument.Type)
            {
                case ArgumentType.Int:
                    writer.WriteInt(unchecked((int)argument.Value));
                    break;
                case ArgumentType.UInt:
                    writer.WriteUInt(argument.Value);
                    break;
                case ArgumentType.Fixed:
                    writer.WriteFixed(new Fixed(unchecked((int)argument.Value)));
                    break;
                case ArgumentType.Object:
                    writer.WriteObject(argument.Value);
                    break;
                case ArgumentType.NewId when argument.Untyped:
                    writer.WriteStringUtf8(argument.Bytes);
                    writer.WriteUInt(argument.Version);
                    writer.WriteNewId(argument.Value);
                    break;
                case ArgumentType.NewId:
                    writer.WriteNewId(argument.Value);
                    break;
                case ArgumentType.String when argument.Text is not null:
                    writer.WriteString(argument.Text);
                    break;
                case ArgumentType.String when argument.Bytes is null:
                    writer.WriteString((string?)null);
                    break;
                case ArgumentType.String:
                    writer.WriteStringUtf8(argument.Bytes);
                    break;
                case ArgumentType.Array:
                    writer.WriteArray(argument.Bytes);
                    break;
                case ArgumentType.Fd:
                    writer.WriteFd((int)argument.Value);
                    break;
            }
        }
    }

    /// <summary>The wire format written out by hand: host-order words, strings as length (with NUL) + bytes + NUL,
    /// arrays as length + bytes, both zero-padded to 4; fds take no bytes.</summary>
    private static byte[] Reference(MessageSpec spec)
    {
        List<byte> body = [];
        void Word(uint value)
        {
            byte[] word = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(word, value);
            body.AddRange(word);
        }

        void Bytes(byte[] bytes, bool terminate)
        {
            int length = bytes.Length + (terminate ? 1 : 0);
            Word((uint)length);
            body.AddRange(bytes);
            body.AddRange(new byte[MessageWriter.Pad(length) - bytes.Length]);
        }

        foreach (ArgumentSpec argument in spec.Arguments)
        {
            switch (argument.Type)
            {
                case ArgumentType.Fd:
                    break;
                case ArgumentType.String when argument.Bytes is null:
                    Word(0);
                    break;
                case ArgumentType.String:
                    Bytes(argument.Bytes, terminate: true);
                    break;
                case ArgumentType.NewId when argument.Untyped:
                    Bytes(argument.Bytes!, terminate: true);
                    Word(argument.Version);
                    Word(argument.Value);
                    break;
                case ArgumentType.Array:
                    Bytes(argument.Bytes!, terminate: false);
                    break;
                default:
                    Word(argument.Value);
                    break;
            }
        }

        byte[] message = new byte[WireLimits.HeaderSize + body.Count];
        BinaryPrimitives.WriteUInt32LittleEndian(message, spec.ObjectId);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(4), ((uint)message.Length << 16) | spec.Opcode);
        body.CopyTo(message, WireLimits.HeaderSize);
        return message;
    }

    /// <summary>Everything the parser may be asked about these bytes, with any descriptor and any number of fds.</summary>
    private static void ParseAnything(byte[] data, MessageDescriptor descriptor, int fdsAvailable)
    {
        ParseStatus status = WireParser.TryReadHeader(data, out MessageHeader header, out MalformedReason reason);
        Assert.Equal(status == ParseStatus.Malformed, reason != MalformedReason.None);
        Assert.NotEqual(ParseStatus.NeedMoreFds, status);
        if (status == ParseStatus.Complete)
        {
            Assert.InRange(header.Size, WireLimits.HeaderSize, Math.Min(data.Length, WireLimits.MaxMessageSize));
            ParseBody(data[..header.Size], descriptor, fdsAvailable);
        }

        // The body parser never reads the header's size: it must cope with any length, whatever the header says.
        if (data.Length >= WireLimits.HeaderSize && data.Length <= WireLimits.MaxMessageSize)
        {
            ParseBody(data, descriptor, fdsAvailable);
        }
    }

    private static void ParseBody(byte[] message, MessageDescriptor descriptor, int fdsAvailable)
    {
        Span<ArgumentValue> values = stackalloc ArgumentValue[WireLimits.MaxArguments];
        ParseStatus status = WireParser.ParseArguments(message, descriptor, fdsAvailable, values, out MalformedReason reason);
        switch (status)
        {
            case ParseStatus.Malformed:
                Assert.NotEqual(MalformedReason.None, reason);
                return;
            case ParseStatus.NeedMoreFds:
                Assert.Equal(MalformedReason.MissingFd, reason);
                Assert.True(descriptor.FdCount > fdsAvailable);
                return;
            case ParseStatus.Complete:
                Assert.Equal(MalformedReason.None, reason);
                break;
            default:
                Assert.Fail($"ParseArguments returned {status}");
                break;
        }

        // Accepted: every value lies inside the message and reads without an exception.
        int[] fds = Enumerable.Range(100, fdsAvailable).ToArray();
        MessageArguments decoded = new(message, descriptor, values, fds);
        int fdIndex = 0;
        for (int i = 0; i < descriptor.Arguments.Count; i++)
        {
            ArgumentDescriptor argument = descriptor.Arguments[i];
            switch (argument.Type)
            {
                case ArgumentType.String:
                    Assert.True(decoded.IsNull(i) ? argument.Nullable : decoded.GetStringUtf8(i).IndexOf((byte)0) < 0);
                    _ = decoded.GetString(i);
                    break;
                case ArgumentType.NewId:
                    Assert.NotEqual(0u, decoded.GetObjectId(i));
                    _ = decoded.GetStringUtf8(i).Length;
                    break;
                case ArgumentType.Object:
                    Assert.True(argument.Nullable || decoded.GetObjectId(i) != 0);
                    break;
                case ArgumentType.Array:
                    Assert.InRange(values[i].Offset + values[i].Length, WireLimits.HeaderSize, message.Length);
                    _ = decoded.GetArray(i).Length;
                    break;
                case ArgumentType.Fd:
                    Assert.Equal(100 + fdIndex++, decoded.PeekFd(i));
                    break;
            }
        }
    }

    /// <summary>Random bytes whose header is believable: a size that fits them, so that the body parser gets to work.</summary>
    private static byte[] PlausibleHeader(byte[] bytes)
    {
        ushort opcode = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), ((uint)bytes.Length << 16) | opcode);
        return bytes;
    }

    /// <summary>A valid message with a few of the mutations a hostile peer makes: bit flips, odd words, wrong
    /// lengths, cut or extended bytes, a forged size field.</summary>
    private static byte[] Mutate(MessageSpec spec, int[] choices)
    {
        List<byte> bytes = [.. Reference(spec)];
        foreach (int choice in choices)
        {
            int position = (int)((uint)choice % (uint)bytes.Count);
            switch ((uint)choice % 6)
            {
                case 0:
                    bytes[position] ^= (byte)(1 << (choice >> 8 & 7));
                    break;
                case 1:
                    uint[] interesting = [0, 1, 3, 4, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff, 4096, 4097];
                    int word = position & ~3;
                    if (word + 4 <= bytes.Count)
                    {
                        byte[] value = new byte[4];
                        BinaryPrimitives.WriteUInt32LittleEndian(value, interesting[(uint)(choice >> 4) % interesting.Length]);
                        for (int i = 0; i < 4; i++)
                        {
                            bytes[word + i] = value[i];
                        }
                    }

                    break;
                case 2:
                    bytes.RemoveRange(position, bytes.Count - position);
                    break;
                case 3:
                    bytes.AddRange(new byte[(choice >> 4) & 15]);
                    break;
                case 4 when bytes.Count >= 8:
                    ushort size = (ushort)(bytes.Count + ((choice >> 4) % 9) - 4);
                    bytes[6] = (byte)size;
                    bytes[7] = (byte)(size >> 8);
                    break;
                default:
                    bytes.Insert(position, (byte)(choice >> 12));
                    break;
            }

            if (bytes.Count == 0)
            {
                break;
            }
        }

        return [.. bytes];
    }

    private static MessageDescriptor Descriptor(ArgumentSpec[] arguments) => new("m", 0, 1,
        [.. arguments.Select((a, i) => new ArgumentDescriptor($"a{i}", a.Type, a.Nullable, a.Type is ArgumentType.Object || (a.Type is ArgumentType.NewId && !a.Untyped) ? "x" : null))]);

    /// <summary>Drops trailing arguments past libwayland's 20 wire arguments (an untyped new_id counts as three).</summary>
    private static ArgumentSpec[] FitArguments(ArgumentSpec[] arguments)
    {
        int wire = 0;
        int count = 0;
        while (count < arguments.Length && wire + (arguments[count].Untyped ? 3 : 1) <= WireLimits.MaxArguments)
        {
            wire += arguments[count++].Untyped ? 3 : 1;
        }

        return arguments[..count];
    }

    /// <summary>One generated argument: its type and its value (a word, or bytes for strings, arrays and untyped new_ids).</summary>
    internal sealed record ArgumentSpec(ArgumentType Type, bool Nullable, bool Untyped, uint Value, byte[]? Bytes, uint Version, string? Text)
    {
        internal static ArgumentSpec Word(ArgumentType type, uint value, bool nullable = false) => new(type, nullable, false, value, null, 0, null);

        public override string ToString() => Type switch
        {
            ArgumentType.String or ArgumentType.Array => $"{(Nullable ? "?" : "")}{Type}[{(Bytes is null ? "null" : TestSupport.ToHex(Bytes))}]",
            ArgumentType.NewId when Untyped => $"NewId({TestSupport.ToHex(Bytes!)}, v{Version}, {Value})",
            _ => $"{(Nullable ? "?" : "")}{Type}({Value})",
        };
    }

    /// <summary>One generated message.</summary>
    internal sealed record MessageSpec(uint ObjectId, ushort Opcode, ArgumentSpec[] Arguments)
    {
        internal int FdCount => Arguments.Count(a => a.Type == ArgumentType.Fd);

        /// <summary>Bytes after the header.</summary>
        internal int WireBodySize => Arguments.Sum(a => a.Type switch
        {
            ArgumentType.Fd => 0,
            ArgumentType.String when a.Bytes is null => 4,
            ArgumentType.String => 4 + MessageWriter.Pad(a.Bytes.Length + 1),
            ArgumentType.NewId when a.Untyped => 12 + MessageWriter.Pad(a.Bytes!.Length + 1),
            ArgumentType.Array => 4 + MessageWriter.Pad(a.Bytes!.Length),
            _ => 4,
        });

        public override string ToString() => $"#{ObjectId}.{Opcode}({string.Join(", ", Arguments.Select(a => a.ToString()))})";
    }

    /// <summary>Compares (bytes, version, id) tuples by content.</summary>
    private sealed class TupleComparer : IEqualityComparer<(byte[]?, uint, uint)>
    {
        internal static readonly TupleComparer Instance = new();

        public bool Equals((byte[]?, uint, uint) x, (byte[]?, uint, uint) y) =>
            x.Item1.AsSpan().SequenceEqual(y.Item1) && x.Item2 == y.Item2 && x.Item3 == y.Item3;

        public int GetHashCode((byte[]?, uint, uint) obj) => HashCode.Combine(obj.Item2, obj.Item3);
    }
}
