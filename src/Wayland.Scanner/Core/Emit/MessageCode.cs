using System;
using System.Collections.Generic;
using System.Linq;
using Wayland.Scanner.Model;
using Wayland.Scanner.Validation;

namespace Wayland.Scanner.Emit;

/// <summary>
/// What the client and server emitters share: encoding a message's arguments with <c>MessageWriter</c>
/// (fd arguments either recorded as numbers, kept alive by <c>DangerousAddRef</c>, or handed over as handles),
/// decoding them from <c>MessageArguments</c>,
/// and the small documentation and obsolescence helpers.
/// </summary>
internal static class MessageCode
{
    public const string Wire = "global::Wayland.Wire";

    /// <summary>
    /// Writes the body that encodes <paramref name="message"/> and sends it: a stack buffer (exact size when no
    /// argument is variable), one write per argument, then <paramref name="send"/> (which may use <c>__buffer</c>,
    /// <c>__writer</c> and <c>__newId</c>). Fd arguments take no bytes on the wire: when <paramref name="fdsAsHandles"/>
    /// the send takes their handles and the runtime keeps them alive until they are sent, so the body does nothing
    /// else with them; otherwise they are add-referenced in a try/finally and recorded as numbers in <c>__fds</c>.
    /// </summary>
    /// <param name="writer">Where the code goes.</param>
    /// <param name="context">The run's resolved references.</param>
    /// <param name="message">The request or event.</param>
    /// <param name="opcode">The C# expression of its opcode.</param>
    /// <param name="untypedNewId">Writes an untyped new_id argument (it differs between sides).</param>
    /// <param name="send">The sending statement; <c>{fds}</c> is replaced by the fd span expression, <c>{handles}</c> by
    /// a collection expression of the fd arguments' handles.</param>
    /// <param name="fdsAsHandles">Whether <paramref name="send"/> takes the handles (<c>{handles}</c>) rather than the
    /// numbers (<c>{fds}</c>).</param>
    public static void WriteEncoding(CodeWriter writer, EmitContext context, MessageModel message, string opcode,
        Action<ArgumentModel> untypedNewId, string send, bool fdsAsHandles)
    {
        bool variable = message.Arguments.Any(a => a.Type is WireType.String or WireType.Array || a.IsUntypedNewId);
        int size = 8 + message.Arguments.Sum(a => a.Type == WireType.Fd ? 0 : 4);
        writer.Line($"global::System.Span<byte> __buffer = stackalloc byte[{(variable ? $"{Wire}.WireLimits.MaxMessageSize" : size.ToString(System.Globalization.CultureInfo.InvariantCulture))}];");
        List<ArgumentModel> handles = message.Arguments.Where(a => a.Type == WireType.Fd).ToList();
        List<ArgumentModel> fds = fdsAsHandles ? [] : handles;
        if (fds.Count > 0)
        {
            writer.Line($"global::System.Span<int> __fds = stackalloc int[{fds.Count}];");
            foreach (ArgumentModel fd in fds)
            {
                writer.Line($"bool __ref{Naming.ToPascalCase(fd.Name)} = false;");
            }

            writer.Line("try");
            writer.Open();
            foreach (ArgumentModel fd in fds)
            {
                writer.Line($"{Naming.ParameterName(fd.Name)}.DangerousAddRef(ref __ref{Naming.ToPascalCase(fd.Name)});");
            }
        }

        writer.Line($"{Wire}.MessageWriter __writer = new(__buffer, Id, {opcode}{(fds.Count > 0 ? ", __fds" : string.Empty)});");
        if (message.Arguments.Any(a => a.Type == WireType.NewId && !(a.IsUntypedNewId && message.Kind == MessageKind.Event)))
        {
            writer.Line("int __newId = 0;");
        }

        foreach (ArgumentModel argument in message.Arguments)
        {
            if (argument.IsUntypedNewId)
            {
                untypedNewId(argument);
            }
            else if (argument.Type != WireType.Fd || !fdsAsHandles)
            {
                WriteArgument(writer, context, argument);
            }
        }

        writer.Line("__writer.Finish();");
        string handleList = "[" + string.Join(", ", handles.Select(fd => Naming.ParameterName(fd.Name))) + "]";
        writer.Line(send.Replace("{fds}", fds.Count > 0 ? "__writer.Fds" : "default").Replace("{handles}", handleList));
        if (fds.Count > 0)
        {
            writer.Close();
            writer.Line("finally");
            writer.Open();
            foreach (ArgumentModel fd in fds)
            {
                writer.Line($"if (__ref{Naming.ToPascalCase(fd.Name)})");
                writer.Open();
                writer.Line($"{Naming.ParameterName(fd.Name)}.DangerousRelease();");
                writer.Close();
            }

            writer.Close();
        }
    }

    private static void WriteArgument(CodeWriter writer, EmitContext context, ArgumentModel argument)
    {
        string name = Naming.ParameterName(argument.Name);
        bool enumTyped = context.Resolution.EnumOf(argument) is not null;
        switch (argument.Type)
        {
            case WireType.Int:
                writer.Line(enumTyped ? $"__writer.WriteInt(unchecked((int)(uint){name}));" : $"__writer.WriteInt({name});");
                break;
            case WireType.UInt:
                writer.Line(enumTyped ? $"__writer.WriteUInt((uint){name});" : $"__writer.WriteUInt({name});");
                break;
            case WireType.Fixed:
                writer.Line($"__writer.WriteFixed({Wire}.Fixed.FromDouble({name}));");
                break;
            case WireType.String:
                writer.Line($"__writer.WriteString({name});");
                break;
            case WireType.Object:
                writer.Line(argument.Nullable ? $"__writer.WriteObject({name}?.Id ?? 0);" : $"__writer.WriteObject({name}.Id);");
                break;
            case WireType.NewId:
                writer.Line("__newId = __writer.Length;");
                writer.Line("__writer.WriteNewId(0);");
                break;
            case WireType.Array:
                writer.Line($"__writer.WriteArray({name});");
                break;
            case WireType.Fd:
                writer.Line($"__writer.WriteFd((int){name}.DangerousGetHandle());");
                break;
        }
    }

    /// <summary>The expression decoding argument <paramref name="index"/> for a handler.</summary>
    /// <param name="context">The run's resolved references.</param>
    /// <param name="argument">The argument.</param>
    /// <param name="index">Its index in the message.</param>
    /// <param name="objectType">The typed proxy/resource class of an object or new_id argument.</param>
    /// <param name="objectsMayBeNull">Whether a non-nullable object may still arrive as null (a client's
    /// destroyed proxy); when false, non-nullable objects are asserted non-null.</param>
    public static string DecodeValue(EmitContext context, ArgumentModel argument, int index, Func<ArgumentModel, string> objectType, bool objectsMayBeNull)
    {
        string? enumType = EnumType(context, argument);
        return argument.Type switch
        {
            WireType.Int => enumType is null ? $"args.GetInt({index})" : $"({enumType})unchecked((uint)args.GetInt({index}))",
            WireType.UInt => enumType is null ? $"args.GetUInt({index})" : $"({enumType})args.GetUInt({index})",
            WireType.Fixed => $"args.GetFixed({index}).ToDouble()",
            WireType.String => argument.Nullable ? $"args.GetString({index})" : $"args.GetString({index})!",
            WireType.Object => argument.Nullable || objectsMayBeNull
                ? $"ResolveObject<{objectType(argument)}>(args.GetObjectId({index}))"
                : $"ResolveObject<{objectType(argument)}>(args.GetObjectId({index}))!",
            WireType.NewId => $"ResolveObject<{objectType(argument)}>(args.GetObjectId({index}))!",
            WireType.Array => $"args.GetArray({index})",
            WireType.Fd => $"args.TakeFd({index})",
            _ => "default",
        };
    }

    /// <summary>The parameter type of an int/uint/fixed/string/array/fd argument (objects are the caller's business).</summary>
    public static string ScalarType(EmitContext context, ArgumentModel argument, string fdType) => argument.Type switch
    {
        WireType.Int or WireType.UInt => EnumType(context, argument) ?? (argument.Type == WireType.Int ? "int" : "uint"),
        WireType.Fixed => "double",
        WireType.String => argument.Nullable ? "string?" : "string",
        WireType.Array => "global::System.ReadOnlySpan<byte>",
        WireType.Fd => fdType,
        _ => "object",
    };

    /// <summary>The typed class of an object/new_id argument on one side, or <paramref name="fallback"/> when unresolved.</summary>
    /// <param name="context">The run's resolved references.</param>
    /// <param name="argument">The object or new_id argument.</param>
    /// <param name="nullable">Whether the type gets a <c>?</c>.</param>
    /// <param name="sideNamespace">Maps a data namespace to this side's namespace.</param>
    /// <param name="fallback">The type of an unresolved reference.</param>
    /// <param name="runtimeType">The runtime's hand-written class of an interface the side never generates, else null.</param>
    public static string ObjectType(EmitContext context, ArgumentModel argument, bool nullable, Func<string, string> sideNamespace, string fallback,
        Func<string, string?> runtimeType)
    {
        InterfaceReference? reference = context.LinkedInterface(argument);
        string type = reference is null
            ? fallback
            : runtimeType(reference.InterfaceName) ?? $"global::{sideNamespace(reference.Namespace)}.{Naming.ToPascalCase(reference.InterfaceName)}";
        return nullable ? type + "?" : type;
    }

    /// <summary>
    /// The C# member name of each message: its natural name, unless <paramref name="reserved"/> says that name is
    /// taken (by a member of the runtime base class, the class itself, ...); then <paramref name="suffix"/> is added,
    /// again until the name is neither reserved nor another message's natural name nor already given.
    /// </summary>
    public static Dictionary<MessageModel, string> MemberNames(List<MessageModel> messages, Func<MessageModel, string> natural,
        Func<string, bool> reserved, string suffix)
    {
        var naturals = new HashSet<string>(messages.Select(natural));
        var given = new HashSet<string>();
        var names = new Dictionary<MessageModel, string>();
        foreach (MessageModel message in messages)
        {
            string name = natural(message);
            if (reserved(name))
            {
                do
                {
                    name += suffix;
                }
                while (reserved(name) || naturals.Contains(name) || given.Contains(name));
            }

            given.Add(name);
            names[message] = name;
        }

        return names;
    }

    /// <summary>The name of a parameter the generator adds to <paramref name="message"/>'s method (<c>sender</c>,
    /// <c>resource</c>, <c>version</c>, ...): <paramref name="name"/>, or <c>_</c><paramref name="name"/> when an
    /// argument of the message already has that name (argument names never start with an underscore then).</summary>
    public static string AddedParameter(MessageModel message, string name) =>
        message.Arguments.Any(a => Naming.ParameterName(a.Name) == name) ? "_" + name : name;

    public static string? EnumType(EmitContext context, ArgumentModel argument) =>
        context.Resolution.EnumOf(argument) is { } e ? $"global::{e.Namespace}.{e.TypeName}" : null;

    public static string ArgumentDoc(ArgumentModel argument)
    {
        string summary = DocComments.Inline(argument.Summary);
        return summary.Length > 0 ? summary : DocComments.Code(argument.Name);
    }

    public static void WriteObsolete(CodeWriter writer, InterfaceModel iface, MessageModel message)
    {
        if (message.DeprecatedSince is { } since)
        {
            writer.Line($"[global::System.Obsolete({CSharp.StringLiteral($"{iface.Name}.{message.Name} is deprecated since version {since}.")})]");
        }
    }

    public static void WriteSuppressObsolete(CodeWriter writer, MessageModel message, bool disable)
    {
        if (message.DeprecatedSince is not null)
        {
            writer.Line(disable ? "#pragma warning disable CS0618" : "#pragma warning restore CS0618");
        }
    }
}
