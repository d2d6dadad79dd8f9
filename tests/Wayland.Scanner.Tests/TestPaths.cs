using System.Runtime.CompilerServices;

namespace Wayland.Scanner.Tests;

/// <summary>Locations of test inputs: this source folder, the repository, and the system's protocol XML.</summary>
internal static class TestPaths
{
    public const string SystemWaylandXml = "/usr/share/wayland/wayland.xml";
    public const string SystemProtocolsDirectory = "/usr/share/wayland-protocols";

    /// <summary>The folder of this test project's sources (found at compile time, so snapshots are updated in place).</summary>
    public static string SourceDirectory { get; } = Path.GetDirectoryName(ThisFile())!;

    public static string RepositoryRoot { get; } = Path.GetFullPath(Path.Combine(SourceDirectory, "..", ".."));

    public static string VendoredProtocolsDirectory { get; } = Path.Combine(RepositoryRoot, "src", "Wayland.Protocols", "protocols");

    /// <summary>wayland.xml and every XML of wayland-protocols installed on this machine (Debian packages
    /// libwayland-dev and wayland-protocols). Fails loudly when they are missing rather than passing on nothing.</summary>
    public static IReadOnlyList<string> SystemProtocolFiles()
    {
        Assert.True(File.Exists(SystemWaylandXml), $"{SystemWaylandXml} is missing: install Debian's libwayland-dev");
        Assert.True(Directory.Exists(SystemProtocolsDirectory), $"{SystemProtocolsDirectory} is missing: install Debian's wayland-protocols");
        var files = new List<string> { SystemWaylandXml };
        files.AddRange(Directory.GetFiles(SystemProtocolsDirectory, "*.xml", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        return files;
    }

    /// <summary>The namespace the Wayland.Protocols project gives a file (see its csproj).</summary>
    public static string? NamespaceFor(string path) =>
        Path.GetFileName(path) == "xdg-shell-unstable-v5.xml" ? "Wayland.Protocols.XdgShellUnstableV5" : null;

    private static string ThisFile([CallerFilePath] string path = "") => path;
}
