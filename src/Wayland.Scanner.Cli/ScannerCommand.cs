using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using Wayland.Scanner.Diagnostics;
using Wayland.Scanner.Model;
using Wayland.Scanner.Parsing;
using Wayland.Tools;

namespace Wayland.Scanner.Cli;

/// <summary>
/// The command line: <c>wayland-sharp-scanner [--outputs data,client,server] [--namespace N] [--extern-namespace N]... OUTDIR file.xml...</c>.
/// </summary>
public static class ScannerCommand
{
    private const string Usage =
        """
        usage: wayland-sharp-scanner [options] OUTDIR protocol.xml...

        Writes C# for every interface of the given Wayland protocol files into OUTDIR, byte for byte what
        the Wayland.Scanner source generator generates with the same settings.

        options:
          --outputs LIST         what to write, comma-separated (like WaylandScannerOutputs; default data):
                                   data    descriptors, opcode constants and enums (namespace N)
                                   client  client proxies (namespace N.Client; Wayland.Client.Protocol
                                           for Wayland.Protocols), for projects referencing Wayland.Client
                                   server  server resources (namespace N.Server; Wayland.Server.Protocol
                                           for Wayland.Protocols), for projects referencing Wayland.Server
          --namespace N          namespace of the generated code (default Wayland.Protocols)
          --namespace-for F=N    namespace N for the file F (matched by path or file name)
          --extern-namespace N   interfaces referenced but not declared by the given files exist as
                                 N.<Name>Interface in another assembly (repeatable)
          -h, --help             show this help
          --version              show the version
        Diagnostics are printed as file(line,col): error WLS00x: message; the exit code is 1 on errors.
        """;

    /// <summary>Runs the scanner with command-line <paramref name="args"/>; returns the process exit code.</summary>
    /// <param name="args">Arguments, as given to <c>Main</c>.</param>
    /// <param name="output">Where progress is written.</param>
    /// <param name="error">Where diagnostics and usage errors are written.</param>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        string? defaultNamespace = null;
        ScannerOutputs outputs = ScannerOutputs.Data;
        var externNamespaces = new List<string>();
        var namespaceFor = new Dictionary<string, string>(StringComparer.Ordinal);
        var positional = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            switch (arg)
            {
                case "-h" or "--help":
                    output.WriteLine(Usage);
                    return 0;
                case "--version":
                    output.WriteLine($"wayland-sharp-scanner {typeof(ScannerCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion}");
                    return 0;
                case "--namespace" or "--extern-namespace" or "--namespace-for" or "--outputs":
                    if (i + 1 >= args.Length)
                    {
                        error.WriteLine($"wayland-sharp-scanner: {arg} needs a value");
                        return 2;
                    }

                    string value = args[++i];
                    if (arg == "--namespace")
                    {
                        defaultNamespace = value;
                    }
                    else if (arg == "--outputs")
                    {
                        var unknown = new List<string>();
                        outputs = ScannerOutputsSyntax.Parse(value, unknown);
                        if (unknown.Count > 0 || outputs == ScannerOutputs.None)
                        {
                            error.WriteLine(unknown.Count > 0
                                ? $"wayland-sharp-scanner: unknown output '{unknown[0]}' (--outputs takes data, client, server, comma-separated)"
                                : "wayland-sharp-scanner: --outputs takes data, client, server, comma-separated");
                            return 2;
                        }
                    }
                    else if (arg == "--extern-namespace")
                    {
                        externNamespaces.Add(value);
                    }
                    else
                    {
                        int eq = value.IndexOf('=', StringComparison.Ordinal);
                        if (eq <= 0)
                        {
                            error.WriteLine("wayland-sharp-scanner: --namespace-for takes FILE=NAMESPACE");
                            return 2;
                        }

                        namespaceFor[value[..eq]] = value[(eq + 1)..];
                    }

                    break;
                default:
                    if (arg.StartsWith('-') && arg != "-")
                    {
                        error.WriteLine($"wayland-sharp-scanner: unknown option {arg}");
                        error.WriteLine(Usage);
                        return 2;
                    }

                    positional.Add(arg);
                    break;
            }
        }

        if (positional.Count < 2)
        {
            error.WriteLine(Usage);
            return 2;
        }

        if (positional.Contains(string.Empty))
        {
            error.WriteLine($"wayland-sharp-scanner: {(positional[0].Length == 0 ? "the output directory" : "a protocol file")} is an empty path");
            return 2;
        }

        string outputDirectory = positional[0];
        var sources = new List<ProtocolSource>();
        foreach (string path in positional.GetRange(1, positional.Count - 1))
        {
            string? text;
            try
            {
                text = ProtocolFile.Read(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                error.WriteLine($"{path}: error: cannot read the file: {e.Message}");
                return 1;
            }

            if (text is null)
            {
                error.WriteLine($"{path}: error: {ProtocolLimits.TooLargeMessage}");
                return 1;
            }

            string? ns = namespaceFor.TryGetValue(path, out string? byPath) ? byPath
                : namespaceFor.TryGetValue(Path.GetFileName(path), out string? byName) ? byName
                : null;
            sources.Add(new ProtocolSource(path, text, ns));
        }

        // Without a compilation to look into, the extern namespaces are taken at their word.
        var options = new ScannerOptions(defaultNamespace, externNamespaces, outputs, commandLine: true);
        var externPrefixes = new List<string>();
        foreach (string ns in externNamespaces)
        {
            externPrefixes.Add(ns + ".");
        }

        ScanResult result = ProtocolScanner.Run(sources, options, name => IsInExternNamespace(name, externPrefixes));
        foreach (ScanDiagnostic diagnostic in result.Diagnostics)
        {
            error.WriteLine(diagnostic.Format());
        }

        if (result.HasErrors)
        {
            return 1;
        }

        try
        {
            Directory.CreateDirectory(outputDirectory);
            foreach (GeneratedFile file in result.Files)
            {
                File.WriteAllText(Path.Combine(outputDirectory, file.HintName), file.Text);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error.WriteLine($"{outputDirectory}: error: cannot write the generated files: {e.Message}");
            return 1;
        }

        output.WriteLine($"wayland-sharp-scanner: wrote {result.Files.Count} files to {outputDirectory}");
        return 0;
    }

    private static bool IsInExternNamespace(string metadataName, List<string> prefixes)
    {
        foreach (string prefix in prefixes)
        {
            if (metadataName.StartsWith(prefix, StringComparison.Ordinal) && metadataName.IndexOf('.', prefix.Length) < 0)
            {
                return true;
            }
        }

        return false;
    }
}
