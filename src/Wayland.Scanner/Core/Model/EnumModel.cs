using System.Collections.Generic;
using Wayland.Scanner.Diagnostics;

namespace Wayland.Scanner.Model;

/// <summary>An <c>&lt;enum&gt;</c> of an interface.</summary>
internal sealed class EnumModel
{
    public EnumModel(InterfaceModel owner, string name, SourcePosition position)
    {
        Owner = owner;
        Name = name;
        Position = position;
    }

    public InterfaceModel Owner { get; }

    public string Name { get; }

    public SourcePosition Position { get; }

    public uint Since { get; set; } = 1;

    public SourcePosition? SincePosition { get; set; }

    public bool IsBitfield { get; set; }

    public Documentation? Documentation { get; set; }

    public List<EntryModel> Entries { get; } = new();

    /// <summary>How many <c>&lt;entry&gt;</c> elements the XML has, including ones too broken to keep.</summary>
    public int DeclaredEntryCount { get; set; }

    /// <summary>.NET type name: interface and enum name joined (<c>WlShmFormat</c>).</summary>
    public string TypeName => Naming.EnumTypeName(Owner.Name, Name);

    /// <summary>The static class with the XML names of the values: <c>WlShmFormatNames</c>.</summary>
    public string NamesTypeName => TypeName + "Names";
}
