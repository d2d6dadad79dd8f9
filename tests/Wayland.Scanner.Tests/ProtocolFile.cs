namespace Wayland.Scanner.Tests;

/// <summary>One protocol XML handed to the generator: path, text, optional WaylandNamespace metadata, whether it is
/// opted in with WaylandProtocol="true", and whether the compiler could not read it (no text at all).</summary>
internal sealed record ProtocolFile(string Path, string Text, string? Namespace = null, bool OptedIn = true, bool Unreadable = false)
{
    public static ProtocolFile FromDisk(string path, string? ns = null) => new(path, File.ReadAllText(path), ns);
}
