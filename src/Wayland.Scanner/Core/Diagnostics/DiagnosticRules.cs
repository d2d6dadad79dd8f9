using System.Collections.Generic;

namespace Wayland.Scanner.Diagnostics;

/// <summary>
/// Every rule the scanner reports. Ids are stable: never reuse or renumber one (see
/// AnalyzerReleases.*.md and the table in README.md).
/// </summary>
internal static class DiagnosticRules
{
    public static readonly DiagnosticRule MalformedXml =
        new("WLS001", "Malformed protocol XML", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule MissingAttribute =
        new("WLS002", "Missing required attribute", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule UnknownArgumentType =
        new("WLS003", "Unknown argument type", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule InvalidInteger =
        new("WLS004", "Invalid integer attribute", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule SinceAboveVersion =
        new("WLS005", "'since' is greater than the interface version", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule AllowNullOnNonNullableType =
        new("WLS006", "allow-null on a type that cannot be null", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule InvalidBoolean =
        new("WLS007", "Invalid boolean attribute", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule BitfieldOnInt =
        new("WLS008", "Bitfield enum referenced by an int argument", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule EnumOnWrongType =
        new("WLS009", "Enum referenced by an argument that is not int or uint", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule DestroyNotDestructor =
        new("WLS010", "Request named 'destroy' is not a destructor", DiagnosticSeverityLevel.Warning);

    public static readonly DiagnosticRule InvalidMessageType =
        new("WLS011", "Invalid message type", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule BadIdentifier =
        new("WLS012", "Name is not a valid identifier", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule DuplicateName =
        new("WLS013", "Duplicate name", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule UnknownEnum =
        new("WLS014", "Reference to an unknown enum", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule UnknownInterface =
        new("WLS015", "Reference to an unknown interface", DiagnosticSeverityLevel.Warning);

    public static readonly DiagnosticRule AmbiguousInterface =
        new("WLS016", "Ambiguous interface reference", DiagnosticSeverityLevel.Warning);

    public static readonly DiagnosticRule InterfaceOnNonObject =
        new("WLS017", "interface attribute on an argument that is not an object or new_id", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule SinceNotIncreasing =
        new("WLS018", "'since' is not increasing", DiagnosticSeverityLevel.Warning);

    public static readonly DiagnosticRule EmptyEnum =
        new("WLS019", "Enum without entries", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule TooManyArguments =
        new("WLS020", "Message exceeds the wire limits", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule InvalidNamespace =
        new("WLS021", "Invalid namespace", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule GeneratedNameCollision =
        new("WLS022", "Generated C# names collide", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule UnknownOutput =
        new("WLS023", "Unknown word in WaylandScannerOutputs", DiagnosticSeverityLevel.Warning);

    public static readonly DiagnosticRule GeneratedCodeTooLarge =
        new("WLS024", "Generated code too large", DiagnosticSeverityLevel.Error);

    public static readonly DiagnosticRule InternalError =
        new("WLS900", "Internal scanner error", DiagnosticSeverityLevel.Error);

    /// <summary>All rules, in id order.</summary>
    public static IReadOnlyList<DiagnosticRule> All { get; } = new[]
    {
        MalformedXml, MissingAttribute, UnknownArgumentType, InvalidInteger, SinceAboveVersion,
        AllowNullOnNonNullableType, InvalidBoolean, BitfieldOnInt, EnumOnWrongType, DestroyNotDestructor,
        InvalidMessageType, BadIdentifier, DuplicateName, UnknownEnum, UnknownInterface, AmbiguousInterface,
        InterfaceOnNonObject, SinceNotIncreasing, EmptyEnum, TooManyArguments, InvalidNamespace,
        GeneratedNameCollision, UnknownOutput, GeneratedCodeTooLarge, InternalError,
    };
}
