using System.Text.RegularExpressions;
using Wayland.Compositor;

namespace Wayland.GuiTesting.Tests;

/// <summary>Sessions with several outputs (<see cref="GuiSessionOptions.Outputs"/>): wayland-info sees them, and a window moved to the second shows there and takes input there.</summary>
[Collection(nameof(GuiSessionTests))]
public class OutputTests
{
    [Fact]
    public async Task A_session_with_two_outputs_lists_both_and_shows_a_moved_window_on_the_second()
    {
        GuiSessionOptions options = new() { Name = nameof(A_session_with_two_outputs_lists_both_and_shows_a_moved_window_on_the_second) };
        options.Outputs.Add(new HeadlessOutputOptions { Width = 640, Height = 480 });
        options.Outputs.Add(new HeadlessOutputOptions { Width = 800, Height = 600, Scale = 2, X = 640, Y = 0 });
        await using GuiSession session = new(options);
        Assert.Equal(2, session.OutputCount);

        GuiApp info = await session.LaunchAsync("wayland-info");
        await info.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
        info.Dispose();
        Assert.Equal(0, info.ExitCode);
        string text = Regex.Replace(info.StandardOutput, @"\s+", " ");
        Assert.Contains("name: HEADLESS-1 description: Wayland.NET headless output 640x480 x: 0, y: 0, scale: 1,", text, StringComparison.Ordinal);
        Assert.Contains("name: HEADLESS-2 description: Wayland.NET headless output 800x600 x: 640, y: 0, scale: 2,", text, StringComparison.Ordinal);

        using PatternClient client = PatternClient.Start(session);
        GuiWindow window = await session.WaitForWindowAsync("wayland\\.guitesting\\.pattern");
        window.MoveTo(700, 100);
        Image second = session.CaptureOutput(1);
        Assert.Equal((800, 600), (second.Width, second.Height));
        Assert.Equal(0xFFC03030u, second.GetPixel(122, 202)); // scale 2: logical (61, 101) on the output is pixel (122, 202)
        Image first = session.CaptureOutput(0);
        Assert.Equal((640, 480), (first.Width, first.Height));
        Assert.DoesNotContain(Enumerable.Range(0, first.Height).SelectMany(y => first.GetRow(y).ToArray()), pixel => pixel == 0xFFC03030u);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.CaptureOutput(2));

        // Window-relative input finds the window on the second output.
        window.Click(10, 10);
        await session.WaitForPixelAsync(window, 10, 10, pixel => pixel == PatternClient.MarkerColor);
        Assert.Empty(session.Compositor.Errors);
    }
}
