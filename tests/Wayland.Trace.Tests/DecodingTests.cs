using System.Text;
using Wayland.Trace.Decoding;
using Wayland.Trace.Output;

namespace Wayland.Trace.Tests;

/// <summary>Decoding from the protocol XML: every protocol loads, new ids are tracked (untyped binds, reuse after
/// delete_id), and what cannot be decoded comes out raw without stopping anything.</summary>
public sealed class DecodingTests
{
    private static readonly Lazy<ProtocolSet> Protocols = new(() => ProtocolSet.Load([]));

    [Fact]
    public void Every_interface_of_the_system_protocol_xml_is_decodable()
    {
        ProtocolSet set = Protocols.Value;
        Assert.Empty(set.Problems);
        int files = 0;
        foreach (string directory in ProtocolSet.SystemDirectories.Where(Directory.Exists))
        {
            foreach (string file in Directory.GetFiles(directory, "*.xml", SearchOption.AllDirectories))
            {
                files++;
                foreach (System.Xml.Linq.XElement element in System.Xml.Linq.XDocument.Load(file).Root!.Elements("interface"))
                {
                    string name = element.Attribute("name")!.Value;
                    Assert.True(set.Find(name) is not null, $"{name} of {file} is missing");
                }
            }
        }

        Assert.True(files > 30, $"only {files} protocol files found");
        // Built in even where the system has an older wayland-protocols.
        Assert.NotNull(set.Find("wp_cursor_shape_manager_v1"));
        Assert.True(set.Find("xdg_wm_base")!.Version >= 5);
    }

    [Fact]
    public void A_protocols_path_larger_than_16_MiB_is_refused_after_reading_no_more_than_that()
    {
        // /dev/zero never ends: reading it whole would exhaust memory.
        ProtocolSet set = ProtocolSet.Load(["/dev/zero"], useSystem: false);
        Assert.Equal(["/dev/zero: the file is larger than 16 MiB, the limit for protocol files (real ones are a few hundred KiB)"], set.Problems);
        Assert.NotNull(set.Find("wl_display"));
    }

    [Fact]
    public void Untyped_binds_are_tracked_and_ids_are_reused_after_delete_id()
    {
        (ConnectionTrace trace, Func<string> text) = Decoder();
        Decode(trace, true, Wire.Message(1, 1, 2u));                           // get_registry -> wl_registry#2
        Decode(trace, true, Wire.Message(2, 0, 1u, "wl_compositor", 4u, 3u));  // bind -> wl_compositor#3
        Decode(trace, true, Wire.Message(3, 0, 4u));                           // create_surface -> wl_surface#4
        Decode(trace, true, Wire.Message(4, 0));                               // wl_surface.destroy
        Decode(trace, false, Wire.Message(1, 1, 4u));                          // delete_id(4)
        Decode(trace, true, Wire.Message(1, 0, 4u));                           // sync -> wl_callback#4 (reused)
        Decode(trace, false, Wire.Message(4, 0, 99u));                         // wl_callback.done
        string output = text();
        Assert.Contains(" -> wl_registry#2.bind(1, \"wl_compositor\", 4, new id [unknown]#3)\n", output);
        Assert.Contains(" -> wl_compositor#3.create_surface(new id wl_surface#4)\n", output);
        Assert.Contains(" -> wl_surface#4.destroy()\n", output);
        Assert.Contains(" -> wl_display#1.sync(new id wl_callback#4)\n", output);
        Assert.Contains("] wl_callback#4.done(99)\n", output);
    }

    [Fact]
    public void What_cannot_be_decoded_is_printed_raw_and_decoding_goes_on()
    {
        (ConnectionTrace trace, Func<string> text) = Decoder();
        Decode(trace, true, Wire.Message(9, 2, 5u));         // unknown object
        Decode(trace, true, Wire.Message(1, 77));            // unknown opcode
        Decode(trace, true, Wire.Message(1, 1));             // get_registry without its new id: malformed
        Decode(trace, true, Wire.Message(1, 1, 2u));         // still decoded afterwards
        string output = text();
        Assert.Contains(" -> [unknown]#9.[request 2](12 byte: 0900000002000c0005000000)\n", output);
        Assert.Contains(" -> wl_display#1.[request 77](8 byte: 010000004d000800)\n", output);
        Assert.Contains(" -> wl_display#1.get_registry(malformed: Truncated; 8 byte: 0100000001000800)\n", output);
        Assert.Contains(" -> wl_display#1.get_registry(new id wl_registry#2)\n", output);
    }

    [Fact]
    public void Filter_patterns_match_interfaces_messages_and_ids()
    {
        Filter filter = Filter.Parse("wl_surface.*,!wl_surface.damage*", out _)!;
        TraceInterface surface = Protocols.Value.Find("wl_surface")!;
        TraceMessage Request(string name) => surface.Requests.Single(m => m.Name == name);
        Assert.True(new[] { "attach", "commit", "frame" }.All(n => Filter.Parse("wl_surface.*,!wl_surface.damage*", out _)!.Shows(Request(n), 5)));
        Assert.False(filter.Shows(Request("damage"), 5));
        Assert.False(filter.Shows(Request("damage_buffer"), 5));
        Filter byId = Filter.Parse("#5", out _)!;
        Assert.True(byId.Shows(Request("commit"), 5));
        Assert.False(byId.Shows(Request("commit"), 6));
        Assert.Null(Filter.Parse("#x", out string? error));
        Assert.Contains("object id", error);
        Assert.True(Filter.Glob("wl_*_v?", "wl_foo_v1"));
        Assert.False(Filter.Glob("wl_*_v?", "wl_foo_v12"));
    }

    [Fact]
    public void Strings_and_command_names_cannot_forge_lines_or_reach_the_terminal_as_escapes()
    {
        // A bind whose interface string carries a whole forged line and a terminal escape; an error whose message
        // carries C1 controls, DEL, a byte that is not UTF-8 and a backslash; a client that named itself with a newline.
        const string Forged = "[00:00:00.000000]  -> wl_display#1.FORGED_LINE()";
        (ConnectionTrace trace, Func<string> text) = Decoder(new TraceClient(2, 7, "evil\n[" + "\u001b[2J", tagged: true));
        Decode(trace, true, Wire.Message(1, 1, 2u));
        Decode(trace, true, Wire.Message(2, 0, 1u, "wl_compositor\n" + Forged + "\u001b[31mRED\r\tok é", 4u, 3u));
        byte[] error = Wire.Message(1, 0, 1u, 3u, "C1 \u009b7m DEL \u007f bad \u00ff back\\slash");
        int bad = Array.IndexOf(error, (byte)0xc3); // "ÿ" in UTF-8 is c3 bf: make it a lone c3, which is not UTF-8
        error[bad + 1] = (byte)'!';
        Decode(trace, false, error);
        string output = text();

        Assert.DoesNotContain('\u001b', output);
        Assert.DoesNotContain('\u009b', output);
        Assert.DoesNotContain('\r', output);
        Assert.DoesNotContain('\u007f', output);
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length); // get_registry, bind, error and its note, and nothing else
        Assert.All(lines, line => Assert.Matches(@"^\[\d\d:\d\d:\d\d\.\d{6}\] \{evil\\n\[\\x1b\[2J\[7\]\} ", line));
        Assert.Contains(@" -> wl_registry#2.bind(1, ""wl_compositor\n" + Forged + @"\x1b[31mRED\r\tok é"", 4, new id [unknown]#3)", output);
        Assert.Contains(@"wl_display#1.error(wl_display#1, 3, ""C1 \u009b7m DEL \x7f bad \xc3! back\\slash"")", output);
        Assert.Contains(@"wl-trace: protocol error: wl_display#1: implementation (3): ""C1 \u009b7m DEL \x7f bad \xc3! back\\slash""", output);
        Assert.DoesNotContain("\n" + Forged, output);
    }

    private static (ConnectionTrace Trace, Func<string> Text) Decoder(TraceClient? client = null)
    {
        MemoryStream stream = new();
        TraceOutput output = new(stream, ownsStream: false);
        Tracer tracer = new(Protocols.Value, new WaylandDebugFormat(output), Filter.All);
        ConnectionTrace trace = new(tracer, client ?? new TraceClient(1, 1, "test", tagged: false));
        return (trace, () =>
        {
            output.Flush();
            return Encoding.UTF8.GetString(stream.ToArray());
        });
    }

    private static void Decode(ConnectionTrace trace, bool request, byte[] message) =>
        Assert.Equal(message.Length, trace.Decode(request, message));
}
