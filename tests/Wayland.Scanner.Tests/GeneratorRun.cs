using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Wayland.Scanner.Tests;

/// <summary>The result of running the generator over a compilation.</summary>
internal sealed class GeneratorRun(GeneratorDriverRunResult result, Compilation output, GeneratorDriver driver)
{
    public GeneratorDriverRunResult Result { get; } = result;

    public Compilation Output { get; } = output;

    public GeneratorDriver Driver { get; } = driver;

    /// <summary>Diagnostics the generator reported (WLSxxx).</summary>
    public IReadOnlyList<Diagnostic> GeneratorDiagnostics => Result.Diagnostics;

    /// <summary>Generated files by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources =>
        Result.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    /// <summary>Warnings and errors of compiling the generated code (plus any input code).</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems =>
        Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();

    /// <summary>Formats diagnostics one per line, for assertion messages.</summary>
    public static string Format(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Select(d => d.ToString()));

    /// <summary>Emits the output compilation and returns the assembly bytes (throws with the diagnostics if it fails).</summary>
    public byte[] Emit()
    {
        using var stream = new MemoryStream();
        var result = Output.Emit(stream);
        Assert.True(result.Success, Format(result.Diagnostics));
        return stream.ToArray();
    }

    internal static CSharpParseOptions ParseOptions { get; } =
        new(LanguageVersion.Latest, DocumentationMode.Diagnose);
}
