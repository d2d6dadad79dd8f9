using System;
using System.Collections.Generic;
using Wayland.Scanner.Diagnostics;
using Wayland.Scanner.Emit;
using Wayland.Scanner.Model;
using Wayland.Scanner.Parsing;
using Wayland.Scanner.Validation;

namespace Wayland.Scanner;

/// <summary>
/// The whole scanner as one pure function, shared by the Roslyn generator and the CLI:
/// parse every file, validate each, resolve references across the run, emit the files without errors.
/// </summary>
internal static class ProtocolScanner
{
    /// <summary>The most C# one run generates, in characters: 256 Mi. All of wayland.xml and wayland-protocols with
    /// every output come to 4 Mi; each interface costs a few KiB of code, and each file repeats the copyright, so a
    /// hostile 16 MiB protocol could otherwise ask for gigabytes.</summary>
    public const int MaxGeneratedChars = 256 * 1024 * 1024;

    /// <summary>Runs the scanner. Never throws: an unexpected exception becomes diagnostic WLS900.</summary>
    /// <param name="sources">The protocol files of the run.</param>
    /// <param name="options">Namespaces.</param>
    /// <param name="externalTypeExists">Whether a type with this metadata name exists outside the run
    /// (in a referenced assembly); used for interfaces the run's files reference but do not declare.</param>
    /// <param name="emitters">What to generate per interface; <see cref="ProtocolEmitter.DefaultEmitters"/> when null.</param>
    public static ScanResult Run(IReadOnlyList<ProtocolSource> sources, ScannerOptions options,
        Func<string, bool>? externalTypeExists = null, IReadOnlyList<IInterfaceEmitter>? emitters = null)
    {
        var diagnostics = new DiagnosticBag();
        try
        {
            return RunCore(sources, options, externalTypeExists ?? (_ => false), emitters ?? ProtocolEmitter.For(options.Outputs), diagnostics);
        }
        catch (Exception e)
        {
            diagnostics.Report(DiagnosticRules.InternalError, null, $"the scanner failed: {e.GetType().Name}: {e.Message}");
            return new ScanResult(Array.Empty<GeneratedFile>(), diagnostics.Items, Array.Empty<string>());
        }
    }

    private static ScanResult RunCore(IReadOnlyList<ProtocolSource> sources, ScannerOptions options,
        Func<string, bool> externalTypeExists, IReadOnlyList<IInterfaceEmitter> emitters, DiagnosticBag diagnostics)
    {
        if (!Naming.IsValidNamespace(options.DefaultNamespace))
        {
            diagnostics.Report(DiagnosticRules.InvalidNamespace, null,
                $"'{options.DefaultNamespace}' is not a valid C# namespace (WaylandProtocolsNamespace / --namespace)");
            return new ScanResult(Array.Empty<GeneratedFile>(), diagnostics.Items, Array.Empty<string>());
        }

        foreach (string word in options.UnknownOutputs)
        {
            diagnostics.Report(DiagnosticRules.UnknownOutput, null,
                $"WaylandScannerOutputs: '{word}' is not an output and is ignored (the outputs are data, client and server)");
        }

        var protocols = new List<ProtocolModel>();
        foreach (ProtocolSource source in sources)
        {
            string ns = source.Namespace ?? options.DefaultNamespace;
            if (!Naming.IsValidNamespace(ns))
            {
                diagnostics.Report(DiagnosticRules.InvalidNamespace, new SourcePosition(source.Path, 1, 1, 0, 0),
                    $"'{ns}' is not a valid C# namespace (WaylandNamespace metadata of this file)");
                continue;
            }

            ProtocolModel? protocol = ProtocolParser.Parse(source, ns, diagnostics);
            if (protocol is null)
            {
                continue;
            }

            ProtocolValidator.Validate(protocol, diagnostics);
            protocols.Add(protocol);
        }

        var resolver = new ReferenceResolver(protocols, options, externalTypeExists, diagnostics);
        resolver.Run();

        var emitted = new HashSet<ProtocolModel>();
        foreach (ProtocolModel protocol in protocols)
        {
            if (!diagnostics.HasErrorsIn(protocol.Source.Path))
            {
                emitted.Add(protocol);
            }
        }

        var context = new EmitContext(resolver.Resolution, emitted.Contains);
        var files = new List<GeneratedFile>();
        var hintNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        long generated = 0;
        foreach (ProtocolModel protocol in protocols)
        {
            if (emitted.Contains(protocol))
            {
                foreach (GeneratedFile file in ProtocolEmitter.Emit(protocol, context, emitters))
                {
                    generated += file.Text.Length;
                    if (generated > MaxGeneratedChars)
                    {
                        diagnostics.Report(DiagnosticRules.GeneratedCodeTooLarge, protocol.Position,
                            $"the code generated from protocol '{protocol.Name}' and the files before it would be larger than 256 MiB ({protocol.Interfaces.Count} interfaces{(protocol.Copyright is { } c ? $", each file repeating a {c.Length / 1024} KiB copyright" : string.Empty)}); nothing is generated");
                        return new ScanResult(Array.Empty<GeneratedFile>(), diagnostics.Items, resolver.ExternalCandidates);
                    }

                    files.Add(WithUniqueHintName(file, hintNames));
                }
            }
        }

        return new ScanResult(files, diagnostics.Items, resolver.ExternalCandidates);
    }

    /// <summary>
    /// Hint names are file names, which Roslyn and case-insensitive file systems compare ignoring case, while C# type
    /// names differ in case alone (interfaces <c>ab_c</c> and <c>a_bc</c> give <c>AbC</c> and <c>ABc</c>): a file whose
    /// name differs from an earlier one's only in case gets <c>.2</c> (or the next free number) before <c>.g.cs</c>.
    /// </summary>
    private static GeneratedFile WithUniqueHintName(GeneratedFile file, HashSet<string> taken)
    {
        string name = file.HintName;
        const string extension = ".g.cs";
        string stem = name.EndsWith(extension, StringComparison.Ordinal) ? name.Substring(0, name.Length - extension.Length) : name;
        for (int n = 2; !taken.Add(name); n++)
        {
            name = $"{stem}.{n}{extension}";
        }

        return name == file.HintName ? file : new GeneratedFile(name, file.Text);
    }
}
