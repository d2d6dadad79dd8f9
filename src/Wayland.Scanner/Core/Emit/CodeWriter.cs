using System.Text;

namespace Wayland.Scanner.Emit;

/// <summary>Indenting text builder; always writes '\n' line ends so output is identical on every OS.</summary>
internal sealed class CodeWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    /// <summary>Writes one indented line (an empty line when <paramref name="text"/> is empty).</summary>
    public CodeWriter Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4).Append(text);
        }

        _builder.Append('\n');
        return this;
    }

    /// <summary>Writes <c>{</c> and indents.</summary>
    public void Open()
    {
        Line("{");
        _indent++;
    }

    /// <summary>Unindents and writes <c>}</c> plus <paramref name="suffix"/> (for example <c>,</c> or <c>;</c>).</summary>
    public void Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
    }

    public override string ToString() => _builder.ToString();
}
