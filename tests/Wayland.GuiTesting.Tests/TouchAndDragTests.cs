using System.Runtime.CompilerServices;
using Wayland.Compositor;

namespace Wayland.GuiTesting.Tests;

/// <summary>
/// Touch (<see cref="GuiWindow.Tap"/>, <see cref="GuiWindow.Swipe"/>) with Debian's weston-simple-touch, which paints a
/// mark wherever a touch point goes down or moves, and drag-and-drop between two weston-dnd windows
/// (<see cref="GuiWindow.DragToAsync"/>), whose flowers move from one window's grid to the other's.
/// </summary>
[Collection(nameof(GuiSessionTests))]
public class TouchAndDragTests
{
    [Fact]
    public async Task Tap_and_swipe_paint_in_weston_simple_touch_where_the_finger_went()
    {
        await using GuiSession session = new(Options(640, 480));
        await session.LaunchAsync("weston-simple-touch");
        GuiWindow window = await session.WaitForWindowAsync("simple-touch");
        Image before = await session.WaitForIdleAsync(window, TimeSpan.FromMilliseconds(200));

        window.Tap(40, 50);
        await session.WaitForCaptureAsync(window, now => Differing(before, now, 37, 47, 7, 7) > 0, "a mark where tapped");

        window.Swipe(60, 150, 200, 150, steps: 10);
        Image after = await session.WaitForCaptureAsync(window, now => Differing(before, now, 127, 147, 7, 7) > 0, "a mark half way along the swipe");
        await session.WaitForCaptureAsync(window, now => Differing(before, now, 197, 147, 7, 7) > 0, "a mark at the swipe's end");

        // Nothing was painted away from the tap and the swipe.
        Assert.Equal(0, Differing(before, after, 20, 200, 200, 40));
        Assert.Equal(0, Differing(before, after, 60, 60, 40, 60));
        Assert.Empty(session.Compositor.Errors);
    }

    [Fact]
    public async Task A_flower_dragged_between_two_weston_dnd_windows_moves_to_the_other_window()
    {
        await using GuiSession session = new(Options(1024, 600));
        await session.LaunchAsync("weston-dnd");
        GuiWindow source = await session.WaitForWindowAsync(".");
        source.MoveTo(0, 0);
        await session.LaunchAsync("weston-dnd");
        GuiWindow? target = null;
        for (int attempt = 0; attempt < 500 && target is null; attempt++)
        {
            await Task.Delay(20);
            target = session.GetWindows().FirstOrDefault(w => w.Id != source.Id);
        }

        Assert.NotNull(target);
        target.MoveTo(500, 0);

        // weston-dnd's grid starts at (6, 27) with 80-pixel cells and 64-pixel flowers inset by 16: cell (1, 0) holds a
        // flower in every window, cell (0, 0) is empty.
        (int X, int Y) flower = (6 + 80 + 16, 27 + 16);
        (int X, int Y) empty = (6 + 16, 27 + 16);
        await session.WaitForCaptureAsync(target, _ => Bright(source, flower) > 200 && Bright(target, empty) == 0, "a flower in the source cell, none in the target cell");

        await source.DragToAsync(flower.X + 32, flower.Y + 32, target, empty.X + 32, empty.Y + 32);

        await session.WaitForCaptureAsync(target, _ => Bright(target, empty) > 200, "the flower to appear where it was dropped");
        await session.WaitForCaptureAsync(source, _ => Bright(source, flower) == 0, "the source to remove the moved flower");
        Assert.Empty(session.Compositor.Errors);
    }

    /// <summary>Pixels of the 64x64 flower area at window-relative <paramref name="cell"/> with a channel above a quarter (flower, not the dark background).</summary>
    private static int Bright(GuiWindow window, (int X, int Y) cell)
    {
        Rect bounds = window.Refresh().Bounds;
        Image output = window.Session.Compositor.CaptureOutput();
        int count = 0;
        for (int y = bounds.Y + cell.Y; y < bounds.Y + cell.Y + 64; y++)
        {
            foreach (uint pixel in output.GetRow(y).Slice(bounds.X + cell.X, 64))
            {
                count += ((pixel >> 16) & 0xFF) > 0x40 || ((pixel >> 8) & 0xFF) > 0x40 || (pixel & 0xFF) > 0x40 ? 1 : 0;
            }
        }

        return count;
    }

    private static int Differing(Image before, Image now, int x, int y, int width, int height)
    {
        int count = 0;
        for (int row = y; row < y + height; row++)
        {
            for (int column = x; column < x + width; column++)
            {
                count += before.GetPixel(column, row) != now.GetPixel(column, row) ? 1 : 0;
            }
        }

        return count;
    }

    private static GuiSessionOptions Options(int width, int height, [CallerMemberName] string name = "") =>
        new() { Name = name, Width = width, Height = height };
}
