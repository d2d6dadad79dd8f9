using System;

namespace Wayland.Scanner.Generator;

/// <summary>Everything a run depends on apart from the compilation: the opted-in files and the options.</summary>
internal sealed class GeneratorInput : IEquatable<GeneratorInput>
{
    public GeneratorInput(EquatableArray<Model.ProtocolSource> sources, ScannerOptions options)
    {
        Sources = sources;
        Options = options;
    }

    public EquatableArray<Model.ProtocolSource> Sources { get; }

    public ScannerOptions Options { get; }

    public bool Equals(GeneratorInput? other) => other is not null && Sources.Equals(other.Sources) && Options.Equals(other.Options);

    public override bool Equals(object? obj) => Equals(obj as GeneratorInput);

    public override int GetHashCode() => Sources.GetHashCode() * 31 + Options.GetHashCode();
}
