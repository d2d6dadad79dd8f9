using System.Collections.Generic;
using Wayland.Scanner.Diagnostics;

namespace Wayland.Scanner.Model;

/// <summary>A <c>&lt;request&gt;</c> or <c>&lt;event&gt;</c>.</summary>
internal sealed class MessageModel
{
    public MessageModel(InterfaceModel owner, MessageKind kind, string name, ushort opcode, SourcePosition position)
    {
        Owner = owner;
        Kind = kind;
        Name = name;
        Opcode = opcode;
        Position = position;
    }

    public InterfaceModel Owner { get; }

    public MessageKind Kind { get; }

    public string Name { get; }

    /// <summary>Index among the interface's requests or events.</summary>
    public ushort Opcode { get; }

    public SourcePosition Position { get; }

    /// <summary>Version that introduced the message (1 when absent).</summary>
    public uint Since { get; set; } = 1;

    public SourcePosition? SincePosition { get; set; }

    /// <summary>Version from which the message is deprecated, when the XML says so.</summary>
    public uint? DeprecatedSince { get; set; }

    public SourcePosition? DeprecatedSincePosition { get; set; }

    public bool IsDestructor { get; set; }

    public Documentation? Documentation { get; set; }

    public List<ArgumentModel> Arguments { get; } = new();

    /// <summary>.NET member name (<c>GetXdgSurface</c>).</summary>
    public string PascalName => Naming.ToPascalCase(Name);
}
