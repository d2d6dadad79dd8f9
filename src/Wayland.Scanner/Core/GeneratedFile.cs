using System;

namespace Wayland.Scanner;

/// <summary>One generated C# file: a hint name (also the CLI's file name) and its text.</summary>
internal sealed class GeneratedFile : IEquatable<GeneratedFile>
{
    public GeneratedFile(string hintName, string text)
    {
        HintName = hintName;
        Text = text;
    }

    public string HintName { get; }

    public string Text { get; }

    public bool Equals(GeneratedFile? other) => other is not null && HintName == other.HintName && Text == other.Text;

    public override bool Equals(object? obj) => Equals(obj as GeneratedFile);

    public override int GetHashCode() => HintName.GetHashCode();
}
