using Wayland.Server.Protocol;

namespace Wayland.Compositor.Surfaces;

/// <summary>The handler of a wl_buffer made by wp_single_pixel_buffer_manager_v1: one premultiplied ARGB pixel.</summary>
/// <param name="Argb">The pixel as 0xAARRGGBB.</param>
internal sealed record SinglePixelBuffer(uint Argb) : WlBuffer.IHandler;
