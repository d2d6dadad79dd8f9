namespace Wayland.Compositor.Tests;

/// <summary>Opaque colours the managed test clients draw with (premultiplied 0xAARRGGBB, as in wl_shm ARGB8888).</summary>
internal static class Argb
{
    public const uint Red = 0xFFFF0000;
    public const uint Green = 0xFF00FF00;
    public const uint Blue = 0xFF0000FF;
    public const uint Yellow = 0xFFFFFF00;
}
