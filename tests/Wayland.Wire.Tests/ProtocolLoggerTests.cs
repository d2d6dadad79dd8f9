using System.Text.RegularExpressions;

namespace Wayland.Wire.Tests;

public partial class ProtocolLoggerTests
{
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly DateTimeOffset Noon = new DateTimeOffset(2026, 11, 22, 12, 34, 56, TimeSpan.Zero).AddTicks(7_890_120);

    private static readonly InterfaceDescriptor Registry = new("wl_registry", 1,
        [new MessageDescriptor("bind", 0, 1, [new ArgumentDescriptor("name", ArgumentType.UInt), new ArgumentDescriptor("id", ArgumentType.NewId)])],
        []);

    private static readonly InterfaceDescriptor Display = new("wl_display", 1,
        [
            new MessageDescriptor("sync", 0, 1, [new ArgumentDescriptor("callback", ArgumentType.NewId, interfaceName: "wl_callback")]),
            new MessageDescriptor("get_registry", 1, 1, [new ArgumentDescriptor("registry", ArgumentType.NewId, interfaceName: "wl_registry")]),
        ],
        []);

    private static string Log(MessageDescriptor descriptor, ReadOnlySpan<byte> message, int fdCount, string target, uint id,
        bool sent, bool discarded = false, string? queue = null)
    {
        StringWriter output = new();
        ProtocolLogger logger = new(output, new FixedClock(Noon));
        Span<ArgumentValue> values = stackalloc ArgumentValue[WireLimits.MaxArguments];
        Assert.Equal(ParseStatus.Complete, WireParser.ParseArguments(message, descriptor, fdCount, values, out _));
        Span<int> fds = stackalloc int[fdCount];
        for (int i = 0; i < fdCount; i++)
        {
            fds[i] = 10 + i;
        }

        logger.Log(new MessageArguments(message, descriptor, values, fds), target, id, sent, discarded, queue,
            objectId => objectId == 2 ? "wlt_types" : null);
        return output.ToString();
    }

    [Fact]
    public void Sent_request_with_queue_name_matches_the_upstream_format()
    {
        Span<byte> buffer = stackalloc byte[64];
        MessageWriter writer = new(buffer, 1, 1);
        writer.WriteNewId(2);
        string line = Log(Display.Requests[1], writer.Finish(), 0, "wl_display", 1, sent: true, queue: "Default Queue");
        Assert.Equal("[12:34:56.789012] {Default Queue}  -> wl_display#1.get_registry(new id wl_registry#2)\n", line);
    }

    [Fact]
    public void Untyped_new_id_prints_interface_version_and_unknown_new_id()
    {
        Span<byte> buffer = stackalloc byte[64];
        MessageWriter writer = new(buffer, 2, 0);
        writer.WriteUInt(1);
        writer.WriteUntypedNewId("wl_compositor", 4, 3);
        string line = Log(Registry.Requests[0], writer.Finish(), 0, "wl_registry", 2, sent: false);
        Assert.Equal("[12:34:56.789012] wl_registry#2.bind(1, \"wl_compositor\", 4, new id [unknown]#3)\n", line);
    }

    [Fact]
    public void Discarded_messages_are_marked()
    {
        Span<byte> buffer = stackalloc byte[64];
        MessageWriter writer = new(buffer, 1, 0);
        writer.WriteNewId(5);
        string line = Log(Display.Requests[0], writer.Finish(), 0, "wl_display", 1, sent: false, discarded: true, queue: "Display Queue");
        Assert.Equal("[12:34:56.789012] {Display Queue} discarded wl_display#1.sync(new id wl_callback#5)\n", line);
    }

    [Fact]
    public void Discarded_unknown_target_line()
    {
        StringWriter output = new();
        new ProtocolLogger(output, new FixedClock(Noon)).LogDiscardedUnknown(zombie: true, 5, 1, 1, 12);
        Assert.Equal("[12:34:56.789012] discarded [zombie]#5.[event 1](1 fd, 12 byte)\n", output.ToString());
    }

    [Theory]
    [InlineData("1", false, true)]
    [InlineData("1", true, true)]
    [InlineData("client", false, true)]
    [InlineData("client", true, false)]
    [InlineData("server", true, true)]
    [InlineData("server,client", false, true)]
    [InlineData("clients", false, false)]
    [InlineData("", false, false)]
    [InlineData(null, false, false)]
    public void WAYLAND_DEBUG_is_read_as_exact_tokens(string? value, bool server, bool enabled) =>
        Assert.Equal(enabled, ProtocolLogger.IsEnabled(value, server));

    /// <summary>
    /// libwayland 1.21 logs each golden request as it sends it (WAYLAND_DEBUG=client). We decode the bytes
    /// it sent and log them; after masking what legitimately differs (timestamp format, '@' vs '#', fd
    /// numbers) the lines must be identical.
    /// </summary>
    [Fact]
    public void Lines_match_libwayland_for_every_argument_type()
    {
        (int exit, string stdout, string stderr) = TestSupport.RunSeparately(TestSupport.NativePeer("wire-golden"), "",
            environment: new Dictionary<string, string> { ["WAYLAND_DEBUG"] = "client" });
        Assert.True(exit == 0, stderr);
        string[] theirs = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] golden = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(golden.Length, theirs.Length);

        for (int i = 0; i < golden.Length; i++)
        {
            string[] parts = golden[i].Split(' ');
            byte[] bytes = TestSupport.FromHex(parts[2]);
            int fdCount = int.Parse(parts[3]["fds=".Length..], System.Globalization.CultureInfo.InvariantCulture);
            WireParser.TryReadHeader(bytes, out MessageHeader header, out _);
            string ours = Log(WireTestProtocol.Types.Requests[header.Opcode], bytes, fdCount, "wlt_types", header.ObjectId, sent: true);
            Assert.Equal(Mask(theirs[i]), Mask(ours.TrimEnd('\n')));
        }
    }

    private static string Mask(string line) =>
        FdNumber().Replace(Timestamp().Replace(line, "[T] ").Replace('@', '#'), "fd N");

    [GeneratedRegex(@"^\[[^\]]*\] ")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"fd \d+")]
    private static partial Regex FdNumber();
}
