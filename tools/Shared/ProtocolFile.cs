using System;
using System.IO;
using System.Text;
using Wayland.Scanner.Parsing;

namespace Wayland.Tools;

/// <summary>Reads protocol XML for the tools that take it from the command line (linked into wayland-sharp-scanner and
/// wl-trace).</summary>
internal static class ProtocolFile
{
    /// <summary>
    /// The text of <paramref name="path"/> as <see cref="File.ReadAllText(string)"/> decodes it (UTF-8 unless a byte
    /// order mark says otherwise), or null when it is larger than <see cref="ProtocolLimits.MaxFileBytes"/>: no more
    /// than that is read, whatever the file is (a device such as /dev/zero, or a pipe, has no size to check first).
    /// </summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public static string? Read(string path)
    {
        using FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        using MemoryStream bytes = new();
        byte[] buffer = new byte[81920];
        int read;
        while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (bytes.Length + read > ProtocolLimits.MaxFileBytes)
            {
                return null;
            }

            bytes.Write(buffer, 0, read);
        }

        bytes.Position = 0;
        using StreamReader reader = new(bytes, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
