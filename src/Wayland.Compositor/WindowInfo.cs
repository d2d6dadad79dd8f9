namespace Wayland.Compositor;

/// <summary>A snapshot of one mapped toplevel window.</summary>
/// <param name="Id">Compositor-assigned window id (stable for the window's life).</param>
/// <param name="Title">xdg_toplevel title, if set.</param>
/// <param name="AppId">xdg_toplevel app id, if set.</param>
/// <param name="ProcessId">Process id of the client (from SO_PEERCRED).</param>
/// <param name="Bounds">Window geometry in output coordinates.</param>
/// <param name="IsActivated">Whether the window has keyboard focus.</param>
/// <param name="IsMaximized">Whether the window is maximized.</param>
/// <param name="IsFullscreen">Whether the window is fullscreen.</param>
/// <param name="IsResponsive">False while the client leaves an xdg_wm_base.ping unanswered past the compositor's ping timeout.</param>
public sealed record WindowInfo(int Id, string? Title, string? AppId, int ProcessId, Rect Bounds, bool IsActivated, bool IsMaximized, bool IsFullscreen,
    bool IsResponsive = true);
