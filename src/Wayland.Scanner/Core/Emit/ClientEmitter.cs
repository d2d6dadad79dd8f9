using System.Collections.Generic;
using System.Linq;
using Wayland.Scanner.Model;
using Wayland.Scanner.Validation;

namespace Wayland.Scanner.Emit;

/// <summary>
/// Emits the client proxy <c>public sealed partial class WlSurface : Proxy, IProxyFactory&lt;WlSurface&gt;</c>:
/// requests as methods (encoded with <c>MessageWriter</c> on the stack and queued by the runtime, which checks
/// versions and patches new ids in under its lock), events as C# events with typed handlers, and
/// <c>Dispose()</c> sending the interface's destructor. See docs/design/generated-code.md.
/// </summary>
internal sealed class ClientEmitter : IInterfaceEmitter
{
    private const string Wire = MessageCode.Wire;
    private const string Client = "global::Wayland.Client";

    /// <summary>Members of <c>Proxy</c> and <c>object</c> that generated names must not hide.</summary>
    private static readonly HashSet<string> s_reserved = new()
    {
        "Interface", "Display", "Id", "Version", "IsDestroyed", "IsWrapper", "UserData", "Queue", "Dispose", "ToString",
        "Equals", "GetHashCode", "GetType", "SendRequest", "SendConstructor", "ResolveObject", "DispatchEvent",
        "CreateEventObject", "NewProxy", "TrySendDestructor", "MemberwiseClone", "Finalize", "Create",
        "SendRequestWithFds", "SendConstructorWithFds", "ReferenceEquals",
    };

    /// <summary>Members every proxy class declares: interfaces whose class would have one of these names are rejected
    /// by the validator (WLS022).</summary>
    public static IReadOnlyList<string> DeclaredMembers { get; } = new[] { "DispatchEvent", "CreateEventObject", "TrySendDestructor" };

    public string Namespace(ProtocolModel protocol) => Naming.ClientNamespace(protocol.Namespace);

    /// <summary><c>wl_display</c> belongs to the runtime (<c>WaylandDisplay</c> handles its events), so it is written by hand.</summary>
    public string? HintName(InterfaceModel iface) =>
        iface.Name == "wl_display" ? null : $"{Namespace(iface.Protocol)}.{iface.PascalName}.Client.g.cs";

    /// <summary>The runtime's own proxy class of a runtime-owned interface, whatever namespace the run generates
    /// wayland.xml into; null for the others.</summary>
    private static string? RuntimeType(string interfaceName) => interfaceName == "wl_display" ? $"{Client}.Protocol.WlDisplay" : null;

    public void Emit(InterfaceModel iface, EmitContext context, CodeWriter writer)
    {
        string cls = iface.PascalName;
        string data = $"global::{iface.Protocol.Namespace}.{iface.DescriptorClassName}";
        // A request or event must not take the name of a Proxy member or of the class, nor end like the delegate
        // type of an event; an event's delegate must not take the class name either.
        Dictionary<MessageModel, string> requestNames = MessageCode.MemberNames(iface.Requests, m => m.PascalName,
            name => s_reserved.Contains(name) || name == cls || name.EndsWith("Handler", System.StringComparison.Ordinal), "Request");
        var taken = new HashSet<string>(s_reserved.Concat(requestNames.Values)) { cls };
        Dictionary<MessageModel, string> eventNames = MessageCode.MemberNames(iface.Events, m => m.PascalName,
            name => taken.Contains(name) || name.EndsWith("Handler", System.StringComparison.Ordinal) || name + "Handler" == cls, "Event");

        DocComments.Write(writer,
            DocComments.SummaryOr(iface.Documentation?.Summary, $"The {DocComments.Code(iface.Name)} interface."),
            iface.Documentation,
            new[] { $"Client proxy of {DocComments.Code(iface.Name)} (version {iface.Version}, protocol {DocComments.Code(iface.Protocol.Name)})." });
        writer.Line(CSharp.GeneratedCodeAttribute);
        writer.Line($"public sealed partial class {cls} : {Client}.Proxy, {Client}.IProxyFactory<{cls}>");
        writer.Open();
        writer.Line($"private {cls}()");
        writer.Line($"    : base({data}.Descriptor)");
        writer.Open();
        writer.Close();
        writer.Line();
        writer.Line($"static {Wire}.InterfaceDescriptor {Client}.IProxyFactory<{cls}>.Interface => {data}.Descriptor;");
        writer.Line();
        writer.Line($"static {cls} {Client}.IProxyFactory<{cls}>.Create() => new();");

        foreach (MessageModel request in iface.Requests)
        {
            writer.Line();
            WriteRequest(writer, context, iface, data, request, requestNames[request]);
        }

        WriteDestructor(writer, iface, requestNames);

        foreach (MessageModel evt in iface.Events)
        {
            writer.Line();
            WriteEventDeclaration(writer, context, iface, evt, eventNames[evt]);
        }

        if (iface.Events.Count > 0)
        {
            writer.Line();
            bool deprecated = iface.Events.Any(m => m.DeprecatedSince is not null);
            if (deprecated)
            {
                // Deprecated messages are still dispatched; their opcode constants are [Obsolete].
                writer.Line("#pragma warning disable CS0618");
            }

            WriteDispatch(writer, context, iface, data, eventNames);
            WriteEventObjects(writer, context, iface);
            if (deprecated)
            {
                writer.Line("#pragma warning restore CS0618");
            }
        }

        writer.Close();
    }

    private static void WriteRequest(CodeWriter writer, EmitContext context, InterfaceModel iface, string data, MessageModel request, string name)
    {
        ArgumentModel? newId = request.Arguments.FirstOrDefault(a => a.Type == WireType.NewId);
        bool untyped = newId is { IsUntypedNewId: true };
        string version = MessageCode.AddedParameter(request, "version");
        string returnType = newId is null ? "void" : untyped ? "T" : ObjectType(context, newId, nullable: false);
        var parameters = new List<string>();
        foreach (ArgumentModel argument in request.Arguments)
        {
            if (argument.Type == WireType.NewId)
            {
                if (untyped)
                {
                    parameters.Add($"uint {version}");
                }

                continue;
            }

            parameters.Add($"{RequestParameterType(context, argument)} {Naming.ParameterName(argument.Name)}");
        }

        WriteMessageDocs(writer, iface, request, "request", newId is null ? null : untyped ? "The new object, bound as <typeparamref name=\"T\"/>." : "The new object.");
        if (untyped)
        {
            writer.Line("/// <typeparam name=\"T\">The proxy class of the interface to bind; its name goes on the wire.</typeparam>");
            writer.Line($"/// <param name=\"{version}\">The version to bind (1 to what both sides support).</param>");
        }

        MessageCode.WriteObsolete(writer, iface, request);
        string generic = untyped ? "<T>" : string.Empty;
        writer.Line($"public {returnType} {name}{generic}({string.Join(", ", parameters)})");
        if (untyped)
        {
            writer.Line($"    where T : {Client}.Proxy, {Client}.IProxyFactory<T>");
        }

        writer.Open();
        foreach (ArgumentModel argument in request.Arguments)
        {
            bool reference = argument.Type is WireType.String or WireType.Object or WireType.Fd;
            if (reference && !argument.Nullable)
            {
                writer.Line($"global::System.ArgumentNullException.ThrowIfNull({Naming.ParameterName(argument.Name)});");
            }
        }

        if (untyped)
        {
            writer.Line($"{Wire}.InterfaceDescriptor __interface = T.Interface;");
            writer.Line($"if ({version} == 0 || {version} > __interface.Version)");
            writer.Open();
            writer.Line($"throw new global::System.ArgumentOutOfRangeException(nameof({version}), {version}, $\"{{__interface.Name}} is supported up to version {{__interface.Version}}\");");
            writer.Close();
        }

        string opcode = $"{data}.Requests.{request.PascalName}";
        // Requests with fd arguments pass the handles themselves: the connection keeps a reference on each until it
        // is sent, instead of duplicating the descriptor (two system calls each). Fds take no bytes on the wire, so
        // the body writes nothing for them.
        string withFds = request.Arguments.Any(a => a.Type == WireType.Fd) ? "WithFds" : string.Empty;
        string fds = withFds.Length > 0 ? "{handles}" : "{fds}";
        string send = newId is null
            ? $"SendRequest{withFds}({opcode}, __buffer[..__writer.Length], {fds});"
            : $"return SendConstructor{withFds}<{(untyped ? "T" : ObjectType(context, newId, nullable: false))}>({opcode}, __buffer[..__writer.Length], {fds}, __newId{(untyped ? ", " + version : string.Empty)});";
        MessageCode.WriteEncoding(writer, context, request, opcode, _ =>
        {
            writer.Line("__writer.WriteString(__interface.Name);");
            writer.Line($"__writer.WriteUInt({version});");
            writer.Line("__newId = __writer.Length;");
            writer.Line("__writer.WriteNewId(0);");
        }, send, fdsAsHandles: withFds.Length > 0);
        writer.Close();
    }

    private static void WriteDestructor(CodeWriter writer, InterfaceModel iface, Dictionary<MessageModel, string> names)
    {
        MessageModel? destructor = iface.Requests.FirstOrDefault(r => r.IsDestructor && r.Arguments.Count == 0);
        if (destructor is null)
        {
            return;
        }

        writer.Line();
        writer.Line($"/// <summary>Sends {DocComments.Code($"{iface.Name}.{destructor.Name}")} when this object's version has it.</summary>");
        writer.Line("protected override bool TrySendDestructor()");
        writer.Open();
        writer.Line($"if (Version < {CSharp.Number(destructor.Since)})");
        writer.Open();
        writer.Line("return false;");
        writer.Close();
        writer.Line();
        MessageCode.WriteSuppressObsolete(writer, destructor, disable: true);
        writer.Line($"{names[destructor]}();");
        MessageCode.WriteSuppressObsolete(writer, destructor, disable: false);
        writer.Line("return true;");
        writer.Close();
    }

    private static void WriteEventDeclaration(CodeWriter writer, EmitContext context, InterfaceModel iface, MessageModel evt, string name)
    {
        string sender = MessageCode.AddedParameter(evt, "sender");
        var parameters = new List<string> { $"{iface.PascalName} {sender}" };
        foreach (ArgumentModel argument in evt.Arguments)
        {
            parameters.Add($"{EventParameterType(context, argument)} {Naming.ParameterName(argument.Name)}");
        }

        writer.Line($"/// <summary>Handler of <see cref=\"{name}\"/>.</summary>");
        writer.Line($"/// <param name=\"{sender}\">The proxy that received the event.</param>");
        foreach (ArgumentModel argument in evt.Arguments)
        {
            writer.Line($"/// <param name=\"{Naming.ParameterName(argument.Name).TrimStart('@')}\">{MessageCode.ArgumentDoc(argument)}</param>");
        }

        writer.Line($"public delegate void {name}Handler({string.Join(", ", parameters)});");
        writer.Line();
        WriteMessageDocs(writer, iface, evt, "event", null, parametersDocumented: false);
        MessageCode.WriteObsolete(writer, iface, evt);
        writer.Line($"public event {name}Handler? {name};");
    }

    private static void WriteDispatch(CodeWriter writer, EmitContext context, InterfaceModel iface, string data, Dictionary<MessageModel, string> names)
    {
        writer.Line("/// <inheritdoc/>");
        writer.Line($"protected override void DispatchEvent(ushort opcode, in {Wire}.MessageArguments args)");
        writer.Open();
        writer.Line("switch (opcode)");
        writer.Open();
        foreach (MessageModel evt in iface.Events)
        {
            string name = names[evt];
            writer.Line($"case {data}.Events.{evt.PascalName}:");
            writer.Open();
            MessageCode.WriteSuppressObsolete(writer, evt, disable: true);
            writer.Line($"{name}Handler? handler = {name};");
            MessageCode.WriteSuppressObsolete(writer, evt, disable: false);
            writer.Line("if (handler is not null)");
            writer.Open();
            var values = new List<string> { "this" };
            for (int i = 0; i < evt.Arguments.Count; i++)
            {
                values.Add(MessageCode.DecodeValue(context, evt.Arguments[i], i, arg => ObjectType(context, arg, nullable: false), objectsMayBeNull: true));
            }

            writer.Line($"handler({string.Join(", ", values)});");
            writer.Close();
            writer.Line();
            writer.Line("break;");
            writer.Close();
        }

        writer.Close();
        writer.Close();
    }

    private static void WriteEventObjects(CodeWriter writer, EmitContext context, InterfaceModel iface)
    {
        var cases = new List<(MessageModel Event, int Index, ArgumentModel Argument)>();
        foreach (MessageModel evt in iface.Events)
        {
            for (int i = 0; i < evt.Arguments.Count; i++)
            {
                if (evt.Arguments[i].Type == WireType.NewId && context.LinkedInterface(evt.Arguments[i]) is not null)
                {
                    cases.Add((evt, i, evt.Arguments[i]));
                }
            }
        }

        if (cases.Count == 0)
        {
            return;
        }

        string data = $"global::{iface.Protocol.Namespace}.{iface.DescriptorClassName}";
        writer.Line();
        writer.Line("/// <inheritdoc/>");
        writer.Line($"protected override {Client}.Proxy? CreateEventObject(ushort opcode, int argument)");
        writer.Open();
        foreach ((MessageModel evt, int index, ArgumentModel argument) in cases)
        {
            writer.Line($"if (opcode == {data}.Events.{evt.PascalName} && argument == {index})");
            writer.Open();
            writer.Line($"return NewProxy<{ObjectType(context, argument, nullable: false)}>();");
            writer.Close();
            writer.Line();
        }

        writer.Line("return null;");
        writer.Close();
    }

    private static string RequestParameterType(EmitContext context, ArgumentModel argument) => argument.Type == WireType.Object
        ? ObjectType(context, argument, argument.Nullable)
        : MessageCode.ScalarType(context, argument, "global::System.Runtime.InteropServices.SafeHandle");

    // An object the client destroyed meanwhile arrives as null, as in libwayland.
    private static string EventParameterType(EmitContext context, ArgumentModel argument) => argument.Type switch
    {
        WireType.Object => ObjectType(context, argument, nullable: true),
        WireType.NewId => ObjectType(context, argument, nullable: false),
        _ => MessageCode.ScalarType(context, argument, $"{Wire}.SafeFdHandle"),
    };

    private static string ObjectType(EmitContext context, ArgumentModel argument, bool nullable) =>
        MessageCode.ObjectType(context, argument, nullable, Naming.ClientNamespace, $"{Client}.Proxy", RuntimeType);

    private static void WriteMessageDocs(CodeWriter writer, InterfaceModel iface, MessageModel message, string direction, string? returns,
        bool parametersDocumented = true)
    {
        var extra = new List<string>();
        if (message.Since > 1)
        {
            extra.Add($"Since version {CSharp.Number(message.Since)}{(direction == "request" ? "; sending it to an older object throws before anything is sent" : string.Empty)}.");
        }

        if (message.IsDestructor)
        {
            extra.Add("Destructor: the object is destroyed once this message is sent.");
        }

        DocComments.Write(writer,
            DocComments.SummaryOr(message.Documentation?.Summary, $"The {DocComments.Code($"{iface.Name}.{message.Name}")} {direction}."),
            message.Documentation, extra);
        if (parametersDocumented)
        {
            foreach (ArgumentModel argument in message.Arguments)
            {
                if (argument.Type != WireType.NewId)
                {
                    writer.Line($"/// <param name=\"{Naming.ParameterName(argument.Name).TrimStart('@')}\">{MessageCode.ArgumentDoc(argument)}</param>");
                }
            }
        }

        if (returns is not null)
        {
            writer.Line($"/// <returns>{returns}</returns>");
        }
    }

}
