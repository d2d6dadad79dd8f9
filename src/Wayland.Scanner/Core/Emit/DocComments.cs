using System.Collections.Generic;
using System.Text;
using Wayland.Scanner.Model;

namespace Wayland.Scanner.Emit;

/// <summary>
/// Turns protocol descriptions into XML documentation comments: XML special characters escaped, control
/// characters dropped, every line break (including U+0085, U+2028, U+2029, which end a C# comment) split
/// into its own <c>///</c> line, blank lines into paragraphs.
/// </summary>
internal static class DocComments
{
    /// <summary>Escapes text for an XML doc comment (element content).</summary>
    public static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (char c in text)
        {
            switch (c)
            {
                case '&':
                    builder.Append("&amp;");
                    break;
                case '<':
                    builder.Append("&lt;");
                    break;
                case '>':
                    builder.Append("&gt;");
                    break;
                case '\t':
                    builder.Append(' ');
                    break;
                default:
                    if (c >= ' ' && c != '\u007f' && !IsLineBreak(c))
                    {
                        builder.Append(c);
                    }
                    else if (IsLineBreak(c))
                    {
                        builder.Append(' ');
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Text on one line, whitespace runs collapsed, escaped.</summary>
    public static string Inline(string? text)
    {
        if (text is null)
        {
            return string.Empty;
        }

        var builder = new StringBuilder(text.Length);
        bool space = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c) || IsLineBreak(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(c);
        }

        return Escape(builder.ToString());
    }

    /// <summary>Splits text at every kind of line break.</summary>
    public static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var current = new StringBuilder();
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                continue;
            }

            if (IsLineBreak(c))
            {
                lines.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        lines.Add(current.ToString());
        return lines;
    }

    /// <summary>Paragraphs of a description: trimmed, escaped lines; blank lines separate paragraphs.</summary>
    public static List<List<string>> Paragraphs(string? text)
    {
        var paragraphs = new List<List<string>>();
        if (text is null)
        {
            return paragraphs;
        }

        List<string>? current = null;
        foreach (string raw in SplitLines(text))
        {
            string line = Escape(raw).Trim();
            if (line.Length == 0)
            {
                current = null;
                continue;
            }

            if (current is null)
            {
                current = new List<string>();
                paragraphs.Add(current);
            }

            current.Add(line);
        }

        return paragraphs;
    }

    /// <summary>Writes <c>&lt;summary&gt;</c> (on one line) and, when there is any, <c>&lt;remarks&gt;</c> made
    /// of the description paragraphs followed by <paramref name="extraParagraphs"/> (already escaped XML, one
    /// paragraph each) and <paramref name="rawLines"/> (XML lines written as they are, such as a list).</summary>
    public static void Write(CodeWriter writer, string summaryXml, Documentation? documentation,
        IEnumerable<string>? extraParagraphs = null, IReadOnlyList<string>? rawLines = null)
    {
        writer.Line($"/// <summary>{summaryXml}</summary>");
        var remarks = new List<List<string>>(Paragraphs(documentation?.Text));
        if (extraParagraphs is not null)
        {
            foreach (string extra in extraParagraphs)
            {
                remarks.Add(new List<string> { extra });
            }
        }

        if (remarks.Count == 0 && (rawLines is null || rawLines.Count == 0))
        {
            return;
        }

        writer.Line("/// <remarks>");
        foreach (List<string> paragraph in remarks)
        {
            for (int i = 0; i < paragraph.Count; i++)
            {
                string prefix = i == 0 ? "<para>" : string.Empty;
                string suffix = i == paragraph.Count - 1 ? "</para>" : string.Empty;
                writer.Line($"/// {prefix}{paragraph[i]}{suffix}");
            }
        }

        if (rawLines is not null)
        {
            foreach (string line in rawLines)
            {
                writer.Line("/// " + line);
            }
        }

        writer.Line("/// </remarks>");
    }

    /// <summary>The summary of a description, or <paramref name="fallback"/> (escaped XML) when it has none.</summary>
    public static string SummaryOr(string? summary, string fallback)
    {
        string text = Inline(summary);
        return text.Length > 0 ? text : fallback;
    }

    /// <summary><c>&lt;c&gt;name&lt;/c&gt;</c> with the name escaped.</summary>
    public static string Code(string name) => $"<c>{Escape(name)}</c>";

    private static bool IsLineBreak(char c) => c is '\n' or '\r' or '\u0085' or '\u2028' or '\u2029';
}
