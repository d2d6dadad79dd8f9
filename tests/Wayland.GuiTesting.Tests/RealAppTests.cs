using System.Runtime.CompilerServices;
using Wayland.Compositor;

namespace Wayland.GuiTesting.Tests;

/// <summary>Real apps from Debian packages, driven through the kit: GTK 3 (gtk3-widget-factory) and foot.</summary>
[Collection(nameof(GuiSessionTests))] // not beside tests that count this process's descriptors
public class RealAppTests
{
    /// <summary>GTK on Wayland only, with no accessibility bus or dconf to wait for.</summary>
    private static readonly Dictionary<string, string?> Gtk = new()
    {
        ["GDK_BACKEND"] = "wayland",
        ["NO_AT_BRIDGE"] = "1",
        ["GSETTINGS_BACKEND"] = "memory",
        ["GTK_THEME"] = "Adwaita",
    };

    [Fact]
    public async Task Gtk_widget_factory_copies_typed_entry_text_to_the_clipboard_and_switches_pages()
    {
        await using GuiSession session = new(Options(1440, 900));
        await session.LaunchAsync("gtk3-widget-factory", environment: Gtk);
        GuiWindow window = await session.WaitForWindowAsync("^gtk3-widget-factory$", TimeSpan.FromSeconds(15));

        // Page 1 has spinners and a pulsing progress bar that never stop, and entries whose text cursor blinks: idle
        // means idle apart from them.
        IdleCondition settled = new() { Quiet = TimeSpan.FromMilliseconds(300) };
        settled.IgnoredRegions.Add(new Rect(0, 50, 380, 230));   // the entries of the first column
        settled.IgnoredRegions.Add(new Rect(265, 355, 40, 125)); // the spinners
        settled.IgnoredRegions.Add(new Rect(565, 50, 330, 80));  // the progress bars
        await session.WaitForIdleAsync(window, settled, TimeSpan.FromSeconds(15));

        // The fifth row of the first column is a plain entry holding "entry": replace its text, then copy it.
        window.Click(150, 249);
        window.PressChord("Ctrl+A");
        window.TypeText("guitest-42");
        window.PressChord("Ctrl+A");
        window.PressChord("Ctrl+C");
        Assert.Equal("guitest-42", await session.WaitForClipboardTextAsync(text => text == "guitest-42"));

        // The stack switcher in the header bar: page 2 replaces most of the window below the header, and page 1 comes
        // back, recognised by its colour button (a solid blue swatch at 400..545, 372..392). Whole-window comparisons
        // with page 1 itself would depend on the focus, which wl-paste took for a moment: GTK greys an inactive window.
        window.Activate();
        Image page1 = await session.WaitForIdleAsync(window, settled);
        uint swatch = page1.GetPixel(470, 382);
        Assert.True((swatch & 0xFF) > ((swatch >> 16) & 0xFF) + 64, $"the colour button is blue on page 1 (0x{swatch:X8})");
        window.Click(706, 22);
        Image page2 = await session.WaitForCaptureAsync(window, now => ShareDiffering(now, page1, settled, belowY: 50) > 0.25, "page 2 to replace page 1");
        Assert.NotEqual(swatch, page2.GetPixel(470, 382));
        window.Click(585, 22);
        await session.WaitForCaptureAsync(window, now => ShareDiffering(now, page2, settled, belowY: 50) > 0.25 && now.GetPixel(470, 382) == swatch, "page 1 to come back");
        Assert.Empty(session.Compositor.Errors);
    }

    [Fact]
    public async Task Foot_runs_a_typed_command_whose_output_sets_its_title_and_the_clipboard()
    {
        await using GuiSession session = new(Options(800, 600));
        await session.LaunchAsync("foot", ["--config=/dev/null", "/bin/sh"], new Dictionary<string, string?> { ["SHELL"] = "/bin/sh", ["PS1"] = "$ " });
        GuiWindow window = await session.WaitForWindowAsync("^foot$", TimeSpan.FromSeconds(15));
        Image prompt = await session.WaitForIdleAsync(window, TimeSpan.FromMilliseconds(300));

        // The shell computes the number, so the title and the clipboard can only say hello-42 if the command ran and
        // foot parsed its output: OSC 2 sets the title, OSC 52 the clipboard (base64 of the text).
        window.TypeText("printf '\\033]2;hello-%s\\007' $((6*7))\n");
        GuiWindow titled = await session.WaitForWindowAsync("^hello-42$");
        Assert.Equal(window.Id, titled.Id);
        // foot writes the clipboard only while it has the keyboard focus, which wl-paste takes for a moment: read the
        // clipboard once the title that follows the OSC 52 in the same output says it was handled.
        window.TypeText("printf '\\033]52;c;%s\\007\\033]2;copied\\007' $(printf hello-%s $((6*7)) | base64)\n");
        await session.WaitForWindowAsync("^copied$");
        Assert.Equal("hello-42", await session.WaitForClipboardTextAsync(text => text == "hello-42"));

        // And the typed commands are on screen: the terminal no longer looks as it did at the prompt.
        await session.WaitForCaptureAsync(window, now => ShareDiffering(now, prompt, new IdleCondition(), belowY: 0) > 0.001, "the commands to show");
        Assert.Empty(session.Compositor.Errors);
    }

    /// <summary>The share of pixels at or below <paramref name="belowY"/>, outside the condition's ignored regions, that differ.</summary>
    private static double ShareDiffering(Image now, Image before, IdleCondition ignore, int belowY)
    {
        if (now.Width != before.Width || now.Height != before.Height)
        {
            return 1;
        }

        long differing = 0;
        long counted = 0;
        for (int y = belowY; y < now.Height; y++)
        {
            for (int x = 0; x < now.Width; x++)
            {
                if (ignore.IgnoredRegions.Any(r => r.Contains(x, y)))
                {
                    continue;
                }

                counted++;
                differing += now.GetPixel(x, y) != before.GetPixel(x, y) ? 1 : 0;
            }
        }

        return counted == 0 ? 0 : (double)differing / counted;
    }

    private static GuiSessionOptions Options(int width, int height, [CallerMemberName] string name = "") =>
        new() { Name = name, Width = width, Height = height };
}
