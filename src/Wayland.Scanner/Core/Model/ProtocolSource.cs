using System;

namespace Wayland.Scanner.Model;

/// <summary>Input of a run: one protocol file's path, text (or why it could not be read) and optional namespace
/// override. Value-equatable.</summary>
internal sealed class ProtocolSource : IEquatable<ProtocolSource>
{
    public ProtocolSource(string path, string text, string? targetNamespace, string? readError = null)
    {
        Path = path;
        Text = text;
        Namespace = string.IsNullOrWhiteSpace(targetNamespace) ? null : targetNamespace!.Trim();
        ReadError = readError;
    }

    public string Path { get; }

    public string Text { get; }

    /// <summary>Namespace for this file's types, or null for the run's default.</summary>
    public string? Namespace { get; }

    /// <summary>Why the file could not be read (its text is then empty), or null.</summary>
    public string? ReadError { get; }

    public bool Equals(ProtocolSource? other) =>
        other is not null && Path == other.Path && Namespace == other.Namespace && Text == other.Text
        && ReadError == other.ReadError;

    public override bool Equals(object? obj) => Equals(obj as ProtocolSource);

    public override int GetHashCode() => Path.GetHashCode() * 31 + Text.Length;
}
