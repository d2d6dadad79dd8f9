using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;

namespace Wayland.Compositor;

/// <summary>Settings of a <see cref="HeadlessCompositor"/>: output size and refresh, keyboard repeat, logging.</summary>
public sealed class HeadlessCompositorOptions
{
    /// <summary>Default of <see cref="MaxSubsurfacesPerClient"/>.</summary>
    public const int DefaultMaxSubsurfacesPerClient = 1024;

    /// <summary>Default of <see cref="MaxPopupsPerClient"/>.</summary>
    public const int DefaultMaxPopupsPerClient = 256;

    /// <summary>Default of <see cref="MaxWindowsPerClient"/>.</summary>
    public const int DefaultMaxWindowsPerClient = 512;

    /// <summary>Width of the output in pixels (default 1024).</summary>
    public int Width { get; set; } = 1024;

    /// <summary>Height of the output in pixels (default 768).</summary>
    public int Height { get; set; } = 768;

    /// <summary>Refresh rate in mHz (default 60000, i.e. 60 Hz): the pace of repaints and frame callbacks.</summary>
    public int RefreshMilliHertz { get; set; } = 60000;

    /// <summary>
    /// Integer output scale (default 1), advertised through wl_output.scale and composited: the output covers its
    /// width and height divided by the scale in logical units, and buffers of that scale are drawn pixel for pixel.
    /// </summary>
    public int Scale { get; set; } = 1;

    /// <summary>
    /// The outputs, when more than one is wanted: each a wl_output (HEADLESS-1, HEADLESS-2, ...) with its
    /// zxdg_output_v1 position and size, placed side by side or anywhere in output coordinates, and captured with
    /// <see cref="HeadlessCompositor.CaptureOutput(int)"/>. Empty (the default) means one output made of
    /// <see cref="Width"/>, <see cref="Height"/> and <see cref="Scale"/>, which are then ignored otherwise. Windows are
    /// placed on the first output, and maximized or fullscreen windows fill it.
    /// </summary>
    public IList<HeadlessOutputOptions> Outputs { get; } = [];

    /// <summary>Output background colour as premultiplied 0xAARRGGBB (default dark grey).</summary>
    public uint Background { get; set; } = 0xFF202428;

    /// <summary>Keyboard repeat rate in characters per second sent with wl_keyboard.repeat_info (0 disables).</summary>
    public int KeyRepeatRate { get; set; } = 25;

    /// <summary>Keyboard repeat delay in milliseconds sent with wl_keyboard.repeat_info.</summary>
    public int KeyRepeatDelay { get; set; } = 600;

    /// <summary>
    /// Disconnect a client that leaves an xdg_wm_base.ping unanswered for <see cref="HeadlessCompositor.PingTimeout"/>
    /// (default false: it is only reported through <see cref="HeadlessCompositor.ClientUnresponsive"/>). The client is
    /// destroyed as <c>wl_client_destroy</c> does: its socket is closed without a protocol error, after the event.
    /// </summary>
    public bool DisconnectUnresponsiveClients { get; set; }

    /// <summary>Default of <see cref="MaxContentBytesPerClient"/>: 256 MiB, four buffers of 4096×4096 pixels.</summary>
    public const long DefaultMaxContentBytesPerClient = 256L << 20;

    /// <summary>
    /// Bytes of surface content the surfaces of one client process may hold at once, all its connections together
    /// (default <see cref="DefaultMaxContentBytesPerClient"/>; 0 means no limit). Each surface keeps a copy of its last
    /// committed buffer, 4 bytes a pixel, so without a limit one client could make the compositor hold any amount by
    /// committing one big buffer on many surfaces, or on many connections. Its regions (wl_region and the snapshots
    /// surfaces take of them) count too. The request that would go over it gets <c>wl_display.error</c>
    /// <c>no_memory</c>, as the object limit answers, and the connection that sent it is disconnected (the process's
    /// other connections keep what they hold). Buffers wider or taller than 16384 pixels are refused the same way.
    /// Clients are told apart by the process id the kernel gives for their socket (<see cref="Server.Client.ProcessId"/>).
    /// </summary>
    public long MaxContentBytesPerClient { get; set; } = DefaultMaxContentBytesPerClient;

    /// <summary>Log every request and event in WAYLAND_DEBUG format to standard error (also on when WAYLAND_DEBUG is 1 or server).</summary>
    public bool Debug { get; set; }

    /// <summary>Where the compositor's display logs diagnostics (disconnected clients, handler exceptions), rate-limited
    /// per client; null (the default) logs nothing.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Creates the <see cref="HeadlessCompositor.MeterName"/> and <see cref="Server.Display.MeterName"/> meters (as
    /// dependency injection does); null (the default) gives the compositor meters of its own, disposed with it.</summary>
    public IMeterFactory? MeterFactory { get; set; }

    /// <summary>
    /// wl_subsurface objects the clients of one process may hold at once, all its connections together (default
    /// <see cref="DefaultMaxSubsurfacesPerClient"/>, 1024; 0 means no limit). Every sub-surface of a shown window is
    /// walked on each repaint and pointer motion, whoever they are for, so this bounds what one client adds to the work
    /// done for all. Toolkits and browsers use a few tens per window. The get_subsurface request that would go over it
    /// gets <c>wl_display.error</c> <c>no_memory</c>, as the object limit answers, and the connection that sent it is
    /// disconnected.
    /// </summary>
    public int MaxSubsurfacesPerClient { get; set; } = DefaultMaxSubsurfacesPerClient;

    /// <summary>
    /// xdg_popups the clients of one process may have mapped (shown) at once, all its connections together (default
    /// <see cref="DefaultMaxPopupsPerClient"/>, 256; 0 means no limit). Every mapped popup is walked on each repaint
    /// and pointer motion and each time a window is damaged, so this bounds what one client adds to the work done for
    /// all. Menus use a handful (one per open submenu, at most 64 deep). A popup mapped while the process has this many
    /// mapped is dismissed at once (<c>xdg_popup.popup_done</c>), as one whose parent is not shown is; no error. Popups
    /// created and not mapped, or dismissed and not yet destroyed, do not count: they cost only memory, which the
    /// object limit bounds.
    /// </summary>
    public int MaxPopupsPerClient { get; set; } = DefaultMaxPopupsPerClient;

    /// <summary>
    /// xdg_toplevel windows the clients of one process may have mapped (shown) at once, all its connections together
    /// (default <see cref="DefaultMaxWindowsPerClient"/>, 512; 0 means no limit). Every mapped window is walked on each
    /// map, repaint and pointer motion, so this bounds what one client adds to the work done for all: 10 000 windows
    /// took a compositor with no limit 9 seconds to map, and each of another client's roundtrips waited tens of
    /// milliseconds meanwhile. Applications show a few windows each; a terminal or browser serving all its windows from
    /// one process, some tens. The commit that would map one more gets <c>wl_display.error</c> <c>no_memory</c>, as the
    /// object limit answers, and the connection that sent it is disconnected. Toplevels created and not mapped, or
    /// unmapped by a commit without a buffer, do not count.
    /// </summary>
    public int MaxWindowsPerClient { get; set; } = DefaultMaxWindowsPerClient;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Width, 1, nameof(Width));
        ArgumentOutOfRangeException.ThrowIfLessThan(Height, 1, nameof(Height));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Width, 16384, nameof(Width));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Height, 16384, nameof(Height));
        ArgumentOutOfRangeException.ThrowIfLessThan(RefreshMilliHertz, 1000, nameof(RefreshMilliHertz));
        ArgumentOutOfRangeException.ThrowIfLessThan(Scale, 1, nameof(Scale));
        ArgumentOutOfRangeException.ThrowIfNegative(KeyRepeatRate, nameof(KeyRepeatRate));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxContentBytesPerClient, nameof(MaxContentBytesPerClient));
        for (int i = 0; i < Outputs.Count; i++)
        {
            (Outputs[i] ?? throw new ArgumentException($"Outputs[{i}] is null", nameof(Outputs))).Validate(i);
        }

        ArgumentOutOfRangeException.ThrowIfNegative(KeyRepeatDelay, nameof(KeyRepeatDelay));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxSubsurfacesPerClient, nameof(MaxSubsurfacesPerClient));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxPopupsPerClient, nameof(MaxPopupsPerClient));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxWindowsPerClient, nameof(MaxWindowsPerClient));
    }
}
