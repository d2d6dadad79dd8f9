namespace Wayland.Scanner.Tests;

/// <summary>
/// Server resources (WaylandScannerOutputs=data,server) for Snapshots/sample-shapes.xml, compiled in an assembly
/// of their own that references Wayland.Server without any InternalsVisibleTo, as a user's would be; compared
/// with Snapshots/SampleShapesServer (UPDATE_SNAPSHOTS=1 rewrites them).
/// </summary>
public class ServerEmitterTests
{
    private const string Namespace = "Sample.Protocols";

    private static string SampleXml => Path.Combine(TestPaths.SourceDirectory, "Snapshots", "sample-shapes.xml");

    private static string SnapshotDirectory => Path.Combine(TestPaths.SourceDirectory, "Snapshots", "SampleShapesServer");

    private static GeneratorRun Generate() =>
        GeneratorHarness.Run([ProtocolFile.FromDisk(SampleXml)], defaultNamespace: Namespace, referenceProtocols: true, outputs: "data,server");

    [Fact]
    public void Server_resources_compile_outside_the_runtime_assembly_and_match_their_snapshots()
    {
        GeneratorRun run = Generate();
        Assert.True(run.GeneratorDiagnostics.Count == 0, GeneratorRun.Format(run.GeneratorDiagnostics));
        Assert.True(run.CompilationProblems.Count == 0, GeneratorRun.Format(run.CompilationProblems));

        Dictionary<string, string> client = run.Sources.Where(s => s.Key.EndsWith(".Server.g.cs", StringComparison.Ordinal))
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
    public void Server_resources_have_handlers_and_send_methods()
    {
        GeneratorRun run = Generate();
        string canvas = run.Sources["Sample.Protocols.Server.ZsampleCanvasV1.Server.g.cs"];
        Assert.Contains("namespace Sample.Protocols.Server;", canvas, StringComparison.Ordinal);
        Assert.Contains(": global::Wayland.Server.Resource, global::Wayland.Server.IResourceFactory<ZsampleCanvasV1>", canvas, StringComparison.Ordinal);
        Assert.Contains("public interface IHandler", canvas, StringComparison.Ordinal);
        Assert.Contains("public void SendShapeAdded(", canvas, StringComparison.Ordinal);
        Assert.Contains("protected override void DispatchRequest(", canvas, StringComparison.Ordinal);
        // A reference into wayland.xml resolves to the resource the Wayland.Server assembly ships.
        Assert.Contains("global::Wayland.Server.Protocol.WlSurface", canvas, StringComparison.Ordinal);
        // An fd a default handler receives is closed, not left to the finalizer.
        Assert.Contains("data.Dispose();", canvas, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Wayland.Protocols", "Wayland.Server.Protocol")]
    [InlineData("My.Protocols", "My.Protocols.Server")]
    public void Server_namespace_mapping(string data, string server) => Assert.Equal(server, Naming.ServerNamespace(data));
}
