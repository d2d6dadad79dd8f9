namespace Wayland.Compositor.Cli;

/// <summary>What one run of wl-headless was asked to do, as parsed from the command line.</summary>
/// <param name="Socket">Socket name or absolute path; null picks the first free wayland-N.</param>
/// <param name="Width">Output width in pixels.</param>
/// <param name="Height">Output height in pixels.</param>
/// <param name="RefreshMilliHertz">Output refresh rate in mHz.</param>
/// <param name="Command">Shell command to run as the client (/bin/sh -c), or null to serve until a signal.</param>
/// <param name="HandOverSocket">Give the command a connected socket as WAYLAND_SOCKET instead of only WAYLAND_DISPLAY.</param>
/// <param name="Screenshot">Where to write a PNG of the output, or null.</param>
/// <param name="Frames">Stop after this many repaints of the output, or null.</param>
/// <param name="Timeout">Give up after this long (exit 124), or null.</param>
/// <param name="Debug">Log every request and event in WAYLAND_DEBUG format to standard error.</param>
/// <param name="Web">Serve the web view on this address, or null.</param>
/// <param name="WebPublic">Allow the web view on an address other than loopback.</param>
/// <param name="WebMaxConnections">HTTP connections the web view keeps open at once, WebSockets apart.</param>
/// <param name="WebMaxViewers">Browsers the web view serves at once.</param>
/// <param name="MaxContentBytesPerClient">Surface content and region bytes one client process may hold; 0 means no limit.</param>
/// <param name="MaxSubsurfacesPerClient">Sub-surfaces one client process may hold; 0 means no limit.</param>
/// <param name="MaxPopupsPerClient">Popups one client process may have mapped; 0 means no limit.</param>
/// <param name="MaxWindowsPerClient">Windows one client process may have mapped; 0 means no limit.</param>
internal sealed record Settings(
    string? Socket,
    int Width,
    int Height,
    int RefreshMilliHertz,
    string? Command,
    bool HandOverSocket,
    string? Screenshot,
    int? Frames,
    TimeSpan? Timeout,
    bool Debug,
    System.Net.IPEndPoint? Web,
    bool WebPublic,
    int WebMaxConnections,
    int WebMaxViewers,
    long MaxContentBytesPerClient,
    int MaxSubsurfacesPerClient,
    int MaxPopupsPerClient,
    int MaxWindowsPerClient);
