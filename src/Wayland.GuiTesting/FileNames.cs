using System.Security.Cryptography;
using System.Text;

namespace Wayland.GuiTesting;

/// <summary>Turns names the caller gives (a test's name, a label) into one plain component of a file name.</summary>
internal static class FileNames
{
    /// <summary>
    /// <paramref name="text"/> as a single file name component of at most <paramref name="maxLength"/> characters:
    /// ASCII letters, digits, <c>-</c>, <c>_</c> and <c>.</c> stay, any other character (a path separator, a space, a
    /// NUL) becomes <c>_</c>, and so does a leading dot (no <c>.</c>, <c>..</c> or hidden file). An empty text becomes
    /// <c>_</c>. A longer text is cut and ends in a hash of the whole text, so long names that differ stay apart.
    /// </summary>
    internal static string Safe(string text, int maxLength)
    {
        StringBuilder name = new(text.Length);
        foreach (char c in text)
        {
            bool plain = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' || (c == '.' && name.Length > 0);
            name.Append(plain ? c : '_');
        }

        if (name.Length == 0)
        {
            return "_";
        }

        if (name.Length > maxLength)
        {
            string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..8];
            name.Length = maxLength - hash.Length - 1;
            name.Append('-').Append(hash);
        }

        return name.ToString();
    }
}
