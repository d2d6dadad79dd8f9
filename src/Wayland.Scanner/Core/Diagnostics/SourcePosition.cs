using System;

namespace Wayland.Scanner.Diagnostics;

/// <summary>Where something is in a protocol file: 1-based line and column, 0-based character offset and length.</summary>
internal sealed class SourcePosition : IEquatable<SourcePosition>
{
    public SourcePosition(string filePath, int line, int column, int offset, int length)
    {
        FilePath = filePath;
        Line = line;
        Column = column;
        Offset = offset;
        Length = length;
    }

    public string FilePath { get; }

    /// <summary>1-based line (0 when unknown).</summary>
    public int Line { get; }

    /// <summary>1-based column (0 when unknown).</summary>
    public int Column { get; }

    /// <summary>0-based character offset in the file text.</summary>
    public int Offset { get; }

    /// <summary>Length of the highlighted text.</summary>
    public int Length { get; }

    public bool Equals(SourcePosition? other) =>
        other is not null && FilePath == other.FilePath && Line == other.Line && Column == other.Column
        && Offset == other.Offset && Length == other.Length;

    public override bool Equals(object? obj) => Equals(obj as SourcePosition);

    public override int GetHashCode() => (FilePath.GetHashCode() * 31 + Line) * 31 + Column;

    public override string ToString() => $"{FilePath}({Line},{Column})";
}
