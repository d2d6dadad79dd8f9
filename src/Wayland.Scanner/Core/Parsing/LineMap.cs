using System.Collections.Generic;
using Wayland.Scanner.Diagnostics;

namespace Wayland.Scanner.Parsing;

/// <summary>Turns the XML reader's 1-based line/column pairs into character offsets of the source text.</summary>
internal sealed class LineMap
{
    private readonly string _path;
    private readonly int _textLength;
    private readonly List<int> _lineStarts = new() { 0 };

    public LineMap(string path, string text)
    {
        _path = path;
        _textLength = text.Length;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
                _lineStarts.Add(i + 1);
            }
            else if (c is '\r' or '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    /// <summary>Position of <paramref name="length"/> characters at a 1-based line and column (0s when unknown).</summary>
    public SourcePosition At(int line, int column, int length)
    {
        if (line <= 0)
        {
            return new SourcePosition(_path, 0, 0, 0, 0);
        }

        int lineIndex = line - 1 < _lineStarts.Count ? line - 1 : _lineStarts.Count - 1;
        int offset = _lineStarts[lineIndex] + (column > 0 ? column - 1 : 0);
        if (offset > _textLength)
        {
            offset = _textLength;
        }

        if (offset + length > _textLength)
        {
            length = _textLength - offset;
        }

        return new SourcePosition(_path, line, column > 0 ? column : 1, offset, length);
    }
}
