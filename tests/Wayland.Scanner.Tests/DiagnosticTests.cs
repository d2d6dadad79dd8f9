using Microsoft.CodeAnalysis;
using Wayland.Scanner.Diagnostics;
using Wayland.Scanner.Emit;
using Wayland.Scanner.Model;

namespace Wayland.Scanner.Tests;

/// <summary>
/// One test per diagnostic rule: the bad XML yields exactly that diagnostic, with its id, severity, file and
/// line (the line marked <c>&lt;!--HERE--&gt;</c>); errors suppress that file's output, warnings do not.
/// </summary>
public class DiagnosticTests
{
    private const string Marker = "<!--HERE-->";
    private const string Path = "/protocols/test-protocol.xml";

    public static TheoryData<string, string> SingleFileCases() => new()
    {
        { "WLS001", """
            <interface name="a" version="1">
            </interfac> <!--HERE-->
            """ },
        { "WLS002", """
            <interface version="1"> <!--HERE-->
              <request name="r"/>
            </interface>
            """ },
        { "WLS002", """
            <interface name="a" version="1">
              <request name="r">
                <arg type="int"/> <!--HERE-->
              </request>
            </interface>
            """ },
        { "WLS002", """
            <interface name="a" version="1">
              <enum name="e">
                <entry name="x"/> <!--HERE-->
              </enum>
            </interface>
            """ },
        { "WLS003", """
            <interface name="a" version="1">
              <request name="r">
                <arg name="x" type="float"/> <!--HERE-->
              </request>
            </interface>
            """ },
        { "WLS004", """
            <interface name="a" version="one"> <!--HERE-->
              <request name="r"/>
            </interface>
            """ },
        { "WLS004", """
            <interface name="a" version="1">
              <request name="r" since="0"/> <!--HERE-->
            </interface>
            """ },
        { "WLS004", """
            <interface name="a" version="1">
              <enum name="e">
                <entry name="x" value="0x1zz"/> <!--HERE-->
              </enum>
            </interface>
            """ },
        { "WLS005", """
            <interface name="a" version="2">
              <request name="r" since="3"/> <!--HERE-->
            </interface>
            """ },
        { "WLS005", """
            <interface name="a" version="2">
              <enum name="e">
                <entry name="x" value="1" since="4"/> <!--HERE-->
              </enum>
            </interface>
            """ },
        { "WLS006", ArgumentCase("""<arg name="x" type="int" allow-null="true"/>""") },
        { "WLS006", ArgumentCase("""<arg name="x" type="uint" allow-null="true"/>""") },
        { "WLS006", ArgumentCase("""<arg name="x" type="fixed" allow-null="true"/>""") },
        { "WLS006", ArgumentCase("""<arg name="x" type="new_id" interface="a" allow-null="true"/>""") },
        { "WLS006", ArgumentCase("""<arg name="x" type="fd" allow-null="true"/>""") },
        { "WLS007", ArgumentCase("""<arg name="x" type="string" allow-null="yes"/>""") },
        { "WLS008", """
            <interface name="a" version="1">
              <request name="r">
                <arg name="x" type="int" enum="flags"/> <!--HERE-->
              </request>
              <enum name="flags" bitfield="true">
                <entry name="one" value="1"/>
              </enum>
            </interface>
            """ },
        { "WLS009", """
            <interface name="a" version="1">
              <request name="r">
                <arg name="x" type="string" enum="kind"/> <!--HERE-->
              </request>
              <enum name="kind">
                <entry name="one" value="1"/>
              </enum>
            </interface>
            """ },
        { "WLS010", """
            <interface name="a" version="1">
              <request name="destroy"/> <!--HERE-->
            </interface>
            """ },
        { "WLS011", """
            <interface name="a" version="1">
              <request name="r" type="constructor"/> <!--HERE-->
            </interface>
            """ },
        { "WLS012", """
            <interface name="wl-surface" version="1"> <!--HERE-->
              <request name="r"/>
            </interface>
            """ },
        { "WLS012", ArgumentCase("""<arg name="1x" type="int"/>""") },
        { "WLS012", ArgumentCase("""<arg name="x" type="object" interface="a b"/>""") },
        { "WLS012", ArgumentCase("""<arg name="x" type="uint" enum="a.kind.x"/>""") },
        { "WLS012", ArgumentCase("""<arg name="x" type="uint" enum="1a.kind"/>""") },
        { "WLS012", """
            <interface name="a" version="1">
              <enum name="e">
                <entry name="a-b" value="1"/> <!--HERE-->
              </enum>
            </interface>
            """ },
        { "WLS013", """
            <interface name="a" version="1">
              <request name="r"/>
              <request name="r"/> <!--HERE-->
            </interface>
            """ },
        { "WLS013", """
            <interface name="a" version="1">
              <request name="r">
                <arg name="x" type="int"/>
                <arg name="x" type="uint"/> <!--HERE-->
              </request>
            </interface>
            """ },
        { "WLS013", """
            <interface name="a" version="1">
              <enum name="e">
                <entry name="x" value="1"/>
                <entry name="x" value="2"/> <!--HERE-->
              </enum>
            </interface>
            """ },
        { "WLS013", """
            <interface name="a" version="1">
              <request name="r"/>
            </interface>
            <interface name="a" version="1"> <!--HERE-->
              <request name="s"/>
            </interface>
            """ },
        { "WLS014", ArgumentCase("""<arg name="x" type="uint" enum="nope"/>""") },
        { "WLS014", ArgumentCase("""<arg name="x" type="uint" enum="a.nope"/>""") },
        { "WLS015", ArgumentCase("""<arg name="x" type="object" interface="nowhere_v1"/>""") },
        { "WLS015", ArgumentCase("""<arg name="x" type="uint" enum="nowhere_v1.kind"/>""") },
        { "WLS017", ArgumentCase("""<arg name="x" type="uint" interface="a"/>""") },
        { "WLS018", """
            <interface name="a" version="2">
              <request name="r" since="2"/>
              <request name="s" since="1"/> <!--HERE-->
            </interface>
            """ },
        { "WLS019", """
            <interface name="a" version="1">
              <enum name="e"> <!--HERE-->
              </enum>
            </interface>
            """ },
        { "WLS020", ArgumentCase(string.Concat(Enumerable.Range(0, 21).Select(i => $"""<arg name="x{i}" type="int"/>""")), markRequest: true) },
        // An untyped new_id counts three: 3 + 18.
        { "WLS020", ArgumentCase("""<arg name="id" type="new_id"/>""" + string.Concat(Enumerable.Range(0, 18).Select(i => $"""<arg name="x{i}" type="int"/>""")), markRequest: true) },
        { "WLS020", ArgumentCase("""<arg name="x" type="new_id" interface="a"/><arg name="y" type="new_id" interface="a"/>""") },
        { "WLS020", ArgumentCase("""<arg name="x" type="new_id"/><arg name="y" type="new_id"/>""") },
        { "WLS022", """
            <interface name="a" version="1">
              <request name="foo"/>
              <request name="foo_since"/> <!--HERE-->
            </interface>
            """ },
        { "WLS022", """
            <interface name="a" version="1">
              <request name="requests"/> <!--HERE-->
            </interface>
            """ },
        { "WLS022", ArgumentCase("""<arg name="a_b" type="int"/><arg name="aB" type="int"/>""") },
        { "WLS022", """
            <interface name="handler" version="1"> <!--HERE-->
              <request name="r"/>
            </interface>
            """ },
        { "WLS022", """
            <interface name="i_handler" version="1"> <!--HERE-->
              <request name="r"/>
            </interface>
            """ },
        { "WLS022", """
            <interface name="dispatch_event" version="1"> <!--HERE-->
              <event name="e"/>
            </interface>
            """ },
        { "WLS022", """
            <interface name="a" version="1">
              <enum name="b">
                <entry name="x" value="1"/>
              </enum>
            </interface>
            <interface name="a_b" version="1"> <!--HERE-->
              <request name="r"/>
            </interface>
            """ },
        { "WLS022", """
            <interface name="a" version="1">
              <enum name="b">
                <entry name="x" value="1"/>
              </enum>
              <enum name="b_names"> <!--HERE-->
                <entry name="x" value="1"/>
              </enum>
            </interface>
            """ },
    };

    [Theory]
    [MemberData(nameof(SingleFileCases))]
    public void BadXml_ReportsTheRule_AtTheMarkedLine(string id, string body)
    {
        string xml = Protocol(body);
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile(Path, xml)]);

        Diagnostic diagnostic = AssertSingle(run, id);
        AssertAt(diagnostic, Path, LineOf(xml));
        DiagnosticRule rule = DiagnosticRules.All.Single(r => r.Id == id);
        if (rule.Severity == DiagnosticSeverityLevel.Error)
        {
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            Assert.Empty(run.Sources);
        }
        else
        {
            Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
            Assert.NotEmpty(run.Sources);
            Assert.True(run.CompilationProblems.Count == 0, GeneratorRun.Format(run.CompilationProblems));
        }
    }

    [Fact]
    public void WLS001_RootElementMustBeProtocol()
    {
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile(Path, "<?xml version=\"1.0\"?>\n<interface name=\"a\" version=\"1\"/>")]);
        AssertAt(AssertSingle(run, "WLS001"), Path, 2);
    }

    [Fact]
    public void WLS001_NestingDeeperThan256Elements_IsRejectedAtTheElement()
    {
        // protocol, interface, description, then <x> down to the given depth.
        static string Nested(int depth) => Protocol($"""
            <interface name="a" version="1"><description summary="s">
            {string.Concat(Enumerable.Repeat("<x>", depth - 4))}
            <x> <!--HERE-->
            {string.Concat(Enumerable.Repeat("</x>", depth - 3))}
            </description><request name="r"/></interface>
            """);

        string deep = Nested(257);
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile(Path, deep)]);
        Diagnostic diagnostic = AssertSingle(run, "WLS001");
        AssertAt(diagnostic, Path, LineOf(deep));
        Assert.Contains("<x> is nested more than 256 elements deep", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Empty(run.Sources);

        GeneratorRun accepted = GeneratorHarness.Run([new ProtocolFile(Path, Nested(256))]);
        Assert.Empty(accepted.GeneratorDiagnostics);
        Assert.NotEmpty(accepted.Sources);
    }

    [Theory]
    [InlineData('x', (16 * 1024 * 1024) + 1)]
    [InlineData('\u00e9', (8 * 1024 * 1024) + 1)] // two bytes of UTF-8 each
    public void WLS001_FileLargerThan16MiB_IsRejected(char filler, int count)
    {
        string xml = Protocol($"""<interface name="a" version="1"><description summary="s">{new string(filler, count)}</description><request name="r"/></interface>""");
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile(Path, xml)]);
        Diagnostic diagnostic = AssertSingle(run, "WLS001");
        AssertAt(diagnostic, Path, 1);
        Assert.Equal("the file is larger than 16 MiB, the limit for protocol files (real ones are a few hundred KiB)", diagnostic.GetMessage());
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("", "the file is empty; a protocol file has a <protocol> element")]
    [InlineData(" \n\t", "the file is empty; a protocol file has a <protocol> element")]
    [InlineData("<?xml version=\"1.0\"?>", "Root element is missing.")]
    public void WLS001_EmptyFile_IsNamed(string xml, string message)
    {
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile(Path, xml)]);
        Diagnostic diagnostic = AssertSingle(run, "WLS001");
        AssertAt(diagnostic, Path, 1);
        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Fact]
    public void WLS001_UnreadableFile_IsNamed()
    {
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile(Path, string.Empty, Unreadable: true)]);
        Diagnostic diagnostic = AssertSingle(run, "WLS001");
        AssertAt(diagnostic, Path, 1);
        Assert.StartsWith("cannot read the file", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void WLS001_EntitiesOfADtd_SayThatDtdsAreNotSupported()
    {
        string xml = """
            <?xml version="1.0"?>
            <!DOCTYPE protocol [<!ENTITY name "hello">]>
            <protocol name="p"><interface name="a" version="1"><description summary="s">&name;</description></interface></protocol> <!--HERE-->
            """;
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile(Path, xml)]);
        Diagnostic diagnostic = AssertSingle(run, "WLS001");
        AssertAt(diagnostic, Path, LineOf(xml));
        Assert.StartsWith("DTDs are not supported, so the entities this file declares in <!DOCTYPE> are not either: Reference to undeclared entity 'name'.",
            diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Names_WithLineBreaks_StayOnOneLineOfTheLog()
    {
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile(Path, Protocol("<interface name=\"a&#10;b.xml(1,1): error CS0000: fake\" version=\"1\"/>"))]);
        Diagnostic diagnostic = AssertSingle(run, "WLS012");
        Assert.Equal("interface name 'a\\u000ab.xml(1,1): error CS0000: fake' is not a valid identifier (it must match [A-Za-z_][A-Za-z0-9_]* and contain a letter or digit)",
            diagnostic.GetMessage());
    }

    [Fact]
    public void WLS023_UnknownOutputs_AreReported_AndIgnored()
    {
        string xml = Protocol("""<interface name="a" version="1"><request name="r"/></interface>""");
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile(Path, xml)], outputs: "data;clients");
        Diagnostic diagnostic = AssertSingle(run, "WLS023");
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Equal(Location.None, diagnostic.Location);
        Assert.Equal("WaylandScannerOutputs: 'clients' is not an output and is ignored (the outputs are data, client and server)", diagnostic.GetMessage());
        Assert.Equal(["Wayland.Protocols.AInterface.g.cs"], run.Sources.Keys);
    }

    [Fact]
    public void WLS024_GeneratedCodeLargerThan256MiB()
    {
        // Every generated file repeats the copyright: 4 MiB in each of 70 files.
        string copyright = string.Concat(Enumerable.Repeat(new string('c', 1023) + "\n", 4096));
        string interfaces = string.Concat(Enumerable.Range(0, 70).Select(i => $"<interface name=\"a{i}\" version=\"1\"/>"));
        string xml = Protocol($"<copyright>{copyright}</copyright>\n{interfaces}");
        ScanResult result = ProtocolScanner.Run([new ProtocolSource(Path, xml, null)], new ScannerOptions());
        ScanDiagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("WLS024", diagnostic.Rule.Id);
        Assert.Equal(2, diagnostic.Position!.Line);
        Assert.Contains("larger than 256 MiB (70 interfaces, each file repeating a 4096 KiB copyright)", diagnostic.Message, StringComparison.Ordinal);
        Assert.Empty(result.Files);
    }

    [Fact]
    public void WLS001_MalformedFile_DoesNotStopOtherFiles()
    {
        GeneratorRun run = GeneratorHarness.Run([
            new ProtocolFile("/p/bad.xml", "<protocol name=\"bad\"><interface"),
            new ProtocolFile("/p/good.xml", Protocol("""<interface name="good" version="1"><request name="r"/></interface>""")),
        ]);
        AssertAt(AssertSingle(run, "WLS001"), "/p/bad.xml", 1);
        Assert.Equal(["Wayland.Protocols.GoodInterface.g.cs"], run.Sources.Keys);
    }

    [Fact]
    public void WLS013_SameInterfaceInTwoFilesOfOneNamespace()
    {
        string second = Protocol("""
            <interface name="a" version="1"> <!--HERE-->
              <request name="r"/>
            </interface>
            """);
        GeneratorRun run = GeneratorHarness.Run([
            new ProtocolFile("/p/first.xml", Protocol("""<interface name="a" version="1"><request name="r"/></interface>""")),
            new ProtocolFile("/p/second.xml", second),
        ]);
        AssertAt(AssertSingle(run, "WLS013"), "/p/second.xml", LineOf(second));

        // In separate namespaces both are fine.
        GeneratorRun separate = GeneratorHarness.Run([
            new ProtocolFile("/p/first.xml", Protocol("""<interface name="a" version="1"><request name="r"/></interface>""")),
            new ProtocolFile("/p/second.xml", second, Namespace: "Other.Ns"),
        ]);
        Assert.Empty(separate.GeneratorDiagnostics);
        Assert.Empty(separate.CompilationProblems);
    }

    [Fact]
    public void WLS016_InterfaceDeclaredInSeveralNamespaces()
    {
        string user = Protocol("""
            <interface name="user" version="1">
              <request name="r">
                <arg name="x" type="object" interface="shared"/> <!--HERE-->
              </request>
            </interface>
            """);
        string shared = Protocol("""<interface name="shared" version="1"><request name="r"/></interface>""");
        GeneratorRun run = GeneratorHarness.Run([
            new ProtocolFile("/p/one.xml", shared, Namespace: "One"),
            new ProtocolFile("/p/two.xml", shared, Namespace: "Two"),
            new ProtocolFile("/p/user.xml", user, Namespace: "Three"),
        ]);
        Diagnostic diagnostic = AssertSingle(run, "WLS016");
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        AssertAt(diagnostic, "/p/user.xml", LineOf(user));
        Assert.Empty(run.CompilationProblems);
    }

    [Fact]
    public void WLS021_InvalidNamespace()
    {
        string xml = Protocol("""<interface name="a" version="1"><request name="r"/></interface>""");
        GeneratorRun perFile = GeneratorHarness.Run([new ProtocolFile(Path, xml, Namespace: "My..Protocols")]);
        AssertAt(AssertSingle(perFile, "WLS021"), Path, 1);
        Assert.Empty(perFile.Sources);

        GeneratorRun global = GeneratorHarness.Run([new ProtocolFile(Path, xml)], defaultNamespace: "class");
        Assert.Equal(Location.None, AssertSingle(global, "WLS021").Location);
    }

    [Fact]
    public void WLS900_AnExceptionInsideTheScanner_BecomesADiagnostic()
    {
        string xml = Protocol("""<interface name="a" version="1"><request name="r"/></interface>""");
        ScanResult result = ProtocolScanner.Run([new ProtocolSource(Path, xml, null)], new ScannerOptions(), emitters: [new ThrowingEmitter()]);
        ScanDiagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("WLS900", diagnostic.Rule.Id);
        Assert.Contains("emitter failed", diagnostic.Message, StringComparison.Ordinal);
        Assert.Empty(result.Files);
    }

    [Fact]
    public void UnknownInterface_IsStillUsable_WithoutALink()
    {
        string xml = ArgumentCase("""<arg name="x" type="object" interface="nowhere_v1"/>""");
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile(Path, Protocol(xml))]);
        AssertSingle(run, "WLS015");
        string source = run.Sources["Wayland.Protocols.AInterface.g.cs"];
        Assert.Contains("interfaceName: \"nowhere_v1\")", source, StringComparison.Ordinal);
    }

    [Fact]
    public void FilesWithoutTheMetadata_AreIgnored()
    {
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile("/p/other.xml", "not even xml", OptedIn: false)]);
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.Sources);
    }

    [Theory]
    [InlineData("")]
    [InlineData("<")]
    [InlineData("<protocol/>")]
    [InlineData("<protocol name=\"p\"><interface name=\"a\" version=\"1\"><request><arg/></request><enum/><event name=\"e\"><arg name=\"x\" type=\"new_id\" interface=\"\"/></event></interface></protocol>")]
    [InlineData("<protocol name=\"p\"><interface name=\"\" version=\"99999999999\"/><interface name=\"b\" version=\"1\"><event name=\"e\" since=\"-1\" deprecated-since=\"x\"><arg name=\"a\" type=\"int\" enum=\".\"/></event></interface></protocol>")]
    [InlineData("<!DOCTYPE protocol SYSTEM \"wayland.dtd\"><protocol name=\"p\"><interface name=\"a\" version=\"1\"><request name=\"r\"><arg name=\"x\" type=\"uint\" enum=\"..\"/></request></interface></protocol>")]
    public void Garbage_NeverThrows_AndNeverProducesUncompilableCode(string xml)
    {
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile(Path, xml)]);
        Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "WLS900");
        Assert.True(run.CompilationProblems.Count == 0, GeneratorRun.Format(run.CompilationProblems));
    }

    [Fact]
    public void RoslynDescriptors_MatchTheSharedRules()
    {
        Assert.Equal(DiagnosticRules.All.Select(r => r.Id), Generator.GeneratorDiagnostics.ById.Keys.Order(StringComparer.Ordinal));
        foreach (DiagnosticRule rule in DiagnosticRules.All)
        {
            DiagnosticDescriptor descriptor = Generator.GeneratorDiagnostics.ById[rule.Id];
            Assert.Equal(rule.Title, descriptor.Title.ToString());
            Assert.Equal(rule.Severity == DiagnosticSeverityLevel.Error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning, descriptor.DefaultSeverity);
        }
    }

    private static string Protocol(string body) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<protocol name=\"test\">\n" + body + "\n</protocol>\n";

    /// <summary>An interface <c>a</c> with one request whose arguments are <paramref name="arguments"/>, marked.</summary>
    private static string ArgumentCase(string arguments, bool markRequest = false) => $"""
        <interface name="a" version="1">
          <request name="r">{(markRequest ? " " + Marker : string.Empty)}
            {arguments}{(markRequest ? string.Empty : " " + Marker)}
          </request>
          <enum name="kind">
            <entry name="one" value="1"/>
          </enum>
        </interface>
        """;

    private static int LineOf(string xml)
    {
        string[] lines = xml.Split('\n');
        int index = Array.FindIndex(lines, l => l.Contains(Marker, StringComparison.Ordinal));
        Assert.True(index >= 0, "test XML has no marker");
        return index + 1;
    }

    private static Diagnostic AssertSingle(GeneratorRun run, string id)
    {
        Assert.True(run.GeneratorDiagnostics.Count == 1 && run.GeneratorDiagnostics[0].Id == id,
            $"expected exactly one {id}, got:\n{GeneratorRun.Format(run.GeneratorDiagnostics)}");
        return run.GeneratorDiagnostics[0];
    }

    private static void AssertAt(Diagnostic diagnostic, string path, int line)
    {
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.Equal(path, span.Path);
        Assert.True(line == span.StartLinePosition.Line + 1, $"expected line {line}: {diagnostic}");
    }

    private sealed class ThrowingEmitter : IInterfaceEmitter
    {
        public string Namespace(ProtocolModel protocol) => protocol.Namespace;

        public string? HintName(InterfaceModel iface) => "x.g.cs";

        public void Emit(InterfaceModel iface, EmitContext context, CodeWriter writer) =>
            throw new InvalidOperationException("emitter failed");
    }
}
