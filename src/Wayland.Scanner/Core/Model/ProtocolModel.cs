using System.Collections.Generic;
using Wayland.Scanner.Diagnostics;

namespace Wayland.Scanner.Model;

/// <summary>One parsed protocol file.</summary>
internal sealed class ProtocolModel
{
    public ProtocolModel(ProtocolSource source, string name, SourcePosition position, string targetNamespace)
    {
        Source = source;
        Name = name;
        Position = position;
        Namespace = targetNamespace;
    }

    public ProtocolSource Source { get; }

    /// <summary>The protocol's <c>name</c> attribute.</summary>
    public string Name { get; }

    public SourcePosition Position { get; }

    /// <summary>The C# namespace its types are generated into.</summary>
    public string Namespace { get; }

    public string? Copyright { get; set; }

    public Documentation? Documentation { get; set; }

    public List<InterfaceModel> Interfaces { get; } = new();
}
