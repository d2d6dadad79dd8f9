namespace Wayland.Scanner.Tests;

/// <summary>
/// Client proxies (WaylandScannerOutputs=data,client) for Snapshots/sample-shapes.xml, compiled in an assembly
/// of their own that references Wayland.Client without any InternalsVisibleTo, as a user's would be; compared
/// with Snapshots/SampleShapesClient (UPDATE_SNAPSHOTS=1 rewrites them).
/// </summary>
public class ClientEmitterTests
{
    private const string Namespace = "Sample.Protocols";

    private static string SampleXml => Path.Combine(TestPaths.SourceDirectory, "Snapshots", "sample-shapes.xml");

    private static string SnapshotDirectory => Path.Combine(TestPaths.SourceDirectory, "Snapshots", "SampleShapesClient");

    private static GeneratorRun Generate() =>
        GeneratorHarness.Run([ProtocolFile.FromDisk(SampleXml)], defaultNamespace: Namespace, referenceProtocols: true, outputs: "data,client");

    [Fact]
    public void Client_proxies_compile_outside_the_runtime_assembly_and_match_their_snapshots()
    {
        GeneratorRun run = Generate();
        Assert.True(run.GeneratorDiagnostics.Count == 0, GeneratorRun.Format(run.GeneratorDiagnostics));
        Assert.True(run.CompilationProblems.Count == 0, GeneratorRun.Format(run.CompilationProblems));

        Dictionary<string, string> client = run.Sources.Where(s => s.Key.EndsWith(".Client.g.cs", StringComparison.Ordinal))
            .ToDictionary(s => s.Key, s => s.Value);
        Assert.NotEmpty(client);
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(SnapshotDirectory);
            foreach (string stale in Directory.GetFiles(SnapshotDirectory))
            {
                File.Delete(stale);
            }

            foreach ((string hint, string text) in client)
            {
                File.WriteAllText(Path.Combine(SnapshotDirectory, hint), text);
            }
        }

        Assert.True(Directory.Exists(SnapshotDirectory), "no snapshots yet: run the tests once with UPDATE_SNAPSHOTS=1");
        Assert.Equal(Directory.GetFiles(SnapshotDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal), client.Keys.Order(StringComparer.Ordinal));
        foreach ((string hint, string text) in client)
        {
            Assert.True(File.ReadAllText(Path.Combine(SnapshotDirectory, hint)).ReplaceLineEndings("\n") == text,
                $"{hint} differs from its snapshot (UPDATE_SNAPSHOTS=1 refreshes it)");
        }
    }

    [Fact]
    public void Client_namespace_follows_the_data_namespace()
    {
        GeneratorRun run = Generate();
        string canvas = run.Sources[$"Sample.Protocols.Client.ZsampleCanvasV1.Client.g.cs"];
        Assert.Contains("namespace Sample.Protocols.Client;", canvas, StringComparison.Ordinal);
        Assert.Contains(": global::Wayland.Client.Proxy, global::Wayland.Client.IProxyFactory<ZsampleCanvasV1>", canvas, StringComparison.Ordinal);
        // A reference into wayland.xml resolves to the proxy the Wayland.Client assembly ships.
        Assert.Contains("global::Wayland.Client.Protocol.WlSurface", canvas, StringComparison.Ordinal);
    }

    [Fact]
    public void Fd_requests_hand_their_handles_to_the_runtime_and_encode_nothing_else_for_them()
    {
        const string xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <protocol name="fd_shapes">
              <interface name="fd_pool" version="1"/>
              <interface name="fd_maker" version="1">
                <request name="send_two">
                  <arg name="first" type="fd"/>
                  <arg name="size" type="uint"/>
                  <arg name="second" type="fd"/>
                </request>
                <request name="create_pool">
                  <arg name="id" type="new_id" interface="fd_pool"/>
                  <arg name="fd" type="fd"/>
                  <arg name="size" type="int"/>
                </request>
                <event name="keymap">
                  <arg name="fd" type="fd"/>
                  <arg name="size" type="uint"/>
                </event>
              </interface>
            </protocol>
            """;
        GeneratorRun run = GeneratorHarness.Run([new ProtocolFile("/p/fd-shapes.xml", xml)], defaultNamespace: "Fd.Protocols", outputs: "data,client,server");
        Assert.True(run.GeneratorDiagnostics.Count == 0, GeneratorRun.Format(run.GeneratorDiagnostics));
        Assert.True(run.CompilationProblems.Count == 0, GeneratorRun.Format(run.CompilationProblems));

        // The connection references each handle until the sendmsg that carries it, and fds take no bytes on the
        // wire: the request itself neither references the handles nor records their numbers.
        string client = run.Sources["Fd.Protocols.Client.FdMaker.Client.g.cs"];
        string sendTwo = MethodBody(client, "public void SendTwo(");
        string createPool = MethodBody(client, "public global::Fd.Protocols.Client.FdPool CreatePool(");
        foreach (string body in new[] { sendTwo, createPool })
        {
            foreach (string redundant in new[] { "DangerousAddRef", "DangerousRelease", "DangerousGetHandle", "WriteFd", "__fds", "finally", "stackalloc int" })
            {
                Assert.DoesNotContain(redundant, body, StringComparison.Ordinal);
            }
        }

        Assert.Contains("global::System.ArgumentNullException.ThrowIfNull(first);", sendTwo, StringComparison.Ordinal);
        Assert.Contains("global::System.ArgumentNullException.ThrowIfNull(second);", sendTwo, StringComparison.Ordinal);
        Assert.Contains("stackalloc byte[12]", sendTwo, StringComparison.Ordinal);
        Assert.Contains("__buffer[..__writer.Length], [first, second]);", sendTwo, StringComparison.Ordinal);
        Assert.Contains("SendConstructorWithFds<global::Fd.Protocols.Client.FdPool>(", createPool, StringComparison.Ordinal);
        Assert.Contains("__buffer[..__writer.Length], [fd], __newId);", createPool, StringComparison.Ordinal);

        // A server's event still records the numbers, referencing the handles while the connection duplicates them.
        string keymap = MethodBody(run.Sources["Fd.Protocols.Server.FdMaker.Server.g.cs"], "public void SendKeymap(");
        Assert.Contains("fd.DangerousAddRef(ref __refFd);", keymap, StringComparison.Ordinal);
        Assert.Contains("__writer.WriteFd((int)fd.DangerousGetHandle());", keymap, StringComparison.Ordinal);
        Assert.Contains("__buffer[..__writer.Length], __writer.Fds);", keymap, StringComparison.Ordinal);
    }

    /// <summary>The text of a generated member from its signature to its closing brace (members are indented by four).</summary>
    private static string MethodBody(string source, string signature)
    {
        int start = source.IndexOf(signature, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {signature} in:\n{source}");
        int end = source.IndexOf("\n    }\n", start, StringComparison.Ordinal);
        Assert.True(end > start);
        return source[start..end];
    }

    [Theory]
    [InlineData("Wayland.Protocols", "Wayland.Client.Protocol")]
    [InlineData("Wayland.Protocols.XdgShellUnstableV5", "Wayland.Client.Protocol.XdgShellUnstableV5")]
    [InlineData("My.Protocols", "My.Protocols.Client")]
    public void Client_namespace_mapping(string data, string client) => Assert.Equal(client, Naming.ClientNamespace(data));

    [Theory]
    [InlineData(null, 1)]
    [InlineData("client", 2)]
    [InlineData("data,client", 3)]
    [InlineData(" Data , Server ", 5)]
    [InlineData("nonsense", 1)]
    public void Outputs_property_parsing(string? text, int expected) =>
        Assert.Equal((ScannerOutputs)expected, Generator.WaylandProtocolGenerator.ParseOutputs(text));
}
