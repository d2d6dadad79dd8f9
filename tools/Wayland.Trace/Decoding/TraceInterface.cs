using System.Text;

namespace Wayland.Trace.Decoding;

/// <summary>An interface as wl-trace decodes it: names pre-encoded as UTF-8, requests and events, enums.</summary>
internal sealed class TraceInterface
{
    public TraceInterface(string name, uint version, string source)
    {
        Name = name;
        NameUtf8 = Encoding.UTF8.GetBytes(name);
        Version = version;
        Source = source;
    }

    public string Name { get; }

    public byte[] NameUtf8 { get; }

    public uint Version { get; }

    /// <summary>The XML file it came from.</summary>
    public string Source { get; }

    public TraceMessage[] Requests { get; set; } = [];

    public TraceMessage[] Events { get; set; } = [];

    /// <summary>Enums by their name within the interface (<c>format</c> of <c>wl_shm</c>).</summary>
    public Dictionary<string, TraceEnum> Enums { get; } = new(StringComparer.Ordinal);

    public override string ToString() => $"{Name} v{Version}";
}
