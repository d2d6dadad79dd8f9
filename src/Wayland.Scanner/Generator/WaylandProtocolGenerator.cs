using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Wayland.Scanner.Diagnostics;
using Wayland.Scanner.Model;

namespace Wayland.Scanner.Generator;

/// <summary>
/// Generates C# from Wayland protocol XML files given as <c>AdditionalFiles</c> with the metadata
/// <c>WaylandProtocol="true"</c> (see <c>build/Wayland.Scanner.targets</c> and README.md).
/// </summary>
/// <remarks>
/// Pipeline: the opted-in files and options are read into value-equatable inputs; a first scanner pass lists the
/// type names it would look for in referenced assemblies; those are looked up in the compilation (the only
/// step that runs on every edit, and it is a few dictionary lookups); the final pass runs only when the files,
/// the options or the lookup results change. Problems are diagnostics; the generator never throws.
/// </remarks>
[Generator(LanguageNames.CSharp)]
public sealed class WaylandProtocolGenerator : IIncrementalGenerator
{
    internal const string ProtocolMetadata = "build_metadata.AdditionalFiles.WaylandProtocol";
    internal const string NamespaceMetadata = "build_metadata.AdditionalFiles.WaylandNamespace";
    internal const string NamespaceProperty = "build_property.WaylandProtocolsNamespace";
    internal const string ExternNamespacesProperty = "build_property.WaylandProtocolsExternNamespaces";
    internal const string OutputsProperty = "build_property.WaylandScannerOutputs";

    /// <summary>Tracking names of the pipeline steps (for incrementality tests).</summary>
    internal const string InputStep = "WaylandInput";
    internal const string ExternalTypesStep = "WaylandExternalTypes";
    internal const string OutputStep = "WaylandOutput";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValueProvider<EquatableArray<ProtocolSource>> sources = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, cancellationToken) => ReadSource(pair.Left, pair.Right, cancellationToken))
            .Where(static source => source is not null)
            .Collect()
            .Select(static (array, _) => new EquatableArray<ProtocolSource>(array.Select(static s => s!).ToArray()));

        IncrementalValueProvider<ScannerOptions> options = context.AnalyzerConfigOptionsProvider
            .Select(static (provider, _) => ReadOptions(provider.GlobalOptions));

        IncrementalValueProvider<GeneratorInput> input = sources.Combine(options)
            .Select(static (pair, _) => new GeneratorInput(pair.Left, pair.Right))
            .WithTrackingName(InputStep);

        IncrementalValueProvider<EquatableArray<string>> candidates = input
            .Select(static (input, _) => input.Sources.Count == 0
                ? new EquatableArray<string>(Array.Empty<string>())
                : new EquatableArray<string>(ProtocolScanner.Run(input.Sources.ToArray(), input.Options, emitters: Array.Empty<Emit.IInterfaceEmitter>()).ExternalCandidates.ToArray()));

        IncrementalValueProvider<EquatableArray<string>> existing = candidates.Combine(context.CompilationProvider)
            .Select(static (pair, _) => FindExisting(pair.Left, pair.Right))
            .WithTrackingName(ExternalTypesStep);

        IncrementalValueProvider<GeneratorOutput> output = input.Combine(existing)
            .Select(static (pair, _) => Generate(pair.Left, pair.Right))
            .WithTrackingName(OutputStep);

        context.RegisterSourceOutput(output, static (production, result) => Produce(production, result));
    }

    private static ProtocolSource? ReadSource(AdditionalText file, AnalyzerConfigOptionsProvider provider, CancellationToken cancellationToken)
    {
        AnalyzerConfigOptions options = provider.GetOptions(file);
        if (!options.TryGetValue(ProtocolMetadata, out string? optIn) || !string.Equals(optIn?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        options.TryGetValue(NamespaceMetadata, out string? ns);
        try
        {
            // The compiler gives no text for a file it could not read, and says why in an error of its own (CS2001,
            // CS1504); this one says that the protocol is missing from the output.
            return file.GetText(cancellationToken) is { } text
                ? new ProtocolSource(file.Path, text.ToString(), ns)
                : new ProtocolSource(file.Path, string.Empty, ns, "the compiler could not read it, so nothing is generated from it");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ProtocolSource(file.Path, string.Empty, ns, e.Message);
        }
    }

    private static ScannerOptions ReadOptions(AnalyzerConfigOptions options)
    {
        options.TryGetValue(NamespaceProperty, out string? ns);
        options.TryGetValue(ExternNamespacesProperty, out string? extern_);
        string[] externs = (extern_ ?? string.Empty)
            .Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries)
            .Select(static s => s.Trim())
            .Where(static s => s.Length > 0)
            .ToArray();
        options.TryGetValue(OutputsProperty, out string? outputsText);
        var unknown = new List<string>();
        ScannerOutputs outputs = ParseOutputs(outputsText, unknown);
        return new ScannerOptions(ns, externs, outputs, unknown);
    }

    /// <summary><c>data;client;server</c> in any combination; empty means <c>data</c>. Unknown words are ignored
    /// (and collected in <paramref name="unknown"/>, to be reported as WLS023).</summary>
    internal static ScannerOutputs ParseOutputs(string? text, List<string>? unknown = null)
    {
        ScannerOutputs outputs = ScannerOutputsSyntax.Parse(text, unknown);
        return outputs == ScannerOutputs.None ? ScannerOutputs.Data : outputs;
    }

    private static EquatableArray<string> FindExisting(EquatableArray<string> candidates, Compilation compilation)
    {
        var found = new List<string>();
        try
        {
            foreach (string name in candidates)
            {
                if (compilation.GetTypeByMetadataName(name) is not null)
                {
                    found.Add(name);
                }
            }
        }
        catch (Exception)
        {
            // A failed lookup only means references stay unresolved, which the final pass reports.
        }

        return new EquatableArray<string>(found.ToArray());
    }

    private static GeneratorOutput Generate(GeneratorInput input, EquatableArray<string> existing)
    {
        if (input.Sources.Count == 0)
        {
            return new GeneratorOutput(new EquatableArray<GeneratedFile>(Array.Empty<GeneratedFile>()),
                new EquatableArray<ScanDiagnostic>(Array.Empty<ScanDiagnostic>()));
        }

        var known = new HashSet<string>(existing);
        ScanResult result = ProtocolScanner.Run(input.Sources.ToArray(), input.Options, known.Contains);
        return new GeneratorOutput(new EquatableArray<GeneratedFile>(result.Files.ToArray()),
            new EquatableArray<ScanDiagnostic>(result.Diagnostics.ToArray()));
    }

    private static void Produce(SourceProductionContext context, GeneratorOutput output)
    {
        foreach (ScanDiagnostic diagnostic in output.Diagnostics)
        {
            context.ReportDiagnostic(ToRoslyn(diagnostic));
        }

        foreach (GeneratedFile file in output.Files)
        {
            try
            {
                context.AddSource(file.HintName, SourceText.From(file.Text, System.Text.Encoding.UTF8));
            }
            catch (ArgumentException e)
            {
                context.ReportDiagnostic(ToRoslyn(new ScanDiagnostic(DiagnosticRules.InternalError,
                    $"could not add generated file '{file.HintName}': {e.Message}", null)));
            }
        }
    }

    internal static Diagnostic ToRoslyn(ScanDiagnostic diagnostic)
    {
        DiagnosticDescriptor descriptor = GeneratorDiagnostics.ById[diagnostic.Rule.Id];
        Location location = Location.None;
        if (diagnostic.Position is { } p)
        {
            // A position without a line still names the file.
            var start = new LinePosition(Math.Max(p.Line - 1, 0), Math.Max(p.Column - 1, 0));
            var end = new LinePosition(start.Line, start.Character + p.Length);
            location = Location.Create(p.FilePath, new TextSpan(p.Offset, p.Length), new LinePositionSpan(start, end));
        }

        return Diagnostic.Create(descriptor, location, diagnostic.Message);
    }
}
