using Wayland.Compositor.Shell;
using Wayland.Server;

namespace Wayland.Compositor;

/// <summary>Windows and screenshots: each call is marshalled onto the loop and handed to the scene.</summary>
public sealed partial class HeadlessCompositor
{
    /// <summary>The mapped windows, bottom to top.</summary>
    public IReadOnlyList<WindowInfo> GetWindows() => Invoke(() =>
    {
        List<WindowInfo> windows = new(_scene.Windows.Count);
        foreach (Toplevel window in _scene.Windows)
        {
            windows.Add(Describe(window));
        }

        return (IReadOnlyList<WindowInfo>)windows;
    });

    /// <summary>A copy of the (first) output as it is now (pending damage is repainted first).</summary>
    public Image CaptureOutput() => CaptureOutput(0);

    /// <summary>A copy of output <paramref name="index"/> as it is now (pending damage is repainted first).</summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no output <paramref name="index"/>.</exception>
    public Image CaptureOutput(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _scene.Outputs.Count);
        return Invoke(() => _scene.CaptureOutput(index));
    }

    /// <summary>One window on its own (with its sub-surfaces, not popups or overlapping windows), transparent around it.</summary>
    /// <returns>Null when no mapped window has that id.</returns>
    public Image? CaptureWindow(int windowId) => Invoke(() => _scene.FindWindow(windowId) is { } window ? _scene.CaptureWindow(window) : null);

    /// <summary>Raises a window to the top and gives it keyboard focus.</summary>
    /// <returns>False when no mapped window has that id.</returns>
    public bool ActivateWindow(int windowId) => WithWindow(windowId, _scene.Raise);

    /// <summary>
    /// Makes an xdg-activation token that is good for one activation: give it to a client (for example as
    /// <c>XDG_ACTIVATION_TOKEN</c> in a launched program's environment) and its xdg_activation_v1.activate with it raises
    /// and focuses the surface's window. Clients get such tokens themselves only while they have the keyboard focus.
    /// </summary>
    public string CreateActivationToken() => Invoke(_seat.Activation.IssueToken);

    /// <summary>Moves a window's top-left corner (window geometry) to (x, y) in output coordinates.</summary>
    public bool MoveWindow(int windowId, int x, int y) => WithWindow(windowId, window => _scene.Move(window, x, y));

    /// <summary>
    /// Sends xdg_wm_base.ping to the client of a window (through the xdg_wm_base the window was made with) unless a
    /// ping is outstanding there already. The compositor pings by itself whenever a window is raised and focused (a
    /// click, <see cref="ActivateWindow"/>, mapping). An answer missing after <see cref="PingTimeout"/> raises
    /// <see cref="ClientUnresponsive"/>.
    /// </summary>
    /// <returns>False when no mapped window has that id.</returns>
    public bool Ping(int windowId) => WithWindow(windowId, window => window.XdgSurface.Shell.Ping());

    /// <summary>Asks a window to close (xdg_toplevel.close); the client decides.</summary>
    public bool CloseWindow(int windowId) => Invoke(() =>
    {
        if (_scene.FindWindow(windowId) is not { Resource.IsDestroyed: false } window)
        {
            return false;
        }

        window.Resource.SendClose();
        return true;
    });

    /// <summary>Asks a window to take the given size (configure); the client decides.</summary>
    public bool ResizeWindow(int windowId, int width, int height) => WithWindow(windowId, window =>
    {
        window.RequestedSize = (width, height);
        window.SendConfigure();
    });

    private static WindowInfo Describe(Toplevel window)
    {
        Client client = window.Resource.Client;
        return new WindowInfo(window.Id, window.Title, window.AppId, client.ProcessId, window.Bounds, window.IsActivated, window.IsMaximized,
            window.IsFullscreen, !window.XdgSurface.Shell.IsUnresponsive);
    }

    /// <summary>Runs <paramref name="action"/> on the loop for the mapped window with that id; false when there is none.</summary>
    private bool WithWindow(int windowId, Action<Toplevel> action) => Invoke(() =>
    {
        if (_scene.FindWindow(windowId) is not { } window)
        {
            return false;
        }

        action(window);
        return true;
    });
}
