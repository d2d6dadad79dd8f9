using System.Diagnostics;
using Wayland.Testing;

namespace Wayland.Compositor.Tests;

/// <summary>The README's main job, run as a process: the demo client on the in-process compositor, and on weston.</summary>
public class DemoTests
{
    /// <summary>The demo built in the same configuration as this test assembly (bin/&lt;configuration&gt;/net10.0).</summary>
    private static string DemoDll => Path.Combine(NativePeers.RepositoryRoot, "samples", "Wayland.Demo", "bin",
        Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd('/')))!, "net10.0", "Wayland.Demo.dll");

    [Fact]
    public void Demo_screenshot_holds_what_the_client_drew_and_its_answers_to_input()
    {
        string directory = Directory.CreateTempSubdirectory("wayland-demo-test-").FullName;
        try
        {
            string png = Path.Combine(directory, "demo.png");
            (int exit, string output, string errors) = ProcessRunner.Run(new ProcessStartInfo("dotnet", [DemoDll, "--screenshot", png]), TimeSpan.FromMinutes(2));
            Assert.True(exit == 0, $"demo exited {exit}:\n{output}\n{errors}");
            Assert.Contains("protocol errors: 0", output);

            // The first window is placed at (32, 32); the demo clicks at window + (200, 150) and types 'g'. A real PNG
            // decoder (libpng) reads the file back: the click marker, the key bar, the animation, the background.
            (int clickX, int clickY) = (32 + 200, 32 + 150);
            string[] pixels = DecodePixels(png, (clickX, clickY), (36, 36), (32 + 160, 32 + 120), (600, 440), (31, 31));
            Assert.Equal("640X480", pixels[0]);
            Assert.Equal("20C060FF", pixels[1]);
            Assert.Equal("E0A020FF", pixels[2]);
            Assert.NotEqual("202428FF", pixels[3]);
            Assert.Equal("202428FF", pixels[4]);
            Assert.Equal("202428FF", pixels[5]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Demo_client_runs_on_weston_headless()
    {
        (int exit, string output, string errors) = ProcessRunner.Run(new ProcessStartInfo("dotnet", [DemoDll, "--weston", "--frames", "30"]), TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"demo --weston exited {exit}:\n{output}\n{errors}");
        Assert.Contains("frames: 30 in", output);
        Assert.Contains("xdg_wm_base", output);
    }

    private static string[] DecodePixels(string png, params (int X, int Y)[] points)
    {
        (string size, string[] pixels) = PngCheck.Decode(png, points);
        return [size.ToUpperInvariant(), .. pixels.Select(p => p.ToUpperInvariant())];
    }
}
