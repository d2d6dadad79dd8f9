using System;
using System.Collections.Generic;
using System.Linq;

namespace Wayland.Scanner;

/// <summary>Settings of one scanner run. Value-equatable (the generator caches on it).</summary>
internal sealed class ScannerOptions : IEquatable<ScannerOptions>
{
    public ScannerOptions(string? defaultNamespace = null, IReadOnlyList<string>? externNamespaces = null,
        ScannerOutputs outputs = ScannerOutputs.Data, IReadOnlyList<string>? unknownOutputs = null, bool commandLine = false)
    {
        CommandLine = commandLine;
        DefaultNamespace = string.IsNullOrWhiteSpace(defaultNamespace) ? Naming.DefaultNamespace : defaultNamespace!.Trim();
        ExternNamespaces = externNamespaces ?? Array.Empty<string>();
        Outputs = outputs;
        UnknownOutputs = unknownOutputs ?? Array.Empty<string>();
    }

    /// <summary>What to generate: protocol data (descriptors, enums), client proxies, server resources.</summary>
    public ScannerOutputs Outputs { get; }

    /// <summary>Whether this is a run of wayland-sharp-scanner, which has no compilation to look into: types outside the
    /// run are those of the <c>--extern-namespace</c> namespaces (diagnostics say so).</summary>
    public bool CommandLine { get; }

    /// <summary>Words of the MSBuild property <c>WaylandScannerOutputs</c> that name no output (reported, then ignored).</summary>
    public IReadOnlyList<string> UnknownOutputs { get; }

    /// <summary>Namespace of every file without its own (default <c>Wayland.Protocols</c>).</summary>
    public string DefaultNamespace { get; }

    /// <summary>Further namespaces searched for interfaces that the run's files reference but do not declare.</summary>
    public IReadOnlyList<string> ExternNamespaces { get; }

    public bool Equals(ScannerOptions? other) =>
        other is not null && CommandLine == other.CommandLine && DefaultNamespace == other.DefaultNamespace && Outputs == other.Outputs && ExternNamespaces.SequenceEqual(other.ExternNamespaces) && UnknownOutputs.SequenceEqual(other.UnknownOutputs);

    public override bool Equals(object? obj) => Equals(obj as ScannerOptions);

    public override int GetHashCode() => (DefaultNamespace.GetHashCode() * 31 + ExternNamespaces.Count) * 7 + (int)Outputs;
}
