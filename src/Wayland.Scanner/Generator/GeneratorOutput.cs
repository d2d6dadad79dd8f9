using System;
using Wayland.Scanner.Diagnostics;

namespace Wayland.Scanner.Generator;

/// <summary>The generated files and diagnostics of a run, compared by content.</summary>
internal sealed class GeneratorOutput : IEquatable<GeneratorOutput>
{
    public GeneratorOutput(EquatableArray<GeneratedFile> files, EquatableArray<ScanDiagnostic> diagnostics)
    {
        Files = files;
        Diagnostics = diagnostics;
    }

    public EquatableArray<GeneratedFile> Files { get; }

    public EquatableArray<ScanDiagnostic> Diagnostics { get; }

    public bool Equals(GeneratorOutput? other) => other is not null && Files.Equals(other.Files) && Diagnostics.Equals(other.Diagnostics);

    public override bool Equals(object? obj) => Equals(obj as GeneratorOutput);

    public override int GetHashCode() => Files.GetHashCode() * 31 + Diagnostics.GetHashCode();
}
