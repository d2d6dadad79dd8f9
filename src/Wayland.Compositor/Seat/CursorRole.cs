using Wayland.Compositor.Surfaces;

namespace Wayland.Compositor.Seat;

/// <summary>The cursor role (wl_pointer.set_cursor): accepted and kept, never drawn — a headless output has no cursor plane.</summary>
internal sealed class CursorRole : ISurfaceRole
{
    public static readonly CursorRole Instance = new();

    public string RoleName => "wl_pointer-cursor";
}
