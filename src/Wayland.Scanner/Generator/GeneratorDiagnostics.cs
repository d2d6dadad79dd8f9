using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Wayland.Scanner.Generator;

/// <summary>
/// Roslyn descriptors of the rules in <see cref="Diagnostics.DiagnosticRules"/>, spelled out with constant ids and
/// severities so that analyzer release tracking (AnalyzerReleases.*.md) can check them. A test keeps the two
/// tables identical.
/// </summary>
internal static class GeneratorDiagnostics
{
    private const string Category = "WaylandScanner";

    public static readonly DiagnosticDescriptor MalformedXml = new("WLS001", "Malformed protocol XML", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor MissingAttribute = new("WLS002", "Missing required attribute", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownArgumentType = new("WLS003", "Unknown argument type", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidInteger = new("WLS004", "Invalid integer attribute", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor SinceAboveVersion = new("WLS005", "'since' is greater than the interface version", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor AllowNullOnNonNullableType = new("WLS006", "allow-null on a type that cannot be null", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidBoolean = new("WLS007", "Invalid boolean attribute", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor BitfieldOnInt = new("WLS008", "Bitfield enum referenced by an int argument", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor EnumOnWrongType = new("WLS009", "Enum referenced by an argument that is not int or uint", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DestroyNotDestructor = new("WLS010", "Request named 'destroy' is not a destructor", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidMessageType = new("WLS011", "Invalid message type", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor BadIdentifier = new("WLS012", "Name is not a valid identifier", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateName = new("WLS013", "Duplicate name", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownEnum = new("WLS014", "Reference to an unknown enum", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownInterface = new("WLS015", "Reference to an unknown interface", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor AmbiguousInterface = new("WLS016", "Ambiguous interface reference", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InterfaceOnNonObject = new("WLS017", "interface attribute on an argument that is not an object or new_id", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor SinceNotIncreasing = new("WLS018", "'since' is not increasing", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor EmptyEnum = new("WLS019", "Enum without entries", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor TooManyArguments = new("WLS020", "Message exceeds the wire limits", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidNamespace = new("WLS021", "Invalid namespace", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GeneratedNameCollision = new("WLS022", "Generated C# names collide", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownOutput = new("WLS023", "Unknown word in WaylandScannerOutputs", "{0}", Category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GeneratedCodeTooLarge = new("WLS024", "Generated code too large", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InternalError = new("WLS900", "Internal scanner error", "{0}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    /// <summary>Every descriptor, keyed by id.</summary>
    public static IReadOnlyDictionary<string, DiagnosticDescriptor> ById { get; } = new Dictionary<string, DiagnosticDescriptor>
    {
        [MalformedXml.Id] = MalformedXml,
        [MissingAttribute.Id] = MissingAttribute,
        [UnknownArgumentType.Id] = UnknownArgumentType,
        [InvalidInteger.Id] = InvalidInteger,
        [SinceAboveVersion.Id] = SinceAboveVersion,
        [AllowNullOnNonNullableType.Id] = AllowNullOnNonNullableType,
        [InvalidBoolean.Id] = InvalidBoolean,
        [BitfieldOnInt.Id] = BitfieldOnInt,
        [EnumOnWrongType.Id] = EnumOnWrongType,
        [DestroyNotDestructor.Id] = DestroyNotDestructor,
        [InvalidMessageType.Id] = InvalidMessageType,
        [BadIdentifier.Id] = BadIdentifier,
        [DuplicateName.Id] = DuplicateName,
        [UnknownEnum.Id] = UnknownEnum,
        [UnknownInterface.Id] = UnknownInterface,
        [AmbiguousInterface.Id] = AmbiguousInterface,
        [InterfaceOnNonObject.Id] = InterfaceOnNonObject,
        [SinceNotIncreasing.Id] = SinceNotIncreasing,
        [EmptyEnum.Id] = EmptyEnum,
        [TooManyArguments.Id] = TooManyArguments,
        [InvalidNamespace.Id] = InvalidNamespace,
        [GeneratedNameCollision.Id] = GeneratedNameCollision,
        [UnknownOutput.Id] = UnknownOutput,
        [GeneratedCodeTooLarge.Id] = GeneratedCodeTooLarge,
        [InternalError.Id] = InternalError,
    };
}
