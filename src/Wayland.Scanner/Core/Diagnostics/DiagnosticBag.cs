using System.Collections.Generic;

namespace Wayland.Scanner.Diagnostics;

/// <summary>Collects diagnostics during one scanner run.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<ScanDiagnostic> _items = new();

    public IReadOnlyList<ScanDiagnostic> Items => _items;

    public void Report(DiagnosticRule rule, SourcePosition? position, string message) =>
        _items.Add(new ScanDiagnostic(rule, message, position));

    /// <summary>Whether an error was reported in <paramref name="filePath"/>.</summary>
    public bool HasErrorsIn(string filePath)
    {
        foreach (ScanDiagnostic d in _items)
        {
            if (d.IsError && d.Position is not null && d.Position.FilePath == filePath)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether an error without a position (one that concerns the whole run) was reported.</summary>
    public bool HasGlobalErrors()
    {
        foreach (ScanDiagnostic d in _items)
        {
            if (d.IsError && d.Position is null)
            {
                return true;
            }
        }

        return false;
    }
}
