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
    private const string Wire = MessageCode.Wire;
    private const string Server = "global::Wayland.Server";

    private static readonly HashSet<string> s_reserved = new()
    {
        "Handler", "IHandler", "Interface", "Client", "Id", "Version", "UserData", "IsDestroyed", "Destroyed", "Destroy",
        "PostError", "SendEvent", "SendEventConstructor", "ResolveObject", "DispatchRequest", "CreateRequestObject",
        "NewResource", "ToString", "Equals", "GetHashCode", "GetType", "MemberwiseClone", "Finalize", "Create",
        "PostNoMemory", "ReferenceEquals",
    };

    /// <summary>Members every resource class declares: interfaces whose class would have one of these names are
    /// rejected by the validator (WLS022).</summary>
    public static IReadOnlyList<string> DeclaredMembers { get; } = new[] { "Handler", "IHandler", "DispatchRequest", "CreateRequestObject" };

    public string Namespace(ProtocolModel protocol) => Naming.ServerNamespace(protocol.Namespace);

    /// <summary>wl_display, wl_registry and wl_callback belong to the server runtime and are written by hand.</summary>
    public string? HintName(InterfaceModel iface) =>
        IsRuntimeOwned(iface.Name) ? null : $"{Namespace(iface.Protocol)}.{iface.PascalName}.Server.g.cs";

    /// <summary>Interfaces whose resource class is the runtime's own (<c>Wayland.Server.Protocol.WlCallback</c>, ...),
    /// whatever namespace the run generates wayland.xml into.</summary>
    private static bool IsRuntimeOwned(string interfaceName) => interfaceName is "wl_display" or "wl_registry" or "wl_callback";

    public void Emit(InterfaceModel iface, EmitContext context, CodeWriter writer)
    {
        string cls = iface.PascalName;
        string data = $"global::{iface.Protocol.Namespace}.{iface.DescriptorClassName}";
        // A handler method must not take the name of its interface, IHandler; a Send method neither that of a
        // Resource member nor that of the class.
        Dictionary<MessageModel, string> handlerNames = MessageCode.MemberNames(iface.Requests, m => m.PascalName, name => name == "IHandler", "Request");
        Dictionary<MessageModel, string> sendNames = MessageCode.MemberNames(iface.Events, m => "Send" + m.PascalName,
            name => s_reserved.Contains(name) || name == cls, "Event");
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
            WriteHandlerMethod(writer, context, iface, request, handlerNames[request]);
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
            WriteEvent(writer, context, iface, data, evt, sendNames[evt]);
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

            WriteDispatch(writer, context, iface, data, handlerNames);
            WriteRequestObjects(writer, context, iface, data);
            if (deprecated)
            {
                writer.Line("#pragma warning restore CS0618");
            }
        }

        writer.Close();
    }

    private static void WriteHandlerMethod(CodeWriter writer, EmitContext context, InterfaceModel iface, MessageModel request, string name)
    {
        string resource = MessageCode.AddedParameter(request, "resource");
        string interfaceName = MessageCode.AddedParameter(request, "interfaceName");
        string version = MessageCode.AddedParameter(request, "version");
        var parameters = new List<string> { $"{iface.PascalName} {resource}" };
        foreach (ArgumentModel argument in request.Arguments)
        {
            if (argument.IsUntypedNewId)
            {
                parameters.Add($"string {interfaceName}");
                parameters.Add($"uint {version}");
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
        writer.Line($"/// <param name=\"{resource}\">The resource the request was sent to.</param>");
        foreach (ArgumentModel argument in request.Arguments)
        {
            if (argument.IsUntypedNewId)
            {
                writer.Line($"/// <param name=\"{interfaceName}\">Interface of the object to create.</param>");
                writer.Line($"/// <param name=\"{version}\">Version of the object to create.</param>");
            }

            writer.Line($"/// <param name=\"{Naming.ParameterName(argument.Name).TrimStart('@')}\">{MessageCode.ArgumentDoc(argument)}</param>");
        }

        MessageCode.WriteObsolete(writer, iface, request);
        writer.Line($"void {name}({string.Join(", ", parameters)})");
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

    private static void WriteEvent(CodeWriter writer, EmitContext context, InterfaceModel iface, string data, MessageModel evt, string name)
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
                writer.Line($"/// <param name=\"{Naming.ParameterName(argument.Name).TrimStart('@')}\">{MessageCode.ArgumentDoc(argument)}</param>");
            }
        }

        if (newId is not null)
        {
            writer.Line("/// <returns>The new resource, created with this resource's version.</returns>");
        }

        MessageCode.WriteObsolete(writer, iface, evt);
        writer.Line($"public {returnType} {name}({string.Join(", ", parameters)})");
        writer.Open();
        foreach (ArgumentModel argument in evt.Arguments)
        {
            if (argument.Type is WireType.String or WireType.Object or WireType.Fd && !argument.Nullable)
            {
                writer.Line($"global::System.ArgumentNullException.ThrowIfNull({Naming.ParameterName(argument.Name)});");
            }
        }

        string opcode = $"{data}.Events.{evt.PascalName}";
        string send = newId is null
            ? $"SendEvent({opcode}, __buffer[..__writer.Length], {{fds}});"
            : $"return SendEventConstructor<{ObjectType(context, newId, nullable: false)}>({opcode}, __buffer[..__writer.Length], {{fds}}, __newId);";
        MessageCode.WriteEncoding(writer, context, evt, opcode, untyped =>
        {
            string parameter = Naming.ParameterName(untyped.Name);
            writer.Line($"__writer.WriteUntypedNewId({parameter}.Interface.Name, {parameter}.Version, {parameter}.Id);");
        }, send, fdsAsHandles: false);
        writer.Close();
    }

    private static void WriteDispatch(CodeWriter writer, EmitContext context, InterfaceModel iface, string data, Dictionary<MessageModel, string> names)
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

                values.Add(MessageCode.DecodeValue(context, argument, i, arg => ObjectType(context, arg, nullable: false), objectsMayBeNull: false));
            }

            MessageCode.WriteSuppressObsolete(writer, request, disable: true);
            writer.Line($"handler.{names[request]}({string.Join(", ", values)});");
            MessageCode.WriteSuppressObsolete(writer, request, disable: false);
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

    private static string RequestParameterType(EmitContext context, ArgumentModel argument) => argument.Type switch
    {
        WireType.Object => ObjectType(context, argument, argument.Nullable),
        WireType.NewId => ObjectType(context, argument, nullable: false),
        _ => MessageCode.ScalarType(context, argument, $"{Wire}.SafeFdHandle"),
    };

    private static string EventParameterType(EmitContext context, ArgumentModel argument) => argument.Type switch
    {
        WireType.Object => ObjectType(context, argument, argument.Nullable),
        WireType.NewId => $"{Server}.Resource",
        _ => MessageCode.ScalarType(context, argument, "global::System.Runtime.InteropServices.SafeHandle"),
    };

    private static string ObjectType(EmitContext context, ArgumentModel argument, bool nullable) =>
        MessageCode.ObjectType(context, argument, nullable, Naming.ServerNamespace, $"{Server}.Resource",
            name => IsRuntimeOwned(name) ? $"{Server}.Protocol.{Naming.ToPascalCase(name)}" : null);
}
