using Wayland.Scanner.Cli;

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
    public void BadCommandLines_PrintUsage(params string[] args)
    {
        var stderr = new StringWriter();
        Assert.Equal(2, ScannerCommand.Run(args, new StringWriter(), stderr));
        Assert.Contains("wayland-sharp-scanner", stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingInput_IsAnError()
    {
        var stderr = new StringWriter();
        Assert.Equal(1, ScannerCommand.Run(["out-never-written", "/nonexistent/protocol.xml"], new StringWriter(), stderr));
        Assert.Contains("/nonexistent/protocol.xml: error", stderr.ToString(), StringComparison.Ordinal);
    }
}
