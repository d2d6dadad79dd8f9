using Wayland.Testing;
using Xunit.Abstractions;

namespace Wayland.Compositor.Tests;

/// <summary>
/// Real toolkit applications on the in-process compositor: GTK 3 (Debian's gtk-3-examples) and the foot terminal.
/// They bind far more of the protocol than weston's demo clients (seat, output, decorations, viewporter, data
/// devices, sub-surfaces, popups) and must map a window with no protocol error.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ToolkitTests(ITestOutputHelper output)
{
    private static IReadOnlyDictionary<string, string?> GtkEnvironment => AppEnvironment.Gtk;

    /// <summary>An output wide enough for most of the widget factory (it asks for 1415 x 732 whatever the output).</summary>
    private static HeadlessCompositorOptions GtkOutput => new() { Width = 1280, Height = 900 };

    [Fact]
    public void Gtk3_widget_factory_maps_a_window_that_draws_and_switches_pages_on_a_click()
    {
        CompositorSession.Run("gtk3", GtkOutput, session =>
        {
            ClientProcess client = session.Launch("/usr/bin/gtk3-widget-factory", environment: GtkEnvironment);
            (WindowInfo window, Image screen) = WaitForWidgetFactory(session, client);
            Assert.True(window.Bounds.Width > 300 && window.Bounds.Height > 200, $"window {window.Bounds} is too small for the widget factory");

            // The header bar's stack switcher (Page 1 | Page 2 | Page 3) is centred at the top: click "Page 2" and
            // most of the page below the header bar changes.
            Rect page = (window.Bounds with { Y = window.Bounds.Y + 60, Height = window.Bounds.Height - 60 }).Intersect(Whole(screen));
            session.Compositor.Click(window.Bounds.X + (window.Bounds.Width / 2), window.Bounds.Y + 22);
            int changed = 0;
            session.WaitUntil(() => (changed = Pixels.CountDifferent(screen, session.Compositor.CaptureOutput(), page)) > page.Width * page.Height / 4,
                () => $"the click on \"Page 2\" to switch pages (only {changed} of {page.Width * page.Height} pixels changed)");
            output.WriteLine($"after the click {changed} pixels of the page changed " +
                $"({CompositorSession.SaveForInspection(session.Compositor.CaptureOutput(), "gtk3-widget-factory-page2")})");

            session.AssertNoProtocolErrors();
            Assert.False(client.HasExited, client.Describe());
        });
    }

    /// <summary>
    /// The combo box "Andrea" opens its menu as an xdg_popup with a grab (drawn over the window, not a window of
    /// its own); a click elsewhere in the window closes it, and the window looks exactly as before.
    /// </summary>
    [Fact]
    public void Gtk3_combo_box_menu_opens_as_a_popup_and_closing_it_leaves_the_window_as_it_was()
    {
        CompositorSession.Run("gtk3-menu", GtkOutput, session =>
        {
            ClientProcess client = session.Launch("/usr/bin/gtk3-widget-factory", environment: GtkEnvironment);
            (WindowInfo window, Image screen) = WaitForWidgetFactory(session, client);

            // The second column holds the combo box; it is far from the animated spinners and progress bars, so it is
            // compared pixel for pixel once GTK has redrawn it as the active window.
            Rect column = new Rect(window.Bounds.X + 385, window.Bounds.Y + 200, 175, 200).Intersect(Whole(screen));
            session.WaitUntil(() => session.FindWindow(client) is { IsActivated: true }, "the widget factory to be activated");
            screen = Screens.WaitForSettledOutput(session, column);
            session.Compositor.Click(window.Bounds.X + 471, window.Bounds.Y + 249);
            int opened = 0;
            session.WaitUntil(() => (opened = Pixels.CountDifferent(screen, session.Compositor.CaptureOutput(), column)) > 5000,
                () => $"the combo box's menu to open (only {opened} pixels changed)");
            output.WriteLine($"menu open: {opened} pixels changed ({CompositorSession.SaveForInspection(session.Compositor.CaptureOutput(), "gtk3-menu-open")})");
            Assert.Single(session.Compositor.GetWindows()); // a popup is not a window

            // A click elsewhere in the window closes the menu: where it was (below the combo box) the window looks
            // exactly as before.
            Rect below = column with { Y = window.Bounds.Y + 270, Height = 130 };
            session.Compositor.Click(window.Bounds.X + 1000, window.Bounds.Y + 500);
            int left = 0;
            session.WaitUntil(() => (left = Pixels.CountDifferent(screen, session.Compositor.CaptureOutput(), below)) == 0,
                () => $"the menu to close ({left} pixels still differ in {Pixels.DifferenceBounds(screen, session.Compositor.CaptureOutput(), below)}: " +
                      $"before {CompositorSession.SaveForInspection(screen, "gtk3-menu-before")}, " +
                      $"after {CompositorSession.SaveForInspection(session.Compositor.CaptureOutput(), "gtk3-menu-closed")})");

            // GTK may leave the combo box drawn as hovered (it missed the pointer's leave during its grab); the
            // pointer passing over it and away again settles that, and the whole column is as before.
            session.Compositor.MovePointer(window.Bounds.X + 471, window.Bounds.Y + 249);
            session.Compositor.MovePointer(window.Bounds.X + 1000, window.Bounds.Y + 500);
            session.WaitUntil(() => (left = Pixels.CountDifferent(screen, session.Compositor.CaptureOutput(), column)) == 0,
                () => $"the column to look as before ({left} pixels still differ in {Pixels.DifferenceBounds(screen, session.Compositor.CaptureOutput(), column)}: " +
                      $"before {CompositorSession.SaveForInspection(screen, "gtk3-menu-before")}, " +
                      $"after {CompositorSession.SaveForInspection(session.Compositor.CaptureOutput(), "gtk3-menu-closed")})");

            session.AssertNoProtocolErrors();
            Assert.False(client.HasExited, client.Describe());
        });
    }

    [Fact]
    public void Foot_runs_a_shell_and_shows_its_answer()
    {
        CompositorSession.Run("foot", session =>
        {
            // No user configuration (XDG_CONFIG_HOME is private), dash as the shell.
            ClientProcess client = session.Launch("/usr/bin/foot", ["/bin/sh"], Screens.ShellEnvironment);
            WindowInfo window = session.WaitForWindow(client);
            output.WriteLine($"window: {window}");
            session.WaitUntil(() => session.FindWindow(client) is { IsActivated: true }, "foot to get the keyboard focus");
            output.WriteLine(Screens.TypeEchoAndCheckTheAnswer(session, window.Id, "foot"));
            session.AssertNoProtocolErrors();
            Assert.False(client.HasExited, client.Describe());
            output.WriteLine(client.OutputTail);
        });
    }

    /// <summary>Waits for the widget factory's window and for it to draw its widgets (many colours: it animates
    /// spinners and progress bars, so its picture never settles as a whole).</summary>
    private (WindowInfo Window, Image Screen) WaitForWidgetFactory(CompositorSession session, ClientProcess client)
    {
        WindowInfo window = session.WaitForWindow(client, TimeSpan.FromSeconds(25));
        int colors = 0;
        session.WaitUntil(() => (colors = Pixels.DistinctColors(session.Compositor.CaptureOutput(), window.Bounds)) > 100,
            () => $"the widget factory to draw its widgets (only {colors} colours so far)");
        Image screen = session.Compositor.CaptureOutput();
        output.WriteLine($"window {window}: {colors} colours ({CompositorSession.SaveForInspection(screen, "gtk3-widget-factory")})");
        return (window, screen);
    }

    private static Rect Whole(Image image) => new(0, 0, image.Width, image.Height);
}
