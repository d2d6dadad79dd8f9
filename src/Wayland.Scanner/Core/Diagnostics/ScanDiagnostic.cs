using System;

namespace Wayland.Scanner.Diagnostics;

/// <summary>A reported problem: rule, message and (usually) a position. Value-equatable for incremental caching.</summary>
internal sealed class ScanDiagnostic : IEquatable<ScanDiagnostic>
{
    public ScanDiagnostic(DiagnosticRule rule, string message, SourcePosition? position)
    {
        Rule = rule;
        Message = message;
        Position = position;
    }

    public DiagnosticRule Rule { get; }

    public string Message { get; }

    public SourcePosition? Position { get; }

    public bool IsError => Rule.Severity == DiagnosticSeverityLevel.Error;

    /// <summary>MSBuild's canonical form: <c>file(line,col): error WLS003: message</c>; the tool's name in place of
    /// the file for problems of the whole run.</summary>
    public string Format()
    {
        string severity = IsError ? "error" : "warning";
        string where = Position is null ? "wayland-sharp-scanner" : Position.ToString();
        return $"{where}: {severity} {Rule.Id}: {Message}";
    }

    public bool Equals(ScanDiagnostic? other) =>
        other is not null && ReferenceEquals(Rule, other.Rule) && Message == other.Message && Equals(Position, other.Position);

    public override bool Equals(object? obj) => Equals(obj as ScanDiagnostic);

    public override int GetHashCode() => Rule.Id.GetHashCode() * 31 + Message.GetHashCode();

    public override string ToString() => Format();
}
