using System.Buffers.Binary;

namespace Wayland.Wire.Tests;

/// <summary>
/// The demarshal failures of libwayland's tests/connection-test.c and the design's rejection list:
/// every case comes back as a result, never as an exception and never as a hang.
/// </summary>
public class MalformedInputTests
{
    private static readonly MessageDescriptor StringMessage = new("s", 0, 1, [new ArgumentDescriptor("s", ArgumentType.String)]);
    private static readonly MessageDescriptor NullableStringMessage = new("s", 0, 1, [new ArgumentDescriptor("s", ArgumentType.String, nullable: true)]);
    private static readonly MessageDescriptor ArrayMessage = new("a", 0, 1, [new ArgumentDescriptor("a", ArgumentType.Array)]);
    private static readonly MessageDescriptor ObjectMessage = new("o", 0, 1, [new ArgumentDescriptor("o", ArgumentType.Object, interfaceName: "x")]);
    private static readonly MessageDescriptor NullableObjectMessage = new("o", 0, 1, [new ArgumentDescriptor("o", ArgumentType.Object, nullable: true, interfaceName: "x")]);
    private static readonly MessageDescriptor NewIdMessage = new("n", 0, 1, [new ArgumentDescriptor("id", ArgumentType.NewId, interfaceName: "x")]);
    private static readonly MessageDescriptor UntypedNewIdMessage = new("bind", 0, 1, [new ArgumentDescriptor("name", ArgumentType.UInt), new ArgumentDescriptor("id", ArgumentType.NewId)]);
    private static readonly MessageDescriptor FdMessage = new("h", 0, 1, [new ArgumentDescriptor("fd", ArgumentType.Fd)]);

    private static byte[] Words(params uint[] words)
    {
        byte[] bytes = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), words[i]);
        }

        return bytes;
    }

    private static (ParseStatus Status, MalformedReason Reason) Parse(byte[] message, MessageDescriptor descriptor, int fds = 0)
    {
        Span<ArgumentValue> values = stackalloc ArgumentValue[WireLimits.MaxArguments];
        ParseStatus status = WireParser.ParseArguments(message, descriptor, fds, values, out MalformedReason reason);
        return (status, reason);
    }

    public static TheoryData<uint> OverflowingLengths => new(0xffffffff, 0xfffffffe, 0xfffffffd, 0xfffffffc, 0xfffff000, 0xffffd000, 0xffffc000, 0xffffb000);

    [Theory]
    [MemberData(nameof(OverflowingLengths))]
    public void String_lengths_that_overflow_are_rejected(uint length)
    {
        // connection_demarshal_failures: { 0, 12 << 16, length }
        byte[] message = Words(0, 12 << 16, length);
        Assert.Equal((ParseStatus.Malformed, MalformedReason.LengthOverflow), Parse(message, StringMessage));
    }

    [Theory]
    [MemberData(nameof(OverflowingLengths))]
    public void Array_lengths_that_overflow_are_rejected(uint length)
    {
        byte[] message = Words(0, 12 << 16, length);
        Assert.Equal((ParseStatus.Malformed, MalformedReason.LengthOverflow), Parse(message, ArrayMessage));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1u)]
    [InlineData(7u)]
    public void Header_sizes_below_8_are_rejected(uint size)
    {
        byte[] data = Words(1, size << 16, 2);
        Assert.Equal(ParseStatus.Malformed, WireParser.TryReadHeader(data, out _, out MalformedReason reason));
        Assert.Equal(MalformedReason.SizeTooSmall, reason);
    }

    [Theory]
    [InlineData(8u)]
    [InlineData(9u)]
    [InlineData(10u)]
    [InlineData(11u)]
    public void Header_sizes_8_to_11_are_too_short_for_a_sync(uint size)
    {
        // request_bogus_size: wl_display.sync (one new_id) announced with 8..11 bytes.
        byte[] data = Words(1, size << 16, 2);
        Assert.Equal(ParseStatus.Complete, WireParser.TryReadHeader(data, out MessageHeader header, out _));
        Assert.Equal((ParseStatus.Malformed, MalformedReason.Truncated), Parse(data[..header.Size], NewIdMessage));
    }

    [Theory]
    [InlineData(4100u)]
    [InlineData(0xffffu)]
    public void Sizes_above_4096_are_rejected(uint size)
    {
        byte[] data = new byte[size];
        Words(1, size << 16).CopyTo(data, 0);
        Assert.Equal(ParseStatus.Malformed, WireParser.TryReadHeader(data, out _, out MalformedReason reason));
        Assert.Equal(MalformedReason.SizeTooLarge, reason);
    }

    [Fact]
    public void Partial_input_asks_for_more_data()
    {
        byte[] message = Words(1, 16 << 16, 4, 0x00636261);
        for (int length = 0; length < message.Length; length++)
        {
            Assert.Equal(ParseStatus.NeedMoreData, WireParser.TryReadHeader(message.AsSpan(0, length), out _, out _));
        }

        Assert.Equal(ParseStatus.Complete, WireParser.TryReadHeader(message, out _, out _));
    }

    [Fact]
    public void String_without_terminating_nul_is_rejected() =>
        Assert.Equal((ParseStatus.Malformed, MalformedReason.StringNotTerminated), Parse(Words(1, 16 << 16, 4, 0x64636261), StringMessage));

    [Fact]
    public void String_with_embedded_nul_is_rejected() =>
        Assert.Equal((ParseStatus.Malformed, MalformedReason.StringEmbeddedNul), Parse(Words(1, 16 << 16, 4, 0x00620061), StringMessage));

    [Fact]
    public void Null_string_is_rejected_unless_nullable()
    {
        Assert.Equal((ParseStatus.Malformed, MalformedReason.NullString), Parse(Words(1, 12 << 16, 0), StringMessage));
        Assert.Equal((ParseStatus.Complete, MalformedReason.None), Parse(Words(1, 12 << 16, 0), NullableStringMessage));
    }

    [Fact]
    public void Null_object_is_rejected_unless_nullable()
    {
        Assert.Equal((ParseStatus.Malformed, MalformedReason.NullObject), Parse(Words(1, 12 << 16, 0), ObjectMessage));
        Assert.Equal((ParseStatus.Complete, MalformedReason.None), Parse(Words(1, 12 << 16, 0), NullableObjectMessage));
    }

    [Fact]
    public void New_id_zero_is_rejected()
    {
        Assert.Equal((ParseStatus.Malformed, MalformedReason.NullNewId), Parse(Words(1, 12 << 16, 0), NewIdMessage));

        // untyped: name, "x\0", version, id 0
        Assert.Equal((ParseStatus.Malformed, MalformedReason.NullNewId), Parse(Words(1, 28 << 16, 7, 2, 0x78, 1, 0), UntypedNewIdMessage));
    }

    [Fact]
    public void Untyped_new_id_needs_its_interface_name_version_and_id()
    {
        Assert.Equal((ParseStatus.Malformed, MalformedReason.NullString), Parse(Words(1, 24 << 16, 7, 0, 1, 5), UntypedNewIdMessage));
        Assert.Equal((ParseStatus.Malformed, MalformedReason.Truncated), Parse(Words(1, 24 << 16, 7, 2, 0x78, 1), UntypedNewIdMessage));
        Assert.Equal((ParseStatus.Complete, MalformedReason.None), Parse(Words(1, 28 << 16, 7, 2, 0x78, 1, 5), UntypedNewIdMessage));
    }

    [Fact]
    public void Missing_fd_is_reported()
    {
        Assert.Equal((ParseStatus.NeedMoreFds, MalformedReason.MissingFd), Parse(Words(1, 8 << 16), FdMessage, fds: 0));
        Assert.Equal((ParseStatus.Complete, MalformedReason.None), Parse(Words(1, 8 << 16), FdMessage, fds: 1));
    }

    [Fact]
    public void Padding_bytes_are_never_inspected()
    {
        // "ab\0" followed by a garbage padding byte; array of 1 byte followed by garbage.
        Assert.Equal((ParseStatus.Complete, MalformedReason.None), Parse(Words(1, 16 << 16, 3, 0xff006261), StringMessage));
        Assert.Equal((ParseStatus.Complete, MalformedReason.None), Parse(Words(1, 16 << 16, 1, 0xffffff01), ArrayMessage));
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        MessageDescriptor[] descriptors = [StringMessage, ArrayMessage, ObjectMessage, NewIdMessage, UntypedNewIdMessage, FdMessage, WireTestProtocol.Types.Requests[11]];
        Random random = new(1234);
        byte[] buffer = new byte[64];
        ArgumentValue[] values = new ArgumentValue[WireLimits.MaxArguments];
        int complete = 0;
        for (int i = 0; i < 200_000; i++)
        {
            random.NextBytes(buffer);
            int length = random.Next(0, buffer.Length + 1);
            // Bias towards plausible headers so parsing goes deep.
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(4), (uint)(random.Next(0, 72) << 16));
            if (random.Next(2) == 0)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(8), (uint)random.Next(0, 40));
            }

            ReadOnlySpan<byte> data = buffer.AsSpan(0, length);
            if (WireParser.TryReadHeader(data, out MessageHeader header, out _) == ParseStatus.Complete)
            {
                ParseStatus status = WireParser.ParseArguments(data[..header.Size], descriptors[i % descriptors.Length], random.Next(0, 3), values, out _);
                complete += status == ParseStatus.Complete ? 1 : 0;
            }
        }

        Assert.True(complete > 1000, $"the random input should reach valid messages too; only {complete} did");
    }
}
