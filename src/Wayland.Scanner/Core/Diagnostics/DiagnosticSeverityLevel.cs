namespace Wayland.Scanner.Diagnostics;

/// <summary>Severity of a scanner diagnostic, independent of Roslyn so the CLI can share it.</summary>
internal enum DiagnosticSeverityLevel
{
    /// <summary>The protocol is still generated.</summary>
    Warning,

    /// <summary>The protocol file is not generated.</summary>
    Error,
}
