using System.Diagnostics;
using Wayland.Protocols;
using Wayland.Testing;

namespace Wayland.Scanner.Tests;

/// <summary>
/// The generated <c>XxxNames</c> classes: the XML names of enum values from string literals, without reflection, on
/// the enums generated from wayland.xml (Wayland.Protocols) and on a protocol with aliases and deprecated entries.
/// </summary>
public class EnumNameTests
{
    [Fact]
    public void Defined_values_give_the_xml_name_as_the_same_literal_every_time()
    {
        Assert.Equal("argb8888", WlShmFormat.Argb8888.GetProtocolName());
        Assert.Equal("xrgb8888_a8", WlShmFormat.Xrgb8888A8.GetProtocolName());
        Assert.Equal("nv12", WlShmFormat.Nv12.GetProtocolName());
        Assert.Equal("90", WlOutputTransform.Transform90.GetProtocolName());
        Assert.Equal("flipped_270", WlOutputTransform.Flipped270.GetProtocolName());
        Assert.Equal("invalid_object", WlDisplayError.InvalidObject.GetProtocolName());
        // An interned literal, not a string built per call.
        Assert.Same(WlShmFormat.Xrgb8888.GetProtocolName(), WlShmFormat.Xrgb8888.GetProtocolName());
        Assert.Same(string.IsInterned("xrgb8888"), WlShmFormat.Xrgb8888.GetProtocolName());
    }

    [Fact]
    public void Every_defined_value_has_the_name_of_its_member()
    {
        foreach (WlShmFormat format in Enum.GetValues<WlShmFormat>())
        {
            string? name = format.GetProtocolName();
            Assert.NotNull(name);
            Assert.Equal(format.ToString().ToUpperInvariant(), name.Replace("_", "", StringComparison.Ordinal).ToUpperInvariant());
        }
    }

    [Fact]
    public void Undefined_values_give_null()
    {
        Assert.Null(((WlShmFormat)0x1234_5678).GetProtocolName());
        Assert.Null(((WlOutputTransform)8).GetProtocolName());
        Assert.Null(((WlSeatCapability)0).GetProtocolName());
        Assert.Null(((WlSeatCapability)3).GetProtocolName());
    }

    [Fact]
    public void Bitfields_format_as_xml_names_like_wayland_info()
    {
        // wayland-info prints a seat's capabilities as "pointer keyboard touch".
        Assert.Equal("pointer keyboard touch", (WlSeatCapability.Pointer | WlSeatCapability.Keyboard | WlSeatCapability.Touch).FormatProtocolNames());
        Assert.Equal("pointer, touch", (WlSeatCapability.Pointer | WlSeatCapability.Touch).FormatProtocolNames(", "));
        Assert.Same("keyboard", WlSeatCapability.Keyboard.FormatProtocolNames());
        Assert.Equal("current preferred", (WlOutputMode.Current | WlOutputMode.Preferred).FormatProtocolNames());
        // Bits no entry names come last as one hexadecimal number; zero without a zero entry is "0".
        Assert.Equal("pointer 0x80000008", ((WlSeatCapability)0x8000_0009).FormatProtocolNames());
        Assert.Equal("0x10", ((WlOutputMode)0x10).FormatProtocolNames());
        Assert.Equal("0", ((WlSeatCapability)0).FormatProtocolNames());
    }

    [Fact]
    public void Generated_lookups_handle_zero_entries_aliases_and_deprecated_entries()
    {
        const string Xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <protocol name="names">
              <interface name="zname_v1" version="2">
                <enum name="mode" bitfield="true">
                  <entry name="none" value="0"/>
                  <entry name="read" value="1"/>
                  <entry name="write" value="0x2"/>
                  <entry name="read_write" value="3"/>
                  <entry name="old_read" value="1" deprecated-since="2"/>
                </enum>
              </interface>
            </protocol>
            """;
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile("names.xml", Xml)], defaultNamespace: "Names.Protocols");
        Assert.True(run.GeneratorDiagnostics.Count == 0, GeneratorRun.Format(run.GeneratorDiagnostics));
        // No duplicate case for the alias, no use of the deprecated member: the code compiles without warnings.
        Assert.True(run.CompilationProblems.Count == 0, GeneratorRun.Format(run.CompilationProblems));
        string code = run.Sources.Single(s => s.Key.EndsWith(".Enums.g.cs", StringComparison.Ordinal)).Value;
        Assert.Contains("public static class ZnameV1ModeNames", code, StringComparison.Ordinal);
        Assert.Contains("1 => \"read\",", code, StringComparison.Ordinal);
        Assert.DoesNotContain("\"old_read\"", code, StringComparison.Ordinal);
        Assert.Contains("0 => \"none\",", code, StringComparison.Ordinal);
    }
}

/// <summary>
/// The bitfield names against Debian's wayland-info, which prints a seat's capabilities and a mode's flags by their XML
/// names. Alone, not beside the generator tests: its descriptor count is of the whole process.
/// </summary>
[Collection(nameof(EnumNameWaylandInfoTests))]
public sealed class EnumNameWaylandInfoTests : IDisposable
{
    private const WlSeatCapability Capabilities = WlSeatCapability.Pointer | WlSeatCapability.Keyboard | WlSeatCapability.Touch;
    private const WlOutputMode ModeFlags = WlOutputMode.Current | WlOutputMode.Preferred;

    private readonly OpenFds.Snapshot _fdsBefore = OpenFds.Take();
    private readonly RuntimeDirectory _runtime = RuntimeDirectory.Create("enum-names");
    private readonly Wayland.Server.Display _display = new();

    public void Dispose()
    {
        _display.Dispose();
        _runtime.Dispose();
        OpenFds.AssertUnchanged(_fdsBefore);
    }

    [Fact]
    public async Task Formatted_bitfields_read_as_wayland_info_prints_them()
    {
        // Version 1 of both: wayland-info then only listens (no wl_keyboard for repeat information, no done event).
        _display.CreateGlobal<Wayland.Server.Protocol.WlSeat>(1, seat =>
        {
            seat.Handler = new SeatHandler();
            seat.SendCapabilities(Capabilities);
        });
        _display.CreateGlobal<Wayland.Server.Protocol.WlOutput>(1, output =>
        {
            output.SendGeometry(0, 0, 300, 200, WlOutputSubpixel.Unknown, "make", "model", WlOutputTransform.Normal);
            output.SendMode(ModeFlags, 640, 480, 60000);
        });
        string socket = _display.AddSocket(Path.Combine(_runtime.Path, "wayland-names"));
        Task server = _display.RunAsync();
        ProcessStartInfo info = new("wayland-info");
        _runtime.Apply(info);
        info.Environment["WAYLAND_DISPLAY"] = socket;
        (int exit, string stdout, string stderr) = ProcessRunner.Run(info, TimeSpan.FromSeconds(30));
        _display.Terminate();
        await server.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(exit == 0, $"wayland-info exited with {exit}:\n{stdout}\n{stderr}");
        string text = System.Text.RegularExpressions.Regex.Replace(stdout, @"\s+", " ");
        Assert.Contains($"capabilities: {Capabilities.FormatProtocolNames()} ", text, StringComparison.Ordinal);
        Assert.Contains($"flags: {ModeFlags.FormatProtocolNames()}", text, StringComparison.Ordinal);
        Assert.Equal("pointer keyboard touch", Capabilities.FormatProtocolNames());
    }

    private sealed class SeatHandler : Wayland.Server.Protocol.WlSeat.IHandler
    {
    }
}

/// <summary>Runs <see cref="EnumNameWaylandInfoTests"/> with no other test class at the same time.</summary>
[CollectionDefinition(nameof(EnumNameWaylandInfoTests), DisableParallelization = true)]
public sealed class EnumNameWaylandInfoCollection;
