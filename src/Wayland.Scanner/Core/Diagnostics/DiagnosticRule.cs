namespace Wayland.Scanner.Diagnostics;

/// <summary>One diagnostic rule: stable id, short title and default severity.</summary>
internal sealed class DiagnosticRule
{
    public DiagnosticRule(string id, string title, DiagnosticSeverityLevel severity)
    {
        Id = id;
        Title = title;
        Severity = severity;
    }

    /// <summary>Stable id, <c>WLS001</c> and up.</summary>
    public string Id { get; }

    /// <summary>Short title (used as the Roslyn descriptor title).</summary>
    public string Title { get; }

    /// <summary>Default severity.</summary>
    public DiagnosticSeverityLevel Severity { get; }
}
