using System.Collections.Generic;
using System.Globalization;
using Wayland.Scanner.Model;

namespace Wayland.Scanner.Emit;

/// <summary>
/// Emits the enums of an interface as top-level C# enums named after interface and enum
/// (<c>wl_shm.format</c> → <c>WlShmFormat</c>), with <c>uint</c> as the underlying type and
/// <c>[Flags]</c> for bitfields. Top-level rather than nested so that the interface's later proxy and
/// resource classes can use any member name (<c>wl_display</c> has both an <c>error</c> event and an
/// <c>error</c> enum).
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
        }
    }

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
            string value = entry.IsHex
                ? "0x" + entry.Value.ToString("X", CultureInfo.InvariantCulture)
                : CSharp.Number(entry.Value);
            writer.Line($"{entry.MemberName} = {value},");
        }

        writer.Close();
    }
}
