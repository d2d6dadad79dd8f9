namespace Wayland.Server;

/// <summary>An exception thrown by a handler and contained by the library (see <see cref="Display.HandlerException"/>).</summary>
/// <param name="Context">Which handler threw, for example <c>wl_surface#12.Destroyed handler</c>.</param>
/// <param name="Exception">What it threw.</param>
public sealed record HandlerExceptionInfo(string Context, Exception Exception);
