using Microsoft.Extensions.Logging;

namespace Wayland.Compositor.Web;

/// <summary>Settings of a <see cref="WebView"/>.</summary>
public sealed class WebViewOptions
{
    /// <summary>Allow listening on an address other than loopback, where anyone who can reach it and knows the token
    /// sees the output and types into its clients. Off by default.</summary>
    public bool AllowPublic { get; init; }

    /// <summary>The access token the page and the WebSocket require; null (the default) makes a random 128-bit one.</summary>
    public string? Token { get; init; }

    /// <summary>Side of the square tiles the output is diffed in, in pixels (default 64).</summary>
    public int TileSize { get; init; } = 64;

    /// <summary>Largest input message accepted from a browser, in bytes (default 4096); a larger one drops the connection.</summary>
    public int MaxMessageBytes { get; init; } = 4096;

    /// <summary>Input messages a browser may send per second on average (bursts of twice as many); more drop the
    /// connection. Default 1000.</summary>
    public int MaxMessagesPerSecond { get; init; } = 1000;

    /// <summary>HTTP connections open at once, not counting the viewers' WebSockets (default 64). A connection over it is
    /// closed as soon as it is accepted, so however many a local process opens, the view holds at most this many
    /// descriptors for them.</summary>
    public int MaxConnections { get; init; } = 64;

    /// <summary>Viewers (WebSockets) connected at once (default 16); one more gets HTTP 503.</summary>
    public int MaxViewers { get; init; } = 16;

    /// <summary>Where dropped connections are reported (warnings); null for nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
