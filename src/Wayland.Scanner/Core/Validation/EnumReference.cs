namespace Wayland.Scanner.Validation;

/// <summary>A resolved <c>enum="..."</c> attribute: the C# enum type that the argument's value belongs to.</summary>
internal sealed class EnumReference
{
    public EnumReference(string targetNamespace, string typeName, bool? isBitfield)
    {
        Namespace = targetNamespace;
        TypeName = typeName;
        IsBitfield = isBitfield;
    }

    public string Namespace { get; }

    /// <summary>Unqualified type name (<c>WlShmFormat</c>).</summary>
    public string TypeName { get; }

    /// <summary>Whether the enum is a bitfield; null when it comes from a referenced assembly.</summary>
    public bool? IsBitfield { get; }

    /// <summary><c>global::Wayland.Protocols.WlShmFormat</c>.</summary>
    public string FullName => $"global::{Namespace}.{TypeName}";
}
