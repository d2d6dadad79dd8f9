using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Wayland.Scanner.Generator;

namespace Wayland.Scanner.Tests;

/// <summary>Runs <see cref="WaylandProtocolGenerator"/> the way the compiler does, over an in-memory compilation
/// that references the framework and Wayland.Wire (and optionally Wayland.Protocols).</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_frameworkReferences = new(LoadFrameworkReferences);

    public static MetadataReference WireReference { get; } =
        MetadataReference.CreateFromFile(typeof(Wayland.Wire.InterfaceDescriptor).Assembly.Location);

    public static MetadataReference ProtocolsReference { get; } =
        MetadataReference.CreateFromFile(typeof(Wayland.Protocols.WlSurfaceInterface).Assembly.Location);

    public static MetadataReference ClientReference { get; } =
        MetadataReference.CreateFromFile(typeof(Wayland.Client.Proxy).Assembly.Location);

    public static MetadataReference ServerReference { get; } =
        MetadataReference.CreateFromFile(typeof(Wayland.Server.Resource).Assembly.Location);

    public static GeneratorRun Run(IEnumerable<ProtocolFile> files, string? defaultNamespace = null,
        bool referenceProtocols = false, string? externNamespaces = null, IEnumerable<string>? extraSources = null,
        string? outputs = null)
    {
        var texts = new List<AdditionalText>();
        var perFile = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        foreach (ProtocolFile file in files)
        {
            texts.Add(new InMemoryAdditionalText(file.Path, file.Unreadable ? null : file.Text));
            var metadata = new Dictionary<string, string>();
            if (file.OptedIn)
            {
                metadata["build_metadata.AdditionalFiles.WaylandProtocol"] = "true";
            }

            if (file.Namespace is not null)
            {
                metadata["build_metadata.AdditionalFiles.WaylandNamespace"] = file.Namespace;
            }

            perFile[file.Path] = metadata;
        }

        var global = new Dictionary<string, string>();
        if (defaultNamespace is not null)
        {
            global["build_property.WaylandProtocolsNamespace"] = defaultNamespace;
        }

        if (externNamespaces is not null)
        {
            global["build_property.WaylandProtocolsExternNamespaces"] = externNamespaces;
        }

        if (outputs is not null)
        {
            global["build_property.WaylandScannerOutputs"] = outputs;
        }

        CSharpCompilation compilation = CreateCompilation(referenceProtocols, extraSources);
        if (outputs?.Contains("client", StringComparison.Ordinal) == true)
        {
            compilation = compilation.AddReferences(ClientReference);
        }

        if (outputs?.Contains("server", StringComparison.Ordinal) == true)
        {
            compilation = compilation.AddReferences(ServerReference);
        }

        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new WaylandProtocolGenerator().AsSourceGenerator() },
            texts,
            GeneratorRun.ParseOptions,
            new TestOptionsProvider(global, perFile),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
        return new GeneratorRun(driver.GetRunResult(), output, driver);
    }

    public static CSharpCompilation CreateCompilation(bool referenceProtocols, IEnumerable<string>? extraSources = null)
    {
        var references = new List<MetadataReference>(s_frameworkReferences.Value) { WireReference };
        if (referenceProtocols)
        {
            references.Add(ProtocolsReference);
        }

        IEnumerable<SyntaxTree> trees = (extraSources ?? Array.Empty<string>())
            .Select(s => CSharpSyntaxTree.ParseText(s, GeneratorRun.ParseOptions));
        return CSharpCompilation.Create(
            "GeneratedProtocols",
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                warningLevel: 9999,
                deterministic: true));
    }

    /// <summary>The framework's assemblies from the running app's trusted platform assembly list.</summary>
    private static ImmutableArray<MetadataReference> LoadFrameworkReferences()
    {
        string list = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        return list.Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is { } name
                && (name.StartsWith("System.", StringComparison.Ordinal) || name is "System.dll" or "netstandard.dll" or "mscorlib.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToImmutableArray();
    }
}
