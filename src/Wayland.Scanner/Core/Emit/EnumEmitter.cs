using System.Collections.Generic;
using System.Globalization;
using Wayland.Scanner.Model;

namespace Wayland.Scanner.Emit;

/// <summary>
/// Emits the enums of an interface as top-level C# enums named after interface and enum
/// (<c>wl_shm.format</c> → <c>WlShmFormat</c>), with <c>uint</c> as the underlying type and
/// <c>[Flags]</c> for bitfields. Top-level rather than nested so that the interface's later proxy and
/// resource classes can use any member name (<c>wl_display</c> has both an <c>error</c> event and an
/// <c>error</c> enum). Each enum gets a static class <c>WlShmFormatNames</c> beside it whose extension methods
/// give the XML names of values from string literals, without the reflection that <c>Enum.ToString</c> and
/// <c>Enum.IsDefined</c> need (slow to start, and trimmed away in NativeAOT programs).
/// </summary>
internal sealed class EnumEmitter : IInterfaceEmitter
{
    public string Namespace(ProtocolModel protocol) => protocol.Namespace;

    public string? HintName(InterfaceModel iface) =>
        iface.Enums.Count == 0 ? null : $"{iface.Protocol.Namespace}.{iface.PascalName}.Enums.g.cs";

    public void Emit(InterfaceModel iface, EmitContext context, CodeWriter writer)
    {
        bool first = true;
        foreach (EnumModel enumeration in iface.Enums)
        {
            if (!first)
            {
                writer.Line();
            }

            first = false;
            WriteEnum(writer, iface, enumeration);
            writer.Line();
            WriteNames(writer, enumeration);
        }
    }

    private static void WriteNames(CodeWriter writer, EnumModel enumeration)
    {
        string type = enumeration.TypeName;
        // The first entry of a value names it; later entries with the same value would be unreachable cases.
        var named = new List<EntryModel>();
        var values = new HashSet<uint>();
        foreach (EntryModel entry in enumeration.Entries)
        {
            if (values.Add(entry.Value))
            {
                named.Add(entry);
            }
        }

        writer.Line($"/// <summary>The names of <see cref=\"{type}\"/> values as the protocol XML spells them, without reflection.</summary>");
        writer.Line(CSharp.GeneratedCodeAttribute);
        writer.Line($"public static class {enumeration.NamesTypeName}");
        writer.Open();
        writer.Line($"/// <summary>The name of the entry whose value is <paramref name=\"value\"/> (<c>{DocComments.Escape(named[0].Name)}</c> for {DocComments.Code(type + "." + named[0].MemberName)}), or <see langword=\"null\"/> when no entry has that value.</summary>");
        writer.Line("/// <param name=\"value\">The value.</param>");
        writer.Line("/// <returns>A string literal (no allocation), or <see langword=\"null\"/>.</returns>");
        writer.Line($"public static string? GetProtocolName(this {type} value)");
        writer.Open();
        writer.Line("return (uint)value switch");
        writer.Open();
        foreach (EntryModel entry in named)
        {
            writer.Line($"{Literal(entry)} => {CSharp.StringLiteral(entry.Name)},");
        }

        writer.Line("_ => null,");
        writer.Close(";");
        writer.Close();
        if (enumeration.IsBitfield)
        {
            WriteFormat(writer, type, named);
        }

        writer.Close();
    }

    private static void WriteFormat(CodeWriter writer, string type, List<EntryModel> named)
    {
        writer.Line();
        writer.Line("/// <summary>");
        writer.Line("/// The names of the entries whose bits are all set in <paramref name=\"value\"/>, in declaration order and");
        writer.Line("/// joined by <paramref name=\"separator\"/>, then the bits no entry names as one hexadecimal number");
        writer.Line("/// (<c>0x8</c>). A value that equals an entry (a zero entry such as <c>none</c> too) is that entry's name alone,");
        writer.Line("/// without allocating; zero without a zero entry is <c>0</c>.");
        writer.Line("/// </summary>");
        writer.Line("/// <param name=\"value\">The flags.</param>");
        writer.Line("/// <param name=\"separator\">What goes between two names.</param>");
        writer.Line("/// <returns>The names, never empty.</returns>");
        writer.Line($"public static string FormatProtocolNames(this {type} value, string separator = \" \")");
        writer.Open();
        writer.Line("if (value.GetProtocolName() is { } name)");
        writer.Open();
        writer.Line("return name;");
        writer.Close();
        writer.Line();
        writer.Line("uint bits = (uint)value;");
        writer.Line("if (bits == 0)");
        writer.Open();
        writer.Line("return \"0\";");
        writer.Close();
        writer.Line();
        writer.Line("var text = new global::System.Text.StringBuilder();");
        writer.Line("uint rest = bits;");
        foreach (EntryModel entry in named)
        {
            if (entry.Value == 0)
            {
                continue;
            }

            string literal = Literal(entry) + "u";
            writer.Line($"if ((bits & {literal}) == {literal})");
            writer.Open();
            writer.Line($"Append(text, separator, {CSharp.StringLiteral(entry.Name)});");
            writer.Line($"rest &= ~{literal};");
            writer.Close();
            writer.Line();
        }

        writer.Line("if (rest != 0)");
        writer.Open();
        writer.Line("Append(text, separator, \"0x\" + rest.ToString(\"x\", global::System.Globalization.CultureInfo.InvariantCulture));");
        writer.Close();
        writer.Line();
        writer.Line("return text.ToString();");
        writer.Close();
        writer.Line();
        writer.Line("private static void Append(global::System.Text.StringBuilder text, string separator, string name)");
        writer.Open();
        writer.Line("if (text.Length > 0)");
        writer.Open();
        writer.Line("text.Append(separator);");
        writer.Close();
        writer.Line();
        writer.Line("text.Append(name);");
        writer.Close();
    }

    private static string Literal(EntryModel entry) => entry.IsHex
        ? "0x" + entry.Value.ToString("X", CultureInfo.InvariantCulture)
        : CSharp.Number(entry.Value);

    private static void WriteEnum(CodeWriter writer, InterfaceModel iface, EnumModel enumeration)
    {
        string qualified = DocComments.Code($"{iface.Name}.{enumeration.Name}");
        var remarks = new List<string>();
        if (enumeration.Since > 1)
        {
            remarks.Add($"Since version {CSharp.Number(enumeration.Since)} of {DocComments.Code(iface.Name)}.");
        }

        remarks.Add(enumeration.IsBitfield
            ? $"Values of the bitfield {qualified}; combine them with <c>|</c>."
            : $"Values of the enum {qualified}. Values the protocol adds later arrive unchanged as numbers outside this list.");
        DocComments.Write(writer, DocComments.SummaryOr(enumeration.Documentation?.Summary, $"Values of {qualified}."),
            enumeration.Documentation, remarks);
        if (enumeration.IsBitfield)
        {
            writer.Line("[global::System.Flags]");
        }

        writer.Line(CSharp.GeneratedCodeAttribute);
        writer.Line($"public enum {enumeration.TypeName} : uint");
        writer.Open();
        bool first = true;
        foreach (EntryModel entry in enumeration.Entries)
        {
            if (!first)
            {
                writer.Line();
            }

            first = false;
            var entryRemarks = new List<string>();
            if (entry.Since > 1)
            {
                entryRemarks.Add($"Since version {CSharp.Number(entry.Since)} of {DocComments.Code(iface.Name)}.");
            }

            if (entry.DeprecatedSince is { } deprecated)
            {
                entryRemarks.Add($"Deprecated since version {CSharp.Number(deprecated)}.");
            }

            string summary = DocComments.SummaryOr(entry.Summary ?? entry.Documentation?.Summary,
                $"The entry {DocComments.Code(entry.Name)} of {qualified}.");
            DocComments.Write(writer, summary, entry.Documentation, entryRemarks);
            DescriptorEmitter.WriteObsolete(writer, iface, entry.DeprecatedSince, $"{iface.Name}.{enumeration.Name}.{entry.Name}");
            writer.Line($"{entry.MemberName} = {Literal(entry)},");
        }

        writer.Close();
    }
}
