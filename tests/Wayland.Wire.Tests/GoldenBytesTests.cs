namespace Wayland.Wire.Tests;

/// <summary>
/// Our encoder against the real libwayland marshaller: tests/native/wire-golden marshals each case with
/// libwayland-client and prints the bytes that reached the socket; we encode the same request and must
/// produce the same bytes, and our parser must decode libwayland's bytes back to the same values.
/// </summary>
public class GoldenBytesTests
{
    private delegate void Encode(ref MessageWriter writer);

    private static readonly Lazy<Dictionary<string, GoldenLine>> Golden = new(LoadGolden);

    private static readonly byte[] Bytes8 = [1, 2, 3, 4, 5, 6, 7, 8];

    private static readonly Dictionary<string, (ushort Opcode, Encode Encode)> Cases = new()
    {
        ["ints_basic"] = (0, (ref MessageWriter w) => { w.WriteInt(0); w.WriteInt(-1); w.WriteInt(int.MinValue); w.WriteInt(int.MaxValue); }),
        ["uints_basic"] = (1, (ref MessageWriter w) => { w.WriteUInt(0); w.WriteUInt(uint.MaxValue); }),
        ["fixed_basic"] = (2, (ref MessageWriter w) =>
        {
            w.WriteFixed(Fixed.FromDouble(1.5));
            w.WriteFixed(Fixed.FromDouble(-1.5));
            w.WriteFixed(Fixed.FromInt(-300));
            w.WriteFixed(Fixed.Epsilon);
        }),
        ["str_empty"] = (3, (ref MessageWriter w) => w.WriteString("")),
        ["str_len1"] = (3, (ref MessageWriter w) => w.WriteString("a")),
        ["str_len2"] = (3, (ref MessageWriter w) => w.WriteString("ab")),
        ["str_len3"] = (3, (ref MessageWriter w) => w.WriteString("abc")),
        ["str_len4"] = (3, (ref MessageWriter w) => w.WriteString("abcd")),
        ["str_len5"] = (3, (ref MessageWriter w) => w.WriteStringUtf8("abcde"u8)),
        ["str_len6"] = (3, (ref MessageWriter w) => w.WriteString("abcdef")),
        ["str_len7"] = (3, (ref MessageWriter w) => w.WriteString("abcdefg")),
        ["str_len8"] = (3, (ref MessageWriter w) => w.WriteString("abcdefgh")),
        ["str_utf8"] = (3, (ref MessageWriter w) => w.WriteString("héllo wörld ✓")),
        ["str_null"] = (4, (ref MessageWriter w) => w.WriteString((string?)null)),
        ["obj_self"] = (5, (ref MessageWriter w) => w.WriteObject(2)),
        ["obj_null"] = (6, (ref MessageWriter w) => w.WriteObject(0)),
        ["new_typed"] = (7, (ref MessageWriter w) => w.WriteNewId(3)),
        ["new_untyped"] = (8, (ref MessageWriter w) => w.WriteUntypedNewId("wlt_types", 1, 4)),
        ["arr_empty"] = (9, (ref MessageWriter w) => w.WriteArray([])),
        ["arr_1"] = (9, (ref MessageWriter w) => w.WriteArray(Bytes8.AsSpan(0, 1))),
        ["arr_3"] = (9, (ref MessageWriter w) => w.WriteArray(Bytes8.AsSpan(0, 3))),
        ["arr_4"] = (9, (ref MessageWriter w) => w.WriteArray(Bytes8.AsSpan(0, 4))),
        ["arr_5"] = (9, (ref MessageWriter w) => w.WriteArray(Bytes8.AsSpan(0, 5))),
        ["arr_8"] = (9, (ref MessageWriter w) => w.WriteArray(Bytes8)),
        ["fd_one"] = (10, (ref MessageWriter w) => w.WriteFd(0)),
        ["mixed"] = (11, (ref MessageWriter w) =>
        {
            w.WriteInt(-7);
            w.WriteString("mix");
            w.WriteFd(0);
            w.WriteArray([0xAA, 0xBB, 0xCC]);
            w.WriteUInt(42);
            w.WriteFd(0);
        }),
        ["nop"] = (12, (ref MessageWriter w) => { }),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Our_encoding_equals_libwaylands(string name)
    {
        GoldenLine golden = Golden.Value[name];
        (ushort opcode, Encode encode) = Cases[name];
        Span<byte> buffer = stackalloc byte[WireLimits.MaxMessageSize];
        Span<int> fds = stackalloc int[4];
        MessageWriter writer = new(buffer, WireTestProtocol.ProxyId, opcode, fds);
        encode(ref writer);
        ReadOnlySpan<byte> ours = writer.Finish();

        Assert.Equal(TestSupport.ToHex(golden.Bytes), TestSupport.ToHex(ours));
        Assert.Equal(golden.Size, ours.Length);
        Assert.Equal(golden.FdCount, writer.Fds.Length);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Our_parser_accepts_libwaylands_bytes(string name)
    {
        GoldenLine golden = Golden.Value[name];
        Assert.Equal(ParseStatus.Complete, WireParser.TryReadHeader(golden.Bytes, out MessageHeader header, out _));
        Assert.Equal(WireTestProtocol.ProxyId, header.ObjectId);
        Assert.Equal(golden.Bytes.Length, header.Size);
        MessageDescriptor descriptor = WireTestProtocol.Types.Requests[header.Opcode];
        Span<ArgumentValue> values = stackalloc ArgumentValue[WireLimits.MaxArguments];
        Assert.Equal(ParseStatus.Complete, WireParser.ParseArguments(golden.Bytes, descriptor, golden.FdCount, values, out MalformedReason reason));
        Assert.Equal(MalformedReason.None, reason);
    }

    [Fact]
    public void Decoded_values_match_what_libwayland_was_given()
    {
        MessageArguments Decode(string name, Span<ArgumentValue> values, Span<int> fds)
        {
            byte[] bytes = Golden.Value[name].Bytes;
            WireParser.TryReadHeader(bytes, out MessageHeader header, out _);
            MessageDescriptor descriptor = WireTestProtocol.Types.Requests[header.Opcode];
            Assert.Equal(ParseStatus.Complete, WireParser.ParseArguments(bytes, descriptor, fds.Length, values, out _));
            return new MessageArguments(bytes, descriptor, values, fds);
        }

        ArgumentValue[] v = new ArgumentValue[WireLimits.MaxArguments];
        MessageArguments ints = Decode("ints_basic", v, default);
        Assert.Equal([0, -1, int.MinValue, int.MaxValue], [ints.GetInt(0), ints.GetInt(1), ints.GetInt(2), ints.GetInt(3)]);

        MessageArguments fixeds = Decode("fixed_basic", v, default);
        Assert.Equal([1.5, -1.5, -300.0, 1 / 256.0], [fixeds.GetFixed(0).ToDouble(), fixeds.GetFixed(1).ToDouble(), fixeds.GetFixed(2).ToDouble(), fixeds.GetFixed(3).ToDouble()]);

        Assert.Equal("héllo wörld ✓", Decode("str_utf8", v, default).GetString(0));
        Assert.Equal("", Decode("str_empty", v, default).GetString(0));
        Assert.Null(Decode("str_null", v, default).GetString(0));
        Assert.Equal(0u, Decode("obj_null", v, default).GetObjectId(0));

        MessageArguments untyped = Decode("new_untyped", v, default);
        Assert.Equal("wlt_types"u8.ToArray(), untyped.GetStringUtf8(0).ToArray());
        Assert.Equal(1u, untyped.GetNewIdVersion(0));
        Assert.Equal(4u, untyped.GetObjectId(0));

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, Decode("arr_5", v, default).GetArray(0).ToArray());

        int[] fds = [-1, -1];
        MessageArguments mixed = Decode("mixed", v, fds);
        Assert.Equal(-7, mixed.GetInt(0));
        Assert.Equal("mix", mixed.GetString(1));
        Assert.Equal(new byte[] { 0xAA, 0xBB, 0xCC }, mixed.GetArray(3).ToArray());
        Assert.Equal(42u, mixed.GetUInt(4));
    }

    [Fact]
    public void Every_golden_case_is_covered()
    {
        // A case added to the C peer must be mirrored here (destroy is sent to the new_typed object).
        string[] expected = Golden.Value.Keys.Where(k => k != "destroy").Order().ToArray();
        Assert.Equal(expected, Cases.Keys.Order().ToArray());
    }

    private static Dictionary<string, GoldenLine> LoadGolden()
    {
        (int exit, string output) = TestSupport.Run(TestSupport.NativePeer("wire-golden"), "");
        Assert.True(exit == 0, "wire-golden failed:\n" + output);
        Dictionary<string, GoldenLine> lines = new();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = line.Split(' ');
            lines[parts[0]] = new GoldenLine(int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), TestSupport.FromHex(parts[2]), int.Parse(parts[3]["fds=".Length..], System.Globalization.CultureInfo.InvariantCulture));
        }

        return lines;
    }

    private sealed record GoldenLine(int Size, byte[] Bytes, int FdCount);
}
