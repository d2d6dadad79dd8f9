using System.Diagnostics;
using Wayland.Testing;

namespace Wayland.Compositor.Tests;

/// <summary>libxkbcommon's view of the compositor's keymap: tests/native/xkb-check.</summary>
internal static class XkbCheck
{
    /// <summary>
    /// Runs xkb-check on the keymap bytes a client gets (written into <paramref name="directory"/>); returns the
    /// modifier-index line and one line per argument (a key to type, or <c>down:N</c> / <c>up:N</c> with the
    /// state after it: <c>down:N depressed=0x.. latched=0x.. locked=0x..</c>).
    /// </summary>
    public static (string First, string[] Lines, string Stderr) Run(string directory, IReadOnlyList<string> arguments) =>
        Run(directory, Keymap.UsUtf8.ToArray(), arguments);

    /// <summary>As <see cref="Run(string, IReadOnlyList{string})"/> on the given keymap bytes (NUL-terminated UTF-8).</summary>
    public static (string First, string[] Lines, string Stderr) Run(string directory, byte[] keymap, IReadOnlyList<string> arguments)
    {
        string path = Path.Combine(directory, "keymap.xkb");
        File.WriteAllBytes(path, keymap[^1] == 0 ? keymap[..^1] : keymap);
        (int exit, string stdout, string stderr) = ProcessRunner.Run(
            new ProcessStartInfo(NativePeers.Path("xkb-check"), [path, .. arguments]), TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"xkb-check failed ({exit}): {stderr}");
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(arguments.Count + 1, lines.Length);
        return (lines[0], lines[1..], stderr);
    }
}
