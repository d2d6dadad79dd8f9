using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Wayland.Scanner.Diagnostics;

/// <summary>Collects diagnostics during one scanner run.</summary>
internal sealed class DiagnosticBag
{
    private readonly List<ScanDiagnostic> _items = new();

    public IReadOnlyList<ScanDiagnostic> Items => _items;

    public void Report(DiagnosticRule rule, SourcePosition? position, string message) =>
        _items.Add(new ScanDiagnostic(rule, OneLine(message), position));

    /// <summary>The message with line breaks and other control characters (which the XML's names and values may
    /// hold) written as <c>\u000a</c> escapes: one diagnostic stays one line of the build log.</summary>
    private static string OneLine(string message)
    {
        StringBuilder? builder = null;
        for (int i = 0; i < message.Length; i++)
        {
            char c = message[i];
            if (c < ' ' || c == '\u007f' || c == '\u0085' || c == '\u2028' || c == '\u2029')
            {
                builder ??= new StringBuilder(message, 0, i, message.Length + 16);
                builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder?.Append(c);
            }
        }

        return builder?.ToString() ?? message;
    }

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
