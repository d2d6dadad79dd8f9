namespace Wayland.Scanner.Tests;

/// <summary>One protocol XML handed to the generator: path, text, optional WaylandNamespace metadata, and
/// whether it is opted in with WaylandProtocol="true".</summary>
internal sealed record ProtocolFile(string Path, string Text, string? Namespace = null, bool OptedIn = true)
{
    public static ProtocolFile FromDisk(string path, string? ns = null) => new(path, File.ReadAllText(path), ns);
}
