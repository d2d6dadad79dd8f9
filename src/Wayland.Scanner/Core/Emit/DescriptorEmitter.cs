using System.Collections.Generic;
using System.Text;
using Wayland.Scanner.Model;
using Wayland.Scanner.Validation;

namespace Wayland.Scanner.Emit;

/// <summary>
/// Emits <c>public static partial class WlSurfaceInterface</c>: the wire name, the version, the
/// <c>InterfaceDescriptor</c> for <c>Wayland.Wire</c> and, in nested <c>Requests</c> / <c>Events</c>
/// classes, opcode and <c>since</c> constants. References to other interfaces become lazy
/// <c>static () =&gt; global::Ns.OtherInterface.Descriptor</c> callbacks, so cycles and cross-protocol
/// references cost nothing at type initialisation.
/// </summary>
internal sealed class DescriptorEmitter : IInterfaceEmitter
{
    /// <summary>The members of <c>object</c> that the nested <c>Requests</c> and <c>Events</c> classes inherit
    /// (<c>Finalize</c>, the destructor, is not one a constant can hide).</summary>
    private static readonly HashSet<string> s_objectMembers = new()
    {
        "ToString", "Equals", "GetHashCode", "GetType", "ReferenceEquals", "MemberwiseClone",
    };

    public string Namespace(ProtocolModel protocol) => protocol.Namespace;

    public string? HintName(InterfaceModel iface) => $"{iface.Protocol.Namespace}.{iface.DescriptorClassName}.g.cs";

    public void Emit(InterfaceModel iface, EmitContext context, CodeWriter writer)
    {
        string name = DocComments.Code(iface.Name);
        DocComments.Write(writer,
            DocComments.SummaryOr(iface.Documentation?.Summary, $"The {name} interface."),
            iface.Documentation,
            new[] { $"Descriptor and constants of interface {name}, version {iface.Version}, from protocol {DocComments.Code(iface.Protocol.Name)}." });
        writer.Line(CSharp.GeneratedCodeAttribute);
        writer.Line($"public static partial class {iface.DescriptorClassName}");
        writer.Open();

        writer.Line($"/// <summary>The interface name on the wire, {name}.</summary>");
        writer.Line($"public const string Name = {CSharp.StringLiteral(iface.Name)};");
        writer.Line();
        writer.Line($"/// <summary>The highest version of {name} that these bindings describe.</summary>");
        writer.Line($"public const uint Version = {CSharp.Number(iface.Version)};");
        writer.Line();
        writer.Line($"/// <summary>Wire description of {name}: its requests and events with their argument types.</summary>");
        writer.Line("/// <remarks>Interfaces that arguments refer to are resolved on first use, so descriptors may refer to each other in cycles and across protocols.</remarks>");
        writer.Line($"public static readonly {CSharp.InterfaceDescriptor} Descriptor = CreateDescriptor();");

        WriteConstants(writer, iface, iface.Requests, "Requests", "requests");
        WriteConstants(writer, iface, iface.Events, "Events", "events");

        writer.Line();
        writer.Line($"private static {CSharp.InterfaceDescriptor} CreateDescriptor()");
        writer.Open();
        writer.Line($"return new {CSharp.InterfaceDescriptor}(");
        writer.Line($"    {CSharp.StringLiteral(iface.Name)},");
        writer.Line($"    {CSharp.Number(iface.Version)},");
        WriteMessages(writer, context, iface.Requests, ",");
        WriteMessages(writer, context, iface.Events, ");");
        writer.Close();
        writer.Close();
    }

    private static void WriteConstants(CodeWriter writer, InterfaceModel iface, List<MessageModel> messages, string className, string kind)
    {
        if (messages.Count == 0)
        {
            return;
        }

        writer.Line();
        writer.Line($"/// <summary>Opcodes of the {kind} of {DocComments.Code(iface.Name)}, and the versions that introduced them.</summary>");
        writer.Line($"public static class {className}");
        writer.Open();
        bool first = true;
        foreach (MessageModel message in messages)
        {
            if (!first)
            {
                writer.Line();
            }

            first = false;
            string qualified = DocComments.Code($"{iface.Name}.{message.Name}");
            string direction = message.Kind == MessageKind.Request ? "request" : "event";
            string summary = DocComments.Inline(message.Documentation?.Summary);
            DocComments.Write(writer,
                $"Opcode of {direction} {qualified}{(summary.Length > 0 ? ": " + summary : string.Empty)}.",
                message.Documentation,
                MessageRemarks(message),
                ArgumentList(message));
            WriteObsolete(writer, iface, message.DeprecatedSince, $"{iface.Name}.{message.Name}");
            // A constant named like a member of object (ToString, ...) hides it on purpose.
            string hides = s_objectMembers.Contains(message.PascalName) ? "new " : string.Empty;
            writer.Line($"public {hides}const ushort {message.PascalName} = {message.Opcode};");
            writer.Line();
            writer.Line($"/// <summary>The version of {DocComments.Code(iface.Name)} that introduced {direction} {DocComments.Code(message.Name)}.</summary>");
            WriteObsolete(writer, iface, message.DeprecatedSince, $"{iface.Name}.{message.Name}");
            writer.Line($"public const uint {message.PascalName}Since = {CSharp.Number(message.Since)};");
        }

        writer.Close();
    }

    private static IEnumerable<string> MessageRemarks(MessageModel message)
    {
        if (message.Since > 1)
        {
            yield return $"Since version {CSharp.Number(message.Since)}.";
        }

        if (message.DeprecatedSince is { } deprecated)
        {
            yield return $"Deprecated since version {CSharp.Number(deprecated)}.";
        }

        if (message.IsDestructor)
        {
            yield return "Destructor: the object is destroyed once this message is sent.";
        }
    }

    /// <summary>The arguments as an XML doc list: name, wire type, interface, enum, nullability, summary.</summary>
    private static List<string> ArgumentList(MessageModel message)
    {
        var lines = new List<string>();
        if (message.Arguments.Count == 0)
        {
            return lines;
        }

        lines.Add("<para>Arguments:</para>");
        lines.Add("<list type=\"bullet\">");
        foreach (ArgumentModel argument in message.Arguments)
        {
            var item = new StringBuilder("<item><description>");
            item.Append(DocComments.Code(argument.Name)).Append(" (").Append(ProtocolValidator.TypeName(argument.Type));
            if (argument.InterfaceName is not null)
            {
                item.Append(' ').Append(DocComments.Code(argument.InterfaceName));
            }

            if (argument.EnumName is not null)
            {
                item.Append(", enum ").Append(DocComments.Code(argument.EnumName));
            }

            if (argument.Nullable)
            {
                item.Append(", may be null");
            }

            item.Append(')');
            string summary = DocComments.Inline(argument.Summary ?? argument.Documentation?.Summary);
            if (summary.Length > 0)
            {
                item.Append(": ").Append(summary);
            }

            lines.Add(item.Append("</description></item>").ToString());
        }

        lines.Add("</list>");
        return lines;
    }

    private static void WriteMessages(CodeWriter writer, EmitContext context, List<MessageModel> messages, string terminator)
    {
        if (messages.Count == 0)
        {
            writer.Line($"    global::System.Array.Empty<{CSharp.MessageDescriptor}>(){terminator}");
            return;
        }

        writer.Line($"    new {CSharp.MessageDescriptor}[]");
        writer.Line("    {");
        foreach (MessageModel message in messages)
        {
            string destructor = message.IsDestructor ? ", isDestructor: true" : string.Empty;
            string head = $"        new {CSharp.MessageDescriptor}({CSharp.StringLiteral(message.Name)}, {message.Opcode}, {CSharp.Number(message.Since)}, ";
            if (message.Arguments.Count == 0)
            {
                writer.Line($"{head}global::System.Array.Empty<{CSharp.ArgumentDescriptor}>(){destructor}),");
                continue;
            }

            writer.Line($"{head}new {CSharp.ArgumentDescriptor}[]");
            writer.Line("        {");
            foreach (ArgumentModel argument in message.Arguments)
            {
                writer.Line($"            {Argument(context, argument)},");
            }

            writer.Line($"        }}{destructor}),");
        }

        writer.Line($"    }}{terminator}");
    }

    private static string Argument(EmitContext context, ArgumentModel argument)
    {
        var builder = new StringBuilder();
        builder.Append("new ").Append(CSharp.ArgumentDescriptor).Append('(')
            .Append(CSharp.StringLiteral(argument.Name)).Append(", ")
            .Append(CSharp.ArgumentType).Append('.').Append(argument.Type.ToString());
        if (argument.Nullable)
        {
            builder.Append(", nullable: true");
        }

        if (argument.InterfaceName is not null)
        {
            builder.Append(", interfaceName: ").Append(CSharp.StringLiteral(argument.InterfaceName));
            if (context.LinkedInterface(argument) is { } linked)
            {
                builder.Append(", resolveInterface: static () => ").Append(linked.DescriptorClass).Append(".Descriptor");
            }
        }

        return builder.Append(')').ToString();
    }

    internal static void WriteObsolete(CodeWriter writer, InterfaceModel iface, uint? deprecatedSince, string what)
    {
        if (deprecatedSince is { } version)
        {
            string message = $"{what} is deprecated since version {CSharp.Number(version)} of {iface.Name}.";
            writer.Line($"[global::System.Obsolete({CSharp.StringLiteral(message)})]");
        }
    }
}
