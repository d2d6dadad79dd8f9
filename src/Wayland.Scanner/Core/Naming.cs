using System.Collections.Generic;
using System.Text;

namespace Wayland.Scanner;

/// <summary>
/// How protocol names become .NET names. The conventions are part of the public contract: code in another
/// assembly finds <c>wl_surface</c>'s descriptor as <c>{Namespace}.WlSurfaceInterface.Descriptor</c>.
/// </summary>
internal static class Naming
{
    /// <summary>The namespace generated code goes to when nothing else is configured.</summary>
    public const string DefaultNamespace = "Wayland.Protocols";

    private static readonly HashSet<string> s_keywords = new()
    {
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const",
        "continue", "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit",
        "extern", "false", "finally", "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int",
        "interface", "internal", "is", "lock", "long", "namespace", "new", "null", "object", "operator", "out",
        "override", "params", "private", "protected", "public", "readonly", "ref", "return", "sbyte", "sealed",
        "short", "sizeof", "stackalloc", "static", "string", "struct", "switch", "this", "throw", "true", "try",
        "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual", "void", "volatile", "while",
    };

    /// <summary><c>wl_surface</c> → <c>WlSurface</c>, <c>zwp_linux_dmabuf_v1</c> → <c>ZwpLinuxDmabufV1</c>:
    /// split at underscores, upper-case the first letter of each part, keep the rest as written. A result that would
    /// start with a digit (<c>_1_x</c>) keeps one underscore in front (<c>_1X</c>), so it is still a C# identifier.</summary>
    public static string ToPascalCase(string name) => Identifier(JoinParts(name));

    /// <summary><paramref name="name"/> split at underscores with each part's first letter upper-cased.</summary>
    private static string JoinParts(string name)
    {
        var builder = new StringBuilder(name.Length);
        bool startOfPart = true;
        foreach (char c in name)
        {
            if (c == '_')
            {
                startOfPart = true;
                continue;
            }

            builder.Append(startOfPart ? char.ToUpperInvariant(c) : c);
            startOfPart = false;
        }

        return builder.ToString();
    }

    /// <summary>Namespace of the client proxies for a protocol whose data lives in <paramref name="dataNamespace"/>:
    /// <c>Wayland.Protocols[.X]</c> → <c>Wayland.Client.Protocol[.X]</c>; any other <c>N</c> → <c>N.Client</c>.</summary>
    public static string ClientNamespace(string dataNamespace) => SideNamespace(dataNamespace, "Wayland.Client.Protocol", "Client");

    /// <summary>Namespace of the server resources: <c>Wayland.Protocols[.X]</c> → <c>Wayland.Server.Protocol[.X]</c>;
    /// any other <c>N</c> → <c>N.Server</c>.</summary>
    public static string ServerNamespace(string dataNamespace) => SideNamespace(dataNamespace, "Wayland.Server.Protocol", "Server");

    /// <summary><c>callback_data</c> → <c>callbackData</c>, escaped with <c>@</c> when it is a keyword.</summary>
    public static string ParameterName(string name)
    {
        string pascal = ToPascalCase(name);
        string camel = pascal.Length == 0 ? pascal : char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
        return s_keywords.Contains(camel) ? "@" + camel : camel;
    }

    private static string SideNamespace(string dataNamespace, string builtIn, string suffix)
    {
        if (dataNamespace == DefaultNamespace)
        {
            return builtIn;
        }

        return dataNamespace.StartsWith(DefaultNamespace + ".", System.StringComparison.Ordinal)
            ? builtIn + dataNamespace.Substring(DefaultNamespace.Length)
            : dataNamespace + "." + suffix;
    }

    /// <summary><c>wl_surface</c> → <c>WlSurfaceInterface</c> (mirrors libwayland's <c>wl_surface_interface</c>).</summary>
    public static string DescriptorClassName(string interfaceName) => ToPascalCase(interfaceName) + "Interface";

    /// <summary><c>wl_shm</c> + <c>format</c> → <c>WlShmFormat</c>; enums are top-level types next to the interface class.</summary>
    public static string EnumTypeName(string interfaceName, string enumName) =>
        ToPascalCase(interfaceName) + JoinParts(enumName);

    /// <summary><c>argb8888</c> → <c>Argb8888</c>; an entry starting with a digit is prefixed with the enum's
    /// name (<c>wl_output.transform</c> entry <c>90</c> → <c>Transform90</c>), and when that starts with a digit
    /// too, with an underscore (enum <c>1e</c>, entry <c>1</c> → <c>_1e1</c>).</summary>
    public static string EnumMemberName(string enumName, string entryName)
    {
        string name = JoinParts(entryName);
        return Identifier(name.Length > 0 && IsDigit(name[0]) ? JoinParts(enumName) + name : name);
    }

    /// <summary>Whether <paramref name="name"/> matches <c>[A-Za-z_][A-Za-z0-9_]*</c> (a C identifier, as
    /// libwayland's scanner requires for protocol, interface, message and argument names).</summary>
    public static bool IsStandaloneIdentifier(string name) =>
        name.Length > 0 && !IsDigit(name[0]) && IsTrailingIdentifier(name);

    /// <summary>Whether <paramref name="name"/> matches <c>[A-Za-z0-9_]+</c> (enum and entry names, which may start with a digit).</summary>
    public static bool IsTrailingIdentifier(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!(IsAsciiLetter(c) || IsDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="reference"/> has the form of an <c>enum</c> attribute: <c>enum</c> or
    /// <c>interface.enum</c>, the interface a standalone identifier, the enum a trailing one.</summary>
    public static bool IsEnumReference(string reference)
    {
        int dot = reference.IndexOf('.');
        return dot < 0
            ? IsTrailingIdentifier(reference)
            : IsStandaloneIdentifier(reference.Substring(0, dot)) && IsTrailingIdentifier(reference.Substring(dot + 1));
    }

    /// <summary>Whether <paramref name="ns"/> is a dotted C# namespace of plain identifiers.</summary>
    public static bool IsValidNamespace(string ns)
    {
        foreach (string part in ns.Split('.'))
        {
            if (!IsStandaloneIdentifier(part) || s_keywords.Contains(part))
            {
                return false;
            }
        }

        return true;
    }

    private static string Identifier(string name) => name.Length > 0 && IsDigit(name[0]) ? "_" + name : name;

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private static bool IsAsciiLetter(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
