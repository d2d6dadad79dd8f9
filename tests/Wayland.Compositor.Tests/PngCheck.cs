using System.Diagnostics;
using System.Globalization;
using Wayland.Testing;

namespace Wayland.Compositor.Tests;

/// <summary>libpng's view of a PNG file, through tests/native/png-check.</summary>
internal static class PngCheck
{
    /// <summary>Decodes <paramref name="path"/> and returns its size ("WxH") and each point's pixel as png-check prints it (rrggbbaa).</summary>
    public static (string Size, string[] Pixels) Decode(string path, IEnumerable<(int X, int Y)> points)
    {
        List<string> arguments = [path];
        foreach ((int x, int y) in points)
        {
            arguments.Add(x.ToString(CultureInfo.InvariantCulture));
            arguments.Add(y.ToString(CultureInfo.InvariantCulture));
        }

        (int exit, string stdout, string stderr) = ProcessRunner.Run(new ProcessStartInfo(NativePeers.Path("png-check"), arguments), TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"png-check failed ({exit}): {stderr}");
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(arguments.Count / 2, lines.Length - 1);
        return (lines[0], lines[1..]);
    }
}
