using System;
using System.Collections.Generic;

namespace Wayland.Scanner;

/// <summary>
/// The text form of <see cref="ScannerOutputs"/> shared by the MSBuild property <c>WaylandScannerOutputs</c> and
/// the CLI's <c>--outputs</c>: the words <c>data</c>, <c>client</c>, <c>server</c> in any combination, separated
/// by <c>,</c> or <c>;</c>, case-insensitive, spaces ignored.
/// </summary>
internal static class ScannerOutputsSyntax
{
    /// <summary>Parses <paramref name="text"/>; <see cref="ScannerOutputs.None"/> when it names nothing.</summary>
    /// <param name="text">The list, or null.</param>
    /// <param name="unknown">Receives the words that are none of the three, when not null.</param>
    public static ScannerOutputs Parse(string? text, List<string>? unknown = null)
    {
        ScannerOutputs outputs = ScannerOutputs.None;
        foreach (string part in (text ?? string.Empty).Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries))
        {
            string word = part.Trim();
            if (word.Length == 0)
            {
                continue;
            }

            if (string.Equals(word, "data", StringComparison.OrdinalIgnoreCase))
            {
                outputs |= ScannerOutputs.Data;
            }
            else if (string.Equals(word, "client", StringComparison.OrdinalIgnoreCase))
            {
                outputs |= ScannerOutputs.Client;
            }
            else if (string.Equals(word, "server", StringComparison.OrdinalIgnoreCase))
            {
                outputs |= ScannerOutputs.Server;
            }
            else
            {
                unknown?.Add(word);
            }
        }

        return outputs;
    }
}
