using Wayland.Scanner.Diagnostics;

namespace Wayland.Scanner.Model;

/// <summary>An <c>&lt;entry&gt;</c> of an enum.</summary>
internal sealed class EntryModel
{
    public EntryModel(EnumModel owner, string name, uint value, SourcePosition position)
    {
        Owner = owner;
        Name = name;
        Value = value;
        Position = position;
    }

    public EnumModel Owner { get; }

    public string Name { get; }

    public uint Value { get; }

    /// <summary>True when the XML wrote the value in hexadecimal (kept for readable output).</summary>
    public bool IsHex { get; set; }

    public SourcePosition Position { get; }

    public uint Since { get; set; } = 1;

    public SourcePosition? SincePosition { get; set; }

    public uint? DeprecatedSince { get; set; }

    public SourcePosition? DeprecatedSincePosition { get; set; }

    public string? Summary { get; set; }

    public Documentation? Documentation { get; set; }

    /// <summary>.NET member name; names starting with a digit get the enum's name as a prefix (<c>Transform90</c>).</summary>
    public string MemberName => Naming.EnumMemberName(Owner.Name, Name);
}
