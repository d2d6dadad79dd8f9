using System.Collections.Generic;
using Wayland.Scanner.Diagnostics;

namespace Wayland.Scanner.Model;

/// <summary>An <c>&lt;interface&gt;</c>.</summary>
internal sealed class InterfaceModel
{
    public InterfaceModel(ProtocolModel protocol, string name, uint version, SourcePosition position)
    {
        Protocol = protocol;
        Name = name;
        Version = version;
        Position = position;
    }

    public ProtocolModel Protocol { get; }

    /// <summary>Wire name, for example <c>wl_surface</c>.</summary>
    public string Name { get; }

    /// <summary>Highest version (at least 1 once validated).</summary>
    public uint Version { get; }

    public SourcePosition Position { get; }

    public Documentation? Documentation { get; set; }

    public List<MessageModel> Requests { get; } = new();

    public List<MessageModel> Events { get; } = new();

    public List<EnumModel> Enums { get; } = new();

    /// <summary>.NET name of the interface (<c>WlSurface</c>), reserved for the proxy and resource classes.</summary>
    public string PascalName => Naming.ToPascalCase(Name);

    /// <summary>Name of the generated static class holding descriptors and constants (<c>WlSurfaceInterface</c>).</summary>
    public string DescriptorClassName => Naming.DescriptorClassName(Name);
}
