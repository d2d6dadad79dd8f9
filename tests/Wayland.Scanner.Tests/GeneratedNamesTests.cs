namespace Wayland.Scanner.Tests;

/// <summary>
/// Protocols that libwayland's wayland-scanner accepts but whose names clash in C#: with all three outputs (data,
/// client, server) the scanner either renames by its documented rules, and the code compiles without a warning, or
/// rejects the protocol with a diagnostic (DiagnosticTests).
/// </summary>
public class GeneratedNamesTests
{
    private const string Path = "/protocols/names.xml";

    public static TheoryData<string, string> Protocols() => new()
    {
        // An entry starting with a digit takes the enum's name, which starts with a digit too.
        { "digit enum and entry", """
            <interface name="t2" version="1">
              <enum name="1e"><entry name="1" value="1"/><entry name="x" value="2"/></enum>
            </interface>
            """ },
        // Names whose C# form would start with a digit keep an underscore.
        { "underscore and digit", """
            <interface name="_1" version="1">
              <request name="_2"><arg name="_3" type="int"/><arg name="_4_x" type="object" interface="_1"/></request>
              <event name="_5"><arg name="_6" type="uint"/></event>
              <enum name="_7"><entry name="_8" value="1"/></enum>
            </interface>
            """ },
        // Parameters the generator adds (version, interfaceName, sender, resource) give way to arguments.
        { "untyped new_id beside version", """
            <interface name="t" version="1">
              <request name="bind"><arg name="version" type="uint"/><arg name="interface_name" type="string"/><arg name="id" type="new_id"/></request>
            </interface>
            """ },
        { "event argument sender", """
            <interface name="t" version="1">
              <event name="e"><arg name="sender" type="int"/><arg name="resource" type="int"/></event>
            </interface>
            """ },
        { "request argument resource", """
            <interface name="t" version="1">
              <request name="r"><arg name="resource" type="int"/><arg name="sender" type="int"/></request>
            </interface>
            """ },
        // Messages named like their class, or whose event delegate would be.
        { "message named like the interface", """
            <interface name="t_i" version="1">
              <request name="t_i"/>
              <event name="t_i"/>
            </interface>
            <interface name="x_handler" version="1">
              <event name="x"/>
              <request name="r"/>
            </interface>
            <interface name="send_x" version="1">
              <event name="x"/>
            </interface>
            """ },
        // Members of object: constants of Requests/Events hide them on purpose; proxies and resources rename.
        { "object members", """
            <interface name="t" version="1">
              <request name="to_string"/><request name="equals"/><request name="get_hash_code"/><request name="get_type"/>
              <request name="reference_equals"/><request name="memberwise_clone"/><request name="finalize"/>
              <event name="to_string"/><event name="equals"/><event name="get_hash_code"/><event name="get_type"/>
              <event name="reference_equals"/><event name="memberwise_clone"/><event name="finalize"/>
              <enum name="e">
                <entry name="to_string" value="0"/><entry name="equals" value="1"/><entry name="get_hash_code" value="2"/>
                <entry name="get_type" value="3"/><entry name="has_flag" value="4"/><entry name="compare_to" value="5"/>
                <entry name="get_type_code" value="6"/>
              </enum>
            </interface>
            """ },
        // Members of Proxy and Resource, and renamed names that another message has already.
        { "runtime members", """
            <interface name="t" version="1">
              <request name="send_request_with_fds"/><request name="send_constructor_with_fds"/><request name="dispose"/>
              <request name="dispose_request"/><request name="i_handler"/><request name="i_handler_request"/>
              <event name="event"/><event name="event_event"/><event name="dispose"/>
            </interface>
            """ },
        // Class names that differ in case alone: their files must not.
        { "class names differing in case", """
            <interface name="ab_c" version="1"><request name="r"/></interface>
            <interface name="a_bc" version="1"><request name="r"/></interface>
            """ },
    };

    [Theory]
    [MemberData(nameof(Protocols))]
    public void Accepted_protocols_compile_without_warnings(string what, string body)
    {
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile(Path, Protocol(body))], defaultNamespace: "Names.Protocols", outputs: "data,client,server");

        Assert.True(run.GeneratorDiagnostics.Count == 0, $"{what}:\n{GeneratorRun.Format(run.GeneratorDiagnostics)}");
        Assert.NotEmpty(run.Sources);
        Assert.True(run.CompilationProblems.Count == 0, $"{what}:\n{GeneratorRun.Format(run.CompilationProblems)}");
    }

    [Fact]
    public void Renamed_members_follow_the_documented_rules()
    {
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile(Path, Protocol(Body("runtime members")))], defaultNamespace: "Names.Protocols",
            outputs: "data,client,server");
        string client = run.Sources["Names.Protocols.Client.T.Client.g.cs"];
        string server = run.Sources["Names.Protocols.Server.T.Server.g.cs"];

        Assert.Contains("public void SendRequestWithFdsRequest()", client, StringComparison.Ordinal);
        // dispose takes the suffix; dispose_request has that name naturally, so the suffix comes twice.
        Assert.Contains("public void DisposeRequest()", client, StringComparison.Ordinal);
        Assert.Contains("public void DisposeRequestRequest()", client, StringComparison.Ordinal);
        Assert.Contains("void IHandlerRequestRequest(T resource)", server, StringComparison.Ordinal);
        Assert.Contains("void IHandlerRequest(T resource)", server, StringComparison.Ordinal);
        Assert.Contains("public void SendEventEventEvent()", server, StringComparison.Ordinal);
        Assert.Contains("public void SendEventEvent()", server, StringComparison.Ordinal);

        GeneratorRun added = GeneratorHarness.Run([new ProtocolFile(Path, Protocol(Body("untyped new_id beside version")))], defaultNamespace: "Names.Protocols",
            outputs: "client,server");
        Assert.Contains("public T Bind<T>(uint version, string interfaceName, uint _version)", added.Sources["Names.Protocols.Client.T.Client.g.cs"], StringComparison.Ordinal);
        Assert.Contains("void Bind(T resource, uint version, string interfaceName, string _interfaceName, uint _version, uint id)",
            added.Sources["Names.Protocols.Server.T.Server.g.cs"], StringComparison.Ordinal);

        GeneratorRun digits = GeneratorHarness.Run([new ProtocolFile(Path, Protocol(Body("digit enum and entry")))], defaultNamespace: "Names.Protocols");
        Assert.Contains("    _1e1 = 1,", digits.Sources["Names.Protocols.T2.Enums.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Files_whose_names_differ_in_case_alone_are_numbered()
    {
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile(Path, Protocol(Body("class names differing in case")))], defaultNamespace: "Names.Protocols",
            outputs: "data,client");

        Assert.Equal(
            ["Names.Protocols.ABcInterface.2.g.cs", "Names.Protocols.AbCInterface.g.cs", "Names.Protocols.Client.ABc.Client.2.g.cs", "Names.Protocols.Client.AbC.Client.g.cs"],
            run.Sources.Keys.Order(StringComparer.Ordinal));
    }

    private static string Body(string what) => (string)Protocols().Single(row => (string)row[0] == what)[1];

    private static string Protocol(string body) =>
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<protocol name=\"names\">\n" + body + "\n</protocol>\n";
}
