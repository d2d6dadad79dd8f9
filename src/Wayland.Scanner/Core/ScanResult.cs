using System.Collections.Generic;
using Wayland.Scanner.Diagnostics;

namespace Wayland.Scanner;

/// <summary>What a run produced: files, diagnostics, and the external type names it looked for.</summary>
internal sealed class ScanResult
{
    public ScanResult(IReadOnlyList<GeneratedFile> files, IReadOnlyList<ScanDiagnostic> diagnostics, IReadOnlyList<string> externalCandidates)
    {
        Files = files;
        Diagnostics = diagnostics;
        ExternalCandidates = externalCandidates;
    }

    public IReadOnlyList<GeneratedFile> Files { get; }

    public IReadOnlyList<ScanDiagnostic> Diagnostics { get; }

    /// <summary>Metadata names (<c>Wayland.Protocols.WlSurfaceInterface</c>) of types the run looked for outside its own files.</summary>
    public IReadOnlyList<string> ExternalCandidates { get; }

    public bool HasErrors
    {
        get
        {
            foreach (ScanDiagnostic diagnostic in Diagnostics)
            {
                if (diagnostic.IsError)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
