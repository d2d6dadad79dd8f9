using System.Text;
using Wayland.Wire;

namespace Wayland.Trace.Decoding;

/// <summary>One argument: wire type, interface of objects and new ids, and the enum the XML names for it.</summary>
internal sealed class TraceArgument
{
    public TraceArgument(string name, ArgumentType type, string? interfaceName, string? enumName)
    {
        Name = name;
        NameUtf8 = Encoding.UTF8.GetBytes(name);
        Type = type;
        InterfaceName = interfaceName;
        EnumName = enumName;
    }

    public string Name { get; }

    public byte[] NameUtf8 { get; }

    public ArgumentType Type { get; }

    /// <summary>The <c>interface</c> attribute; null for an untyped new_id or a plain argument.</summary>
    public string? InterfaceName { get; }

    /// <summary>The <c>enum</c> attribute as written (<c>format</c> or <c>wl_shm.format</c>).</summary>
    public string? EnumName { get; }

    /// <summary>The interface of a typed object or new_id, once resolved (null when no loaded XML defines it).</summary>
    public TraceInterface? Interface { get; set; }

    /// <summary>The enum, once resolved.</summary>
    public TraceEnum? Enum { get; set; }
}
