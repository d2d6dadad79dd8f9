using Wayland.Scanner.Cli;
using Wayland.Testing;

namespace Wayland.Scanner.Tests;

public class CliTests
{
    [Fact]
    public void Errors_ArePrintedInMsBuildFormat_AndFailTheRun()
    {
        string directory = Directory.CreateTempSubdirectory("wayland-scanner-cli").FullName;
        try
        {
            string xml = Path.Combine(directory, "bad.xml");
            File.WriteAllText(xml, "<protocol name=\"p\">\n  <interface name=\"a\" version=\"1\">\n    <request name=\"r\">\n      <arg name=\"x\" type=\"float\"/>\n    </request>\n  </interface>\n</protocol>\n");
            var stdout = new StringWriter();
            var stderr = new StringWriter();

            int exit = ScannerCommand.Run([Path.Combine(directory, "out"), xml], stdout, stderr);

            Assert.Equal(1, exit);
            Assert.StartsWith($"{xml}(4,21): error WLS003: argument 'x' of request 'a.r' has unknown type 'float'", stderr.ToString(), StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(directory, "out")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void AllInstalledProtocols_AreWritten()
    {
        string directory = Directory.CreateTempSubdirectory("wayland-scanner-cli").FullName;
        try
        {
            var args = new List<string> { "--namespace-for", "xdg-shell-unstable-v5.xml=Wayland.Protocols.XdgShellUnstableV5", directory };
            args.AddRange(TestPaths.SystemProtocolFiles());
            var stdout = new StringWriter();
            var stderr = new StringWriter();

            int exit = ScannerCommand.Run(args.ToArray(), stdout, stderr);

            Assert.True(exit == 0, stderr.ToString());
            Assert.Equal(string.Empty, stderr.ToString());
            Assert.True(File.Exists(Path.Combine(directory, "Wayland.Protocols.WlSurfaceInterface.g.cs")));
            Assert.True(File.Exists(Path.Combine(directory, "Wayland.Protocols.XdgShellUnstableV5.XdgSurfaceInterface.g.cs")));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData]
    [InlineData("only-an-output-dir")]
    [InlineData("--bogus", "out", "x.xml")]
    [InlineData("--namespace")]
    [InlineData("--outputs")]
    [InlineData("--outputs", "data,bogus", "out", "x.xml")]
    [InlineData("--outputs", ",", "out", "x.xml")]
    [InlineData("out", "")]
    [InlineData("", "x.xml")]
    public void BadCommandLines_PrintUsage(params string[] args)
    {
        var stderr = new StringWriter();
        Assert.Equal(2, ScannerCommand.Run(args, new StringWriter(), stderr));
        Assert.Contains("wayland-sharp-scanner", stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("out", "", "wayland-sharp-scanner: a protocol file is an empty path")]
    [InlineData("", "x.xml", "wayland-sharp-scanner: the output directory is an empty path")]
    public void EmptyPaths_AreOneLineUsageErrors(string output, string input, string expected)
    {
        var stderr = new StringWriter();
        Assert.Equal(2, ScannerCommand.Run([output, input], new StringWriter(), stderr));
        Assert.Equal(expected + Environment.NewLine, stderr.ToString());
    }

    [Fact]
    public void FilesLargerThan16MiB_AreRejectedWithoutReadingThemWhole() => InTempDirectory("wayland-scanner-cli", directory =>
    {
        // Well-formed XML, one byte over the limit.
        string xml = Path.Combine(directory, "large.xml");
        string head = "<protocol name=\"p\"><interface name=\"a\" version=\"1\"><description summary=\"s\">";
        string tail = "</description></interface></protocol>";
        File.WriteAllText(xml, head + new string('x', (16 * 1024 * 1024) + 1 - head.Length - tail.Length) + tail);
        Assert.Equal((16 * 1024 * 1024) + 1, new FileInfo(xml).Length);

        // A device without end: only the limit is read.
        foreach (string input in new[] { xml, "/dev/zero" })
        {
            var stderr = new StringWriter();
            Assert.Equal(1, ScannerCommand.Run([Path.Combine(directory, "out"), input], new StringWriter(), stderr));
            Assert.Equal($"{input}: error: the file is larger than 16 MiB, the limit for protocol files (real ones are a few hundred KiB){Environment.NewLine}",
                stderr.ToString());
        }

        Assert.False(Directory.Exists(Path.Combine(directory, "out")));
    });

    [Fact]
    public void ProblemsOfTheWholeRun_AreNamedAfterTheTool_AndUnknownInterfacesPointToExternNamespace() => InTempDirectory("wayland-scanner-cli", directory =>
    {
        string xml = Path.Combine(directory, "p.xml");
        File.WriteAllText(xml, "<protocol name=\"p\">\n<interface name=\"a\" version=\"1\"><request name=\"r\"><arg name=\"x\" type=\"object\" interface=\"nowhere_v1\"/></request></interface></protocol>");
        var stderr = new StringWriter();

        Assert.Equal(1, ScannerCommand.Run(["--namespace", "class", Path.Combine(directory, "out"), xml], new StringWriter(), stderr));
        Assert.StartsWith("wayland-sharp-scanner: error WLS021: ", stderr.ToString(), StringComparison.Ordinal);

        stderr = new StringWriter();
        Assert.Equal(0, ScannerCommand.Run([Path.Combine(directory, "out"), xml], new StringWriter(), stderr));
        Assert.Equal(
            $"{xml}(2,79): warning WLS015: interface 'nowhere_v1' of argument 'x' of request 'a.r' is not declared by any protocol of this run, "
            + $"nor given an --extern-namespace N where N.NowhereV1Interface exists; its descriptor stays unlinked{Environment.NewLine}",
            stderr.ToString());
    });

    [Fact]
    public void Version_PrintsThePackageVersion()
    {
        var stdout = new StringWriter();
        Assert.Equal(0, ScannerCommand.Run(["--version"], stdout, new StringWriter()));
        string expected = typeof(ScannerCommand).Assembly.GetName().Version!.ToString(3);
        Assert.StartsWith($"wayland-sharp-scanner {expected}", stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void NativeAotScanner_WritesTheSameFilesAsTheInProcessRun()
    {
        using NativeAotTool native = NativeAotTool.Get("src/Wayland.Scanner.Cli/Wayland.Scanner.Cli.csproj", "wayland-sharp-scanner");
        string directory = Directory.CreateTempSubdirectory("wayland-scanner-aot").FullName;
        try
        {
            string[] inputs = [TestPaths.SystemWaylandXml, Path.Combine(TestPaths.SystemProtocolsDirectory, "stable", "xdg-shell", "xdg-shell.xml")];
            string inProcess = Path.Combine(directory, "in-process");
            Assert.Equal(0, ScannerCommand.Run(["--outputs", "data,client,server", inProcess, .. inputs], new StringWriter(), new StringWriter()));

            string aot = Path.Combine(directory, "aot");
            (int exit, string stdout, string stderr) = ProcessRunner.Run(
                new System.Diagnostics.ProcessStartInfo(native.Executable, ["--outputs", "data,client,server", aot, .. inputs]), TimeSpan.FromMinutes(1));
            Assert.True(exit == 0, stderr);
            Assert.Contains("wrote", stdout, StringComparison.Ordinal);

            string[] expected = [.. Directory.GetFiles(inProcess).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
            Assert.True(expected.Length > 50, $"{expected.Length} files");
            Assert.Equal(expected, Directory.GetFiles(aot).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.All(expected, name => Assert.Equal(File.ReadAllText(Path.Combine(inProcess, name!)), File.ReadAllText(Path.Combine(aot, name!))));

            (exit, stdout, _) = ProcessRunner.Run(new System.Diagnostics.ProcessStartInfo(native.Executable, ["--help"]), TimeSpan.FromMinutes(1));
            Assert.Equal(0, exit);
            Assert.StartsWith("usage: wayland-sharp-scanner", stdout, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void NativeAotScanner_ReadsInputsLargerThan1GiB_InMemory()
    {
        // With the GC's address range capped at 1 GiB (a start-up setting that wl-info keeps), a run that needs more
        // crashes in the GC (SIGSEGV), from four 16 MiB files on. Six, each one text node, hold about 750 MiB.
        using NativeAotTool native = NativeAotTool.Get("src/Wayland.Scanner.Cli/Wayland.Scanner.Cli.csproj", "wayland-sharp-scanner");
        InTempDirectory("wayland-scanner-aot", directory =>
        {
            string xml = Path.Combine(directory, "large.xml");
            string head = "<protocol name=\"p\"><copyright>";
            string tail = "</copyright></protocol>";
            File.WriteAllText(xml, head + new string('x', (16 * 1024 * 1024) - head.Length - tail.Length) + tail);

            (int exit, string stdout, string stderr) = ProcessRunner.Run(
                new System.Diagnostics.ProcessStartInfo(native.Executable, [Path.Combine(directory, "out"), xml, xml, xml, xml, xml, xml]), TimeSpan.FromMinutes(2));

            Assert.True(exit == 0, $"exit {exit}: {stderr}");
            Assert.Contains("wrote 0 files", stdout, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void MissingInput_IsAnError()
    {
        var stderr = new StringWriter();
        Assert.Equal(1, ScannerCommand.Run(["out-never-written", "/nonexistent/protocol.xml"], new StringWriter(), stderr));
        Assert.Contains("/nonexistent/protocol.xml: error", stderr.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Runs <paramref name="test"/> with a new temporary directory, removed afterwards.</summary>
    private static void InTempDirectory(string prefix, Action<string> test)
    {
        string directory = Directory.CreateTempSubdirectory(prefix).FullName;
        try
        {
            test(directory);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
