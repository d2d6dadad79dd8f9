using Wayland.Scanner.Diagnostics;

namespace Wayland.Scanner.Model;

/// <summary>An <c>&lt;arg&gt;</c>.</summary>
internal sealed class ArgumentModel
{
    public ArgumentModel(MessageModel owner, string name, WireType type, SourcePosition position)
    {
        Owner = owner;
        Name = name;
        Type = type;
        Position = position;
    }

    public MessageModel Owner { get; }

    public string Name { get; }

    public WireType Type { get; }

    public SourcePosition Position { get; }

    public bool Nullable { get; set; }

    public SourcePosition? AllowNullPosition { get; set; }

    /// <summary>The <c>interface</c> attribute, when present.</summary>
    public string? InterfaceName { get; set; }

    public SourcePosition? InterfacePosition { get; set; }

    /// <summary>The <c>enum</c> attribute (<c>format</c> or <c>wl_shm.format</c>), when present.</summary>
    public string? EnumName { get; set; }

    public SourcePosition? EnumPosition { get; set; }

    public string? Summary { get; set; }

    public Documentation? Documentation { get; set; }

    /// <summary>True for a new_id without an interface (travels as interface name, version, id).</summary>
    public bool IsUntypedNewId => Type == WireType.NewId && InterfaceName is null;
}
