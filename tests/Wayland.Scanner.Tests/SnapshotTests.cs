using Wayland.Scanner.Cli;

namespace Wayland.Scanner.Tests;

/// <summary>
/// The emitted C# for Snapshots/sample-shapes.xml, compared with the files in Snapshots/SampleShapes/.
/// Run with UPDATE_SNAPSHOTS=1 to rewrite them after an intended change, then review the diff.
/// </summary>
public class SnapshotTests
{
    private const string Namespace = "Sample.Protocols";

    private static string SampleXml => Path.Combine(TestPaths.SourceDirectory, "Snapshots", "sample-shapes.xml");

    private static string SnapshotDirectory => Path.Combine(TestPaths.SourceDirectory, "Snapshots", "SampleShapes");

    private static bool Update => Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1";

    [Fact]
    public void GeneratedCode_MatchesSnapshots()
    {
        GeneratorRun run = Generate();
        Assert.True(run.GeneratorDiagnostics.Count == 0, GeneratorRun.Format(run.GeneratorDiagnostics));
        Assert.True(run.CompilationProblems.Count == 0, GeneratorRun.Format(run.CompilationProblems));

        if (Update)
        {
            Directory.CreateDirectory(SnapshotDirectory);
            foreach (string stale in Directory.GetFiles(SnapshotDirectory))
            {
                File.Delete(stale);
            }

            foreach ((string hint, string text) in run.Sources)
            {
                File.WriteAllText(Path.Combine(SnapshotDirectory, hint), text);
            }
        }

        Assert.True(Directory.Exists(SnapshotDirectory), "no snapshots yet: run the tests once with UPDATE_SNAPSHOTS=1");
        var expected = Directory.GetFiles(SnapshotDirectory).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, run.Sources.Keys.Order(StringComparer.Ordinal).ToList());
        foreach ((string hint, string text) in run.Sources)
        {
            string snapshot = File.ReadAllText(Path.Combine(SnapshotDirectory, hint)).ReplaceLineEndings("\n");
            Assert.True(snapshot == text, $"{hint} differs from its snapshot (UPDATE_SNAPSHOTS=1 refreshes it):\n{FirstDifference(snapshot, text)}");
        }
    }

    [Theory]
    [InlineData(null, "Interface.g.cs")]
    [InlineData("data", "Interface.g.cs")]
    [InlineData("client", ".Client.g.cs")]
    [InlineData("server", ".Server.g.cs")]
    [InlineData("data,client,server", ".Server.g.cs")]
    [InlineData("Server;Client", ".Client.g.cs")]
    public void Cli_WritesTheSameFilesAsTheGenerator(string? outputs, string someFileEndsWith)
    {
        GeneratorRun run = GeneratorHarness.Run([ProtocolFile.FromDisk(SampleXml)], defaultNamespace: Namespace, referenceProtocols: true, outputs: outputs);
        Assert.True(run.GeneratorDiagnostics.Count == 0, GeneratorRun.Format(run.GeneratorDiagnostics));
        Assert.Contains(run.Sources.Keys, hint => hint.EndsWith(someFileEndsWith, StringComparison.Ordinal));
        string output = Directory.CreateTempSubdirectory("wayland-scanner-cli").FullName;
        try
        {
            var args = new List<string>();
            if (outputs is not null)
            {
                args.AddRange(["--outputs", outputs]);
            }

            args.AddRange(["--namespace", Namespace, "--extern-namespace", "Wayland.Protocols", output, SampleXml]);
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            int exit = ScannerCommand.Run(args.ToArray(), stdout, stderr);

            Assert.True(exit == 0, stderr.ToString());
            Assert.Equal(string.Empty, stderr.ToString());
            var written = Directory.GetFiles(output).ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);
            Assert.Equal(run.Sources.Keys.Order(StringComparer.Ordinal), written.Keys.Order(StringComparer.Ordinal));
            foreach ((string hint, string text) in run.Sources)
            {
                // The generator adds its text as UTF-8 (no byte-order mark); the CLI's file must be those bytes.
                Assert.True(new System.Text.UTF8Encoding(false).GetBytes(text).AsSpan().SequenceEqual(written[hint]), $"{hint} differs");
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Sample_DescriptorsBehave()
    {
        GeneratorRun run = Generate();
        string canvas = run.Sources[$"{Namespace}.ZsampleCanvasV1Interface.g.cs"];
        string enums = run.Sources[$"{Namespace}.ZsampleCanvasV1.Enums.g.cs"];

        // Cross-protocol reference resolved through the referenced Wayland.Protocols assembly.
        Assert.Contains("resolveInterface: static () => global::Wayland.Protocols.WlSurfaceInterface.Descriptor", canvas, StringComparison.Ordinal);
        Assert.Contains("resolveInterface: static () => global::Sample.Protocols.ZsampleShapeV1Interface.Descriptor", canvas, StringComparison.Ordinal);
        // Untyped new_id: no interface.
        Assert.Contains("new global::Wayland.Wire.ArgumentDescriptor(\"id\", global::Wayland.Wire.ArgumentType.NewId)", canvas, StringComparison.Ordinal);
        Assert.Contains("[global::System.Obsolete(", canvas, StringComparison.Ordinal);
        // Escaping in doc comments.
        Assert.Contains("a &lt; b &amp;&amp; c &gt; d", canvas, StringComparison.Ordinal);
        Assert.Contains("<summary>a canvas on a &lt;surface&gt;</summary>", canvas, StringComparison.Ordinal);
        // Enum naming, values and flags.
        Assert.Contains("Kind3dBox = 0x10,", enums, StringComparison.Ordinal);
        Assert.Contains("Legacy = 8,", enums, StringComparison.Ordinal);
        Assert.Contains("[global::System.Flags]", enums, StringComparison.Ordinal);
    }

    private static GeneratorRun Generate() =>
        GeneratorHarness.Run([ProtocolFile.FromDisk(SampleXml)], defaultNamespace: Namespace, referenceProtocols: true);

    private static string FirstDifference(string expected, string actual)
    {
        string[] e = expected.Split('\n');
        string[] a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string el = i < e.Length ? e[i] : "<end>";
            string al = i < a.Length ? a[i] : "<end>";
            if (el != al)
            {
                return $"line {i + 1}:\n  snapshot:  {el}\n  generated: {al}";
            }
        }

        return "(line endings)";
    }
}
