using System.Collections.Generic;
using System.Linq;
using Wayland.Scanner.Model;
using Wayland.Scanner.Validation;

namespace Wayland.Scanner.Emit;

/// <summary>
/// Emits the server resource <c>public sealed partial class WlSurface : Resource, IResourceFactory&lt;WlSurface&gt;</c>:
/// a nested <c>IHandler</c> interface with one default-implemented (no-op) method per request, dispatch of
/// decoded requests to it, and one <c>Send…</c> method per event. See docs/design/generated-code.md.
/// </summary>
internal sealed class ServerEmitter : IInterfaceEmitter
{
    private const string Wire = "global::Wayland.Wire";
    private const string Server = "global::Wayland.Server";

    private static readonly HashSet<string> s_reserved = new()
    {
        "Handler", "IHandler", "Interface", "Client", "Id", "Version", "UserData", "IsDestroyed", "Destroyed", "Destroy",
        "PostError", "SendEvent", "SendEventConstructor", "ResolveObject", "DispatchRequest", "CreateRequestObject",
        "NewResource", "ToString", "Equals", "GetHashCode", "GetType", "MemberwiseClone", "Finalize", "Create",
    };

    public string Namespace(ProtocolModel protocol) => Naming.ServerNamespace(protocol.Namespace);

    /// <summary>wl_display, wl_registry and wl_callback belong to the server runtime and are written by hand.</summary>
    public string? HintName(InterfaceModel iface) =>
        iface.Name is "wl_display" or "wl_registry" or "wl_callback" ? null : $"{Namespace(iface.Protocol)}.{iface.PascalName}.Server.g.cs";

    public void Emit(InterfaceModel iface, EmitContext context, CodeWriter writer)
    {
        string cls = iface.PascalName;
        string data = $"global::{iface.Protocol.Namespace}.{iface.DescriptorClassName}";
        DocComments.Write(writer,
            DocComments.SummaryOr(iface.Documentation?.Summary, $"The {DocComments.Code(iface.Name)} interface."),
            iface.Documentation,
            new[] { $"Server resource of {DocComments.Code(iface.Name)} (version {iface.Version}, protocol {DocComments.Code(iface.Protocol.Name)}). Requests go to <see cref=\"Handler\"/>; events are the <c>Send…</c> methods." });
        writer.Line(CSharp.GeneratedCodeAttribute);
        writer.Line($"public sealed partial class {cls} : {Server}.Resource, {Server}.IResourceFactory<{cls}>");
        writer.Open();
        writer.Line($"private {cls}()");
        writer.Line($"    : base({data}.Descriptor)");
        writer.Open();
        writer.Close();
        writer.Line();
        writer.Line($"/// <summary>What the compositor does with the requests of {DocComments.Code(iface.Name)}. Every method does");
        writer.Line("/// nothing unless implemented; after a destructor request the runtime destroys the resource.</summary>");
        writer.Line("public interface IHandler");
        writer.Open();
        bool first = true;
        foreach (MessageModel request in iface.Requests)
        {
            if (!first)
            {
                writer.Line();
            }

            first = false;
            WriteHandlerMethod(writer, context, iface, request);
        }

        writer.Close();
        writer.Line();
        writer.Line("/// <summary>Receives this resource's requests; null ignores them.</summary>");
        writer.Line("public IHandler? Handler { get; set; }");
        writer.Line();
        writer.Line($"static {Wire}.InterfaceDescriptor {Server}.IResourceFactory<{cls}>.Interface => {data}.Descriptor;");
        writer.Line();
        writer.Line($"static {cls} {Server}.IResourceFactory<{cls}>.Create() => new();");

        foreach (MessageModel evt in iface.Events)
        {
            writer.Line();
            WriteEvent(writer, context, iface, data, evt);
        }

        if (iface.Requests.Count > 0)
        {
            writer.Line();
            bool deprecated = iface.Requests.Any(m => m.DeprecatedSince is not null);
            if (deprecated)
            {
                // Deprecated messages are still dispatched; their opcode constants are [Obsolete].
                writer.Line("#pragma warning disable CS0618");
            }

            WriteDispatch(writer, context, iface, data);
            WriteRequestObjects(writer, context, iface, data);
            if (deprecated)
            {
                writer.Line("#pragma warning restore CS0618");
            }
        }

        writer.Close();
    }

    private static string MethodName(MessageModel request) => request.PascalName;

    private static string EventMethodName(MessageModel evt)
    {
        string name = "Send" + evt.PascalName;
        return s_reserved.Contains(name) ? name + "Event" : name;
    }

    private static void WriteHandlerMethod(CodeWriter writer, EmitContext context, InterfaceModel iface, MessageModel request)
    {
        var parameters = new List<string> { $"{iface.PascalName} resource" };
        foreach (ArgumentModel argument in request.Arguments)
        {
            if (argument.IsUntypedNewId)
            {
                parameters.Add("string interfaceName");
                parameters.Add("uint version");
                parameters.Add($"uint {Naming.ParameterName(argument.Name)}");
                continue;
            }

            parameters.Add($"{RequestParameterType(context, argument)} {Naming.ParameterName(argument.Name)}");
        }

        var extra = new List<string>();
        if (request.Since > 1)
        {
            extra.Add($"Since version {CSharp.Number(request.Since)}.");
        }

        if (request.IsDestructor)
        {
            extra.Add("Destructor: the runtime destroys the resource after this returns.");
        }

        DocComments.Write(writer,
            DocComments.SummaryOr(request.Documentation?.Summary, $"The {DocComments.Code($"{iface.Name}.{request.Name}")} request."),
            request.Documentation, extra);
        writer.Line("/// <param name=\"resource\">The resource the request was sent to.</param>");
        foreach (ArgumentModel argument in request.Arguments)
        {
            if (argument.IsUntypedNewId)
            {
                writer.Line("/// <param name=\"interfaceName\">Interface of the object to create.</param>");
                writer.Line("/// <param name=\"version\">Version of the object to create.</param>");
            }

            writer.Line($"/// <param name=\"{Naming.ParameterName(argument.Name).TrimStart('@')}\">{ArgumentDoc(argument)}</param>");
        }

        WriteObsolete(writer, iface, request);
        writer.Line($"void {MethodName(request)}({string.Join(", ", parameters)})");
        writer.Open();
        foreach (ArgumentModel argument in request.Arguments)
        {
            if (argument.Type == WireType.Fd)
            {
                // Unhandled, the descriptor would stay open until the finalizer ran.
                writer.Line($"{Naming.ParameterName(argument.Name)}.Dispose();");
            }
        }

        writer.Close();
    }

    private static void WriteEvent(CodeWriter writer, EmitContext context, InterfaceModel iface, string data, MessageModel evt)
    {
        ArgumentModel? newId = evt.Arguments.FirstOrDefault(a => a.Type == WireType.NewId && !a.IsUntypedNewId);
        string returnType = newId is null ? "void" : ObjectType(context, newId, nullable: false);
        var parameters = new List<string>();
        foreach (ArgumentModel argument in evt.Arguments)
        {
            if (argument.Type == WireType.NewId && !argument.IsUntypedNewId)
            {
                continue;
            }

            parameters.Add($"{EventParameterType(context, argument)} {Naming.ParameterName(argument.Name)}");
        }

        var extra = new List<string>();
        if (evt.Since > 1)
        {
            extra.Add($"Since version {CSharp.Number(evt.Since)}; sending it to an older resource throws before anything is sent.");
        }

        DocComments.Write(writer,
            DocComments.SummaryOr(evt.Documentation?.Summary, $"Sends the {DocComments.Code($"{iface.Name}.{evt.Name}")} event."),
            evt.Documentation, extra);
        foreach (ArgumentModel argument in evt.Arguments)
        {
            if (!(argument.Type == WireType.NewId && !argument.IsUntypedNewId))
            {
                writer.Line($"/// <param name=\"{Naming.ParameterName(argument.Name).TrimStart('@')}\">{ArgumentDoc(argument)}</param>");
            }
        }

        if (newId is not null)
        {
            writer.Line("/// <returns>The new resource, created with this resource's version.</returns>");
        }

        WriteObsolete(writer, iface, evt);
        writer.Line($"public {returnType} {EventMethodName(evt)}({string.Join(", ", parameters)})");
        writer.Open();
        foreach (ArgumentModel argument in evt.Arguments)
        {
            if (argument.Type is WireType.String or WireType.Object or WireType.Fd && !argument.Nullable)
            {
                writer.Line($"global::System.ArgumentNullException.ThrowIfNull({Naming.ParameterName(argument.Name)});");
            }
        }

        bool variable = evt.Arguments.Any(a => a.Type is WireType.String or WireType.Array || a.IsUntypedNewId);
        int size = 8 + evt.Arguments.Sum(a => a.Type == WireType.Fd ? 0 : 4);
        writer.Line($"global::System.Span<byte> __buffer = stackalloc byte[{(variable ? $"{Wire}.WireLimits.MaxMessageSize" : size.ToString(System.Globalization.CultureInfo.InvariantCulture))}];");
        List<ArgumentModel> fds = evt.Arguments.Where(a => a.Type == WireType.Fd).ToList();
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

        writer.Line($"{Wire}.MessageWriter __writer = new(__buffer, Id, {data}.Events.{evt.PascalName}{(fds.Count > 0 ? ", __fds" : string.Empty)});");
        if (newId is not null)
        {
            writer.Line("int __newId = 0;");
        }

        foreach (ArgumentModel argument in evt.Arguments)
        {
            WriteArgument(writer, context, argument);
        }

        writer.Line("__writer.Finish();");
        string fdSpan = fds.Count > 0 ? "__writer.Fds" : "default";
        string opcode = $"{data}.Events.{evt.PascalName}";
        if (newId is null)
        {
            writer.Line($"SendEvent({opcode}, __buffer[..__writer.Length], {fdSpan});");
        }
        else
        {
            writer.Line($"return SendEventConstructor<{ObjectType(context, newId, nullable: false)}>({opcode}, __buffer[..__writer.Length], {fdSpan}, __newId);");
        }

        if (fds.Count > 0)
        {
            writer.Close();
            writer.Line("finally");
            writer.Open();
            foreach (ArgumentModel fd in fds)
            {
                string flag = $"__ref{Naming.ToPascalCase(fd.Name)}";
                writer.Line($"if ({flag})");
                writer.Open();
                writer.Line($"{Naming.ParameterName(fd.Name)}.DangerousRelease();");
                writer.Close();
            }

            writer.Close();
        }

        writer.Close();
    }

    private static void WriteArgument(CodeWriter writer, EmitContext context, ArgumentModel argument)
    {
        string name = Naming.ParameterName(argument.Name);
        switch (argument.Type)
        {
            case WireType.Int:
                writer.Line(context.Resolution.EnumOf(argument) is null ? $"__writer.WriteInt({name});" : $"__writer.WriteInt(unchecked((int)(uint){name}));");
                break;
            case WireType.UInt:
                writer.Line(context.Resolution.EnumOf(argument) is null ? $"__writer.WriteUInt({name});" : $"__writer.WriteUInt((uint){name});");
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
            case WireType.NewId when argument.IsUntypedNewId:
                writer.Line($"__writer.WriteUntypedNewId({name}.Interface.Name, {name}.Version, {name}.Id);");
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

    private static void WriteDispatch(CodeWriter writer, EmitContext context, InterfaceModel iface, string data)
    {
        writer.Line("/// <inheritdoc/>");
        writer.Line($"protected override void DispatchRequest(ushort opcode, in {Wire}.MessageArguments args)");
        writer.Open();
        writer.Line("IHandler? handler = Handler;");
        writer.Line("if (handler is null)");
        writer.Open();
        writer.Line("return;");
        writer.Close();
        writer.Line();
        writer.Line("switch (opcode)");
        writer.Open();
        foreach (MessageModel request in iface.Requests)
        {
            writer.Line($"case {data}.Requests.{request.PascalName}:");
            writer.Open();
            var values = new List<string> { "this" };
            for (int i = 0; i < request.Arguments.Count; i++)
            {
                ArgumentModel argument = request.Arguments[i];
                if (argument.IsUntypedNewId)
                {
                    values.Add($"args.GetString({i})!");
                    values.Add($"args.GetNewIdVersion({i})");
                    values.Add($"args.GetObjectId({i})");
                    continue;
                }

                values.Add(RequestValue(context, argument, i));
            }

            WriteSuppressObsolete(writer, request, disable: true);
            writer.Line($"handler.{MethodName(request)}({string.Join(", ", values)});");
            WriteSuppressObsolete(writer, request, disable: false);
            writer.Line("break;");
            writer.Close();
        }

        writer.Close();
        writer.Close();
    }

    private static void WriteRequestObjects(CodeWriter writer, EmitContext context, InterfaceModel iface, string data)
    {
        var cases = new List<(MessageModel Request, int Index, ArgumentModel Argument)>();
        foreach (MessageModel request in iface.Requests)
        {
            for (int i = 0; i < request.Arguments.Count; i++)
            {
                ArgumentModel argument = request.Arguments[i];
                if (argument.Type == WireType.NewId && !argument.IsUntypedNewId && context.LinkedInterface(argument) is not null)
                {
                    cases.Add((request, i, argument));
                }
            }
        }

        if (cases.Count == 0)
        {
            return;
        }

        writer.Line();
        writer.Line("/// <inheritdoc/>");
        writer.Line($"protected override {Server}.Resource? CreateRequestObject(ushort opcode, int argument)");
        writer.Open();
        foreach ((MessageModel request, int index, ArgumentModel argument) in cases)
        {
            writer.Line($"if (opcode == {data}.Requests.{request.PascalName} && argument == {index})");
            writer.Open();
            writer.Line($"return NewResource<{ObjectType(context, argument, nullable: false)}>();");
            writer.Close();
            writer.Line();
        }

        writer.Line("return null;");
        writer.Close();
    }

    private static string RequestValue(EmitContext context, ArgumentModel argument, int index)
    {
        EnumReference? enumeration = context.Resolution.EnumOf(argument);
        string enumType = enumeration is null ? string.Empty : $"global::{enumeration.Namespace}.{enumeration.TypeName}";
        return argument.Type switch
        {
            WireType.Int => enumeration is null ? $"args.GetInt({index})" : $"({enumType})unchecked((uint)args.GetInt({index}))",
            WireType.UInt => enumeration is null ? $"args.GetUInt({index})" : $"({enumType})args.GetUInt({index})",
            WireType.Fixed => $"args.GetFixed({index}).ToDouble()",
            WireType.String => argument.Nullable ? $"args.GetString({index})" : $"args.GetString({index})!",
            WireType.Object => argument.Nullable
                ? $"ResolveObject<{ObjectType(context, argument, nullable: false)}>(args.GetObjectId({index}))"
                : $"ResolveObject<{ObjectType(context, argument, nullable: false)}>(args.GetObjectId({index}))!",
            WireType.NewId => $"ResolveObject<{ObjectType(context, argument, nullable: false)}>(args.GetObjectId({index}))!",
            WireType.Array => $"args.GetArray({index})",
            WireType.Fd => $"args.TakeFd({index})",
            _ => "default",
        };
    }

    private static string RequestParameterType(EmitContext context, ArgumentModel argument) => argument.Type switch
    {
        WireType.Int or WireType.UInt => EnumType(context, argument) ?? (argument.Type == WireType.Int ? "int" : "uint"),
        WireType.Fixed => "double",
        WireType.String => argument.Nullable ? "string?" : "string",
        WireType.Object => ObjectType(context, argument, argument.Nullable),
        WireType.NewId => ObjectType(context, argument, nullable: false),
        WireType.Array => "global::System.ReadOnlySpan<byte>",
        WireType.Fd => $"{Wire}.SafeFdHandle",
        _ => "object",
    };

    private static string EventParameterType(EmitContext context, ArgumentModel argument) => argument.Type switch
    {
        WireType.Int or WireType.UInt => EnumType(context, argument) ?? (argument.Type == WireType.Int ? "int" : "uint"),
        WireType.Fixed => "double",
        WireType.String => argument.Nullable ? "string?" : "string",
        WireType.Object => ObjectType(context, argument, argument.Nullable),
        WireType.NewId => $"{Server}.Resource",
        WireType.Array => "global::System.ReadOnlySpan<byte>",
        WireType.Fd => "global::System.Runtime.InteropServices.SafeHandle",
        _ => "object",
    };

    private static string? EnumType(EmitContext context, ArgumentModel argument) =>
        context.Resolution.EnumOf(argument) is { } e ? $"global::{e.Namespace}.{e.TypeName}" : null;

    private static string ObjectType(EmitContext context, ArgumentModel argument, bool nullable)
    {
        InterfaceReference? reference = context.LinkedInterface(argument);
        string type = reference is null
            ? $"{Server}.Resource"
            : $"global::{Naming.ServerNamespace(reference.Namespace)}.{Naming.ToPascalCase(reference.InterfaceName)}";
        return nullable ? type + "?" : type;
    }

    private static string ArgumentDoc(ArgumentModel argument)
    {
        string summary = DocComments.Inline(argument.Summary);
        return summary.Length > 0 ? summary : DocComments.Code(argument.Name);
    }

    private static void WriteObsolete(CodeWriter writer, InterfaceModel iface, MessageModel message)
    {
        if (message.DeprecatedSince is { } since)
        {
            writer.Line($"[global::System.Obsolete({CSharp.StringLiteral($"{iface.Name}.{message.Name} is deprecated since version {since}.")})]");
        }
    }

    private static void WriteSuppressObsolete(CodeWriter writer, MessageModel message, bool disable)
    {
        if (message.DeprecatedSince is not null)
        {
            writer.Line(disable ? "#pragma warning disable CS0618" : "#pragma warning restore CS0618");
        }
    }
}
