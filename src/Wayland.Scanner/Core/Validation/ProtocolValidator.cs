using System.Collections.Generic;
using System.Linq;
using Wayland.Scanner.Diagnostics;
using Wayland.Scanner.Emit;
using Wayland.Scanner.Model;

namespace Wayland.Scanner.Validation;

/// <summary>
/// Checks one parsed protocol on its own: identifiers, duplicates, versions, nullability, destructors,
/// wire limits and C# name collisions inside the generated types. References to other interfaces and
/// enums are checked by <see cref="ReferenceResolver"/>, which sees the whole run.
/// </summary>
internal sealed class ProtocolValidator
{
    /// <summary>libwayland's limit on wire arguments per message (an untyped new_id counts three).</summary>
    private const int MaxWireArguments = 20;

    private readonly DiagnosticBag _diagnostics;

    private ProtocolValidator(DiagnosticBag diagnostics) => _diagnostics = diagnostics;

    public static void Validate(ProtocolModel protocol, DiagnosticBag diagnostics) =>
        new ProtocolValidator(diagnostics).ValidateProtocol(protocol);

    private void ValidateProtocol(ProtocolModel protocol)
    {
        CheckIdentifier(protocol.Name, protocol.Position, "protocol", standalone: true);
        var names = new Dictionary<string, InterfaceModel>();
        foreach (InterfaceModel iface in protocol.Interfaces)
        {
            if (names.ContainsKey(iface.Name))
            {
                _diagnostics.Report(DiagnosticRules.DuplicateName, iface.Position,
                    $"interface '{iface.Name}' is declared twice in protocol '{protocol.Name}'");
                continue;
            }

            names.Add(iface.Name, iface);
            ValidateInterface(iface);
        }
    }

    private void ValidateInterface(InterfaceModel iface)
    {
        if (!CheckIdentifier(iface.Name, iface.Position, "interface", standalone: true))
        {
            return;
        }

        // The proxy and resource classes declare these members whatever the protocol says; C# forbids a member
        // named like its class.
        foreach ((string side, IReadOnlyList<string> members) in new[] { ("client proxy", ClientEmitter.DeclaredMembers), ("server resource", ServerEmitter.DeclaredMembers) })
        {
            if (members.Contains(iface.PascalName))
            {
                _diagnostics.Report(DiagnosticRules.GeneratedNameCollision, iface.Position,
                    $"interface '{iface.Name}' would generate the {side} class '{iface.PascalName}', which has a member of that name");
            }
        }

        ValidateMessages(iface, iface.Requests, "Requests");
        ValidateMessages(iface, iface.Events, "Events");

        var enums = new HashSet<string>();
        var enumTypeNames = new HashSet<string>();
        foreach (EnumModel enumeration in iface.Enums)
        {
            if (!enums.Add(enumeration.Name))
            {
                _diagnostics.Report(DiagnosticRules.DuplicateName, enumeration.Position,
                    $"enum '{enumeration.Name}' is declared twice in interface '{iface.Name}'");
                continue;
            }

            if (!CheckIdentifier(enumeration.Name, enumeration.Position, "enum", standalone: false))
            {
                continue;
            }

            if (!enumTypeNames.Add(enumeration.TypeName))
            {
                _diagnostics.Report(DiagnosticRules.GeneratedNameCollision, enumeration.Position,
                    $"enum '{iface.Name}.{enumeration.Name}' and another enum of the interface both become the C# type '{enumeration.TypeName}'");
            }

            ValidateEnum(iface, enumeration);
        }
    }

    private void ValidateMessages(InterfaceModel iface, List<MessageModel> messages, string containerName)
    {
        if (messages.Count > ushort.MaxValue + 1)
        {
            _diagnostics.Report(DiagnosticRules.TooManyArguments, iface.Position,
                $"interface '{iface.Name}' has {messages.Count} {containerName.ToLowerInvariant()}; opcodes are 16-bit");
        }

        var names = new HashSet<string>();
        var members = new Dictionary<string, string>();
        uint previousSince = 1;
        foreach (MessageModel message in messages)
        {
            string what = Describe(message);
            if (!names.Add(message.Name))
            {
                _diagnostics.Report(DiagnosticRules.DuplicateName, message.Position, $"{what} is declared twice");
                continue;
            }

            if (!CheckIdentifier(message.Name, message.Position, message.Kind == MessageKind.Request ? "request" : "event", standalone: true))
            {
                continue;
            }

            // The generated constants are <Name> (opcode) and <Name>Since inside a nested class <containerName>.
            foreach (string member in new[] { message.PascalName, message.PascalName + "Since" })
            {
                if (member == containerName)
                {
                    _diagnostics.Report(DiagnosticRules.GeneratedNameCollision, message.Position,
                        $"{what} would generate the constant '{member}' inside the class of the same name");
                }
                else if (members.TryGetValue(member, out string? other))
                {
                    _diagnostics.Report(DiagnosticRules.GeneratedNameCollision, message.Position,
                        $"{what} and '{other}' both generate the C# member '{containerName}.{member}'");
                }
                else
                {
                    members.Add(member, message.Name);
                }
            }

            CheckVersion(iface, message.Since, message.SincePosition, what, "since");
            if (message.DeprecatedSince is { } deprecated)
            {
                CheckVersion(iface, deprecated, message.DeprecatedSincePosition, what, "deprecated-since");
            }

            if (message.Since < previousSince)
            {
                _diagnostics.Report(DiagnosticRules.SinceNotIncreasing, message.SincePosition ?? message.Position,
                    $"{what} has since={message.Since}, lower than the {previousSince} of a message declared before it");
            }

            previousSince = message.Since > previousSince ? message.Since : previousSince;

            if (message.Kind == MessageKind.Request && message.Name == "destroy" && !message.IsDestructor)
            {
                _diagnostics.Report(DiagnosticRules.DestroyNotDestructor, message.Position,
                    $"{what} is not marked type=\"destructor\"; the object would stay alive after it is sent");
            }

            ValidateArguments(message);
        }
    }

    private void ValidateArguments(MessageModel message)
    {
        string what = Describe(message);
        var names = new HashSet<string>();
        var parameters = new Dictionary<string, string>();
        int wireArguments = 0;
        int newIds = 0;
        foreach (ArgumentModel argument in message.Arguments)
        {
            wireArguments += argument.IsUntypedNewId ? 3 : 1;
            if (argument.Type == WireType.NewId && ++newIds == 2)
            {
                _diagnostics.Report(DiagnosticRules.TooManyArguments, argument.Position,
                    $"{what} has a second new_id argument, '{argument.Name}'; a message creates at most one object (libwayland's wayland-scanner generates no client code for such a request)");
            }

            if (!names.Add(argument.Name))
            {
                _diagnostics.Report(DiagnosticRules.DuplicateName, argument.Position,
                    $"argument '{argument.Name}' of {what} is declared twice");
                continue;
            }

            if (CheckIdentifier(argument.Name, argument.Position, "argument", standalone: true))
            {
                string parameter = Naming.ParameterName(argument.Name);
                if (parameters.TryGetValue(parameter, out string? other))
                {
                    _diagnostics.Report(DiagnosticRules.GeneratedNameCollision, argument.Position,
                        $"arguments '{other}' and '{argument.Name}' of {what} both become the C# parameter '{parameter}'");
                }
                else
                {
                    parameters.Add(parameter, argument.Name);
                }
            }

            if (argument.Nullable && argument.Type is not (WireType.String or WireType.Object or WireType.Array))
            {
                _diagnostics.Report(DiagnosticRules.AllowNullOnNonNullableType, argument.AllowNullPosition ?? argument.Position,
                    $"argument '{argument.Name}' of {what} has type {TypeName(argument.Type)}, which cannot be null; allow-null is only valid for string, object and array");
            }

            if (argument.InterfaceName is not null)
            {
                if (argument.Type is not (WireType.Object or WireType.NewId))
                {
                    _diagnostics.Report(DiagnosticRules.InterfaceOnNonObject, argument.InterfacePosition ?? argument.Position,
                        $"argument '{argument.Name}' of {what} has type {TypeName(argument.Type)}; only object and new_id arguments name an interface");
                }
                else
                {
                    CheckIdentifier(argument.InterfaceName, argument.InterfacePosition ?? argument.Position, "interface reference", standalone: true);
                }
            }

            if (argument.EnumName is not null)
            {
                if (argument.Type is not (WireType.Int or WireType.UInt))
                {
                    _diagnostics.Report(DiagnosticRules.EnumOnWrongType, argument.EnumPosition ?? argument.Position,
                        $"argument '{argument.Name}' of {what} has type {TypeName(argument.Type)} but refers to enum '{argument.EnumName}'; only int and uint arguments may");
                }
                else if (!Naming.IsEnumReference(argument.EnumName))
                {
                    _diagnostics.Report(DiagnosticRules.BadIdentifier, argument.EnumPosition ?? argument.Position,
                        $"enum reference '{argument.EnumName}' of argument '{argument.Name}' is not of the form 'enum' or 'interface.enum'");
                }
            }
        }

        if (wireArguments > MaxWireArguments)
        {
            _diagnostics.Report(DiagnosticRules.TooManyArguments, message.Position,
                $"{what} has {wireArguments} wire arguments; libwayland allows at most {MaxWireArguments}");
        }
    }

    private void ValidateEnum(InterfaceModel iface, EnumModel enumeration)
    {
        string what = $"enum '{iface.Name}.{enumeration.Name}'";
        CheckVersion(iface, enumeration.Since, enumeration.SincePosition, what, "since");
        if (enumeration.DeclaredEntryCount == 0)
        {
            _diagnostics.Report(DiagnosticRules.EmptyEnum, enumeration.Position, $"{what} has no entries");
            return;
        }

        var names = new HashSet<string>();
        var members = new Dictionary<string, string>();
        uint previousSince = 1;
        foreach (EntryModel entry in enumeration.Entries)
        {
            string entryWhat = $"entry '{entry.Name}' of {what}";
            if (!names.Add(entry.Name))
            {
                _diagnostics.Report(DiagnosticRules.DuplicateName, entry.Position, $"{entryWhat} is declared twice");
                continue;
            }

            if (!CheckIdentifier(entry.Name, entry.Position, "enum entry", standalone: false))
            {
                continue;
            }

            string member = entry.MemberName;
            if (member == enumeration.TypeName)
            {
                _diagnostics.Report(DiagnosticRules.GeneratedNameCollision, entry.Position,
                    $"{entryWhat} would become the member '{member}' of the enum type of the same name");
            }
            else if (members.TryGetValue(member, out string? other))
            {
                _diagnostics.Report(DiagnosticRules.GeneratedNameCollision, entry.Position,
                    $"{entryWhat} and entry '{other}' both become the C# member '{enumeration.TypeName}.{member}'");
            }
            else
            {
                members.Add(member, entry.Name);
            }

            CheckVersion(iface, entry.Since, entry.SincePosition, entryWhat, "since");
            if (entry.DeprecatedSince is { } deprecated)
            {
                CheckVersion(iface, deprecated, entry.DeprecatedSincePosition, entryWhat, "deprecated-since");
            }

            if (entry.Since < previousSince)
            {
                _diagnostics.Report(DiagnosticRules.SinceNotIncreasing, entry.SincePosition ?? entry.Position,
                    $"{entryWhat} has since={entry.Since}, lower than the {previousSince} of an entry declared before it");
            }

            previousSince = entry.Since > previousSince ? entry.Since : previousSince;
        }
    }

    private void CheckVersion(InterfaceModel iface, uint value, SourcePosition? position, string what, string attribute)
    {
        // Version 0 means the interface version itself was unusable, which was reported already.
        if (iface.Version != 0 && value > iface.Version)
        {
            _diagnostics.Report(DiagnosticRules.SinceAboveVersion, position,
                $"{what} has {attribute}={value}, but interface '{iface.Name}' is only version {iface.Version}");
        }
    }

    private bool CheckIdentifier(string name, SourcePosition position, string kind, bool standalone)
    {
        bool valid = standalone ? Naming.IsStandaloneIdentifier(name) : Naming.IsTrailingIdentifier(name);
        if (valid && Naming.ToPascalCase(name).Length == 0)
        {
            valid = false;
        }

        if (!valid)
        {
            string rule = standalone ? "[A-Za-z_][A-Za-z0-9_]*" : "[A-Za-z0-9_]+";
            _diagnostics.Report(DiagnosticRules.BadIdentifier, position,
                $"{kind} name '{name}' is not a valid identifier (it must match {rule} and contain a letter or digit)");
        }

        return valid;
    }

    internal static string Describe(MessageModel message) =>
        $"{(message.Kind == MessageKind.Request ? "request" : "event")} '{message.Owner.Name}.{message.Name}'";

    internal static string TypeName(WireType type) => type switch
    {
        WireType.Int => "int",
        WireType.UInt => "uint",
        WireType.Fixed => "fixed",
        WireType.String => "string",
        WireType.Object => "object",
        WireType.NewId => "new_id",
        WireType.Array => "array",
        _ => "fd",
    };
}
