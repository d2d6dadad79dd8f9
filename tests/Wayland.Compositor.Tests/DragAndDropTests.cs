namespace Wayland.Compositor.Tests;

/// <summary>
/// Drag and drop between two real clients: Debian's weston-dnd, a libwayland toolkit program whose window holds
/// flowers in a checkerboard that can be dragged (wl_data_device.start_drag with a source offering its own MIME type,
/// actions copy and move) into another weston-dnd window, which accepts them over empty cells, receives the flower
/// through a pipe at the drop and draws it there; the source removes its flower when told the move finished
/// (wl_data_source.dnd_finished after action move).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class DragAndDropTests
{
    /// <summary>Where weston-dnd's flower grid starts inside its window (below the title bar, inside the border).</summary>
    private const int GridX = 6;

    private const int GridY = 27;

    /// <summary>Grid cell pitch and flower size.</summary>
    private const int Cell = 80;

    private const int Flower = 64;

    [Fact]
    public void A_flower_dragged_from_one_weston_dnd_window_to_another_moves_there()
    {
        HeadlessCompositorOptions options = new() { Width = 1024, Height = 600 };
        CompositorSession.Run("dnd", options, session =>
        {
            using ClientProcess from = session.Launch("/usr/bin/weston-dnd");
            WindowInfo source = session.WaitForWindow(from);
            session.Compositor.MoveWindow(source.Id, 0, 0);
            using ClientProcess to = session.Launch("/usr/bin/weston-dnd");
            WindowInfo target = session.WaitForWindow(to);
            session.Compositor.MoveWindow(target.Id, 500, 0);

            // Cell (1, 0) holds a flower in every weston-dnd window, cell (0, 0) is empty.
            Rect flower = CellArea(session.WaitForWindow(from), column: 1);
            Rect empty = CellArea(session.WaitForWindow(to), column: 0);
            session.WaitUntil(() => Bright(session.Compositor.CaptureOutput(), flower) > 200 && Bright(session.Compositor.CaptureOutput(), empty) == 0,
                "a flower in the source cell and none in the target cell");

            // Press on the flower: weston-dnd starts the drag. Move over the other window's empty cell; the source
            // redraws its drag icon when the target accepts (wl_data_source.target and action).
            // The drag must have started before the pointer leaves the source window: as in weston, start_drag is
            // honoured only while the pointer is still on the surface the press went to. weston-dnd commits its drag
            // icon right after start_drag, so a commit after the press says the request was handled.
            session.Compositor.MovePointer(flower.X + (Flower / 2), flower.Y + (Flower / 2));
            long beforePress = session.Compositor.Commits;
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: true);
            session.WaitUntil(() => session.Compositor.Commits > beforePress, "weston-dnd to start the drag (its drag icon's commit)");
            for (int step = 1; step <= 4; step++)
            {
                session.Compositor.MovePointer(flower.X + ((empty.X - flower.X) * step / 4) + (Flower / 2), flower.Y + (Flower / 2));
            }

            for (int nudge = 0; nudge < 2; nudge++)
            {
                long commits = session.Compositor.Commits;
                session.Compositor.MovePointer(empty.X + (Flower / 2) + nudge + 1, empty.Y + (Flower / 2));
                session.WaitUntil(() => session.Compositor.Commits > commits, "the source to update its drag icon as the target accepts");
            }

            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: false);

            // Dropped: the target drew the flower it received; the move finished and the source took its flower away.
            session.WaitUntil(() => Bright(session.Compositor.CaptureOutput(), empty) > 200, () =>
                $"the flower to appear where it was dropped ({CompositorSession.SaveForInspection(session.Compositor.CaptureOutput(), "weston-dnd-drop")})");
            session.WaitUntil(() => Bright(session.Compositor.CaptureOutput(), flower) == 0, () =>
                $"the source to remove the moved flower ({CompositorSession.SaveForInspection(session.Compositor.CaptureOutput(), "weston-dnd-source")})");
            CompositorSession.SaveForInspection(session.Compositor.CaptureOutput(), "weston-dnd-after");

            // The pointer is back to normal: a click reaches the target window (it is raised and focused).
            session.Compositor.Click(empty.X + 200, empty.Y + 200);
            Assert.True(session.WaitForWindow(to).IsActivated);
            session.AssertNoProtocolErrors();
            Assert.False(from.HasExited, from.Describe());
            Assert.False(to.HasExited, to.Describe());
        });
    }

    /// <summary>The flower-sized area of grid cell (<paramref name="column"/>, 0) of a weston-dnd window, in output coordinates.</summary>
    private static Rect CellArea(WindowInfo window, int column) =>
        new(window.Bounds.X + GridX + (column * Cell) + 16, window.Bounds.Y + GridY + 16, Flower, Flower);

    /// <summary>Pixels in <paramref name="area"/> with a channel above a quarter: flower, not the dark window background.</summary>
    private static int Bright(Image image, Rect area)
    {
        int count = 0;
        for (int y = area.Y; y < area.Bottom; y++)
        {
            foreach (uint pixel in image.GetRow(y).Slice(area.X, area.Width))
            {
                if (((pixel >> 16) & 0xFF) > 0x40 || ((pixel >> 8) & 0xFF) > 0x40 || (pixel & 0xFF) > 0x40)
                {
                    count++;
                }
            }
        }

        return count;
    }
}
