using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Wayland.Compositor.Web;

/// <summary>
/// Serves a page that shows a <see cref="HeadlessCompositor"/>'s output live in a browser and sends the browser's
/// pointer and keyboard input back to the focused client as real wl_pointer and wl_keyboard events. The output goes
/// over a WebSocket as PNG rectangles of what changed; a slow browser gets the newest picture, not a backlog.
/// </summary>
/// <remarks>
/// Safe by default: it listens on loopback unless <see cref="WebViewOptions.AllowPublic"/> is set, and every request
/// needs the access token (<see cref="Token"/>, in the <c>token</c> query parameter or the cookie the page sets); one
/// without it gets 401 and its connection is closed. Connections and viewers are capped
/// (<see cref="WebViewOptions.MaxConnections"/>, <see cref="WebViewOptions.MaxViewers"/>), so a local process that
/// opens thousands cannot use up the descriptors the compositor shares with its clients. Hostile input from a browser
/// closes that browser's connection and nothing else.
/// Uses only the compositor's public API; start it after <see cref="HeadlessCompositor.Start"/>.
/// </remarks>
/// <example>
/// <code>
/// using HeadlessCompositor compositor = new();
/// compositor.AddSocket();
/// compositor.Start();
/// await using WebView view = await WebView.StartAsync(compositor, new IPEndPoint(IPAddress.Loopback, 0));
/// Console.WriteLine($"open {view.Url}");
/// </code>
/// </example>
public sealed class WebView : IAsyncDisposable, IDisposable
{
    private const string PagePath = "/";
    private const string ScriptPath = "/view.js";
    private const string SocketPath = "/ws";
    private const string TokenParameter = "token";

    private static readonly byte[] Page = ReadResource("index.html");
    private static readonly byte[] Script = ReadResource("view.js");
    private static readonly byte[] Unauthorized = Encoding.UTF8.GetBytes("wl-headless: the page needs the access token printed at start (?token=...)\n");

    /// <summary>How long a connection may stay open without sending a request.</summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(10);

    private readonly HeadlessCompositor _compositor;
    private readonly WebViewOptions _options;
    private readonly FrameSource _frames;
    private readonly WebViewStatistics _statistics = new();
    private readonly ILogger _logger;
    private readonly byte[] _token;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _viewers = [];
    private WebApplication? _app;
    private string _cookieName = "wl-headless-token";
    private int _disposed;
    private int _viewerCount;
    private long _viewersConnected;
    private long _viewersRefused;

    private WebView(HeadlessCompositor compositor, WebViewOptions options)
    {
        _compositor = compositor;
        _options = options;
        Token = options.Token ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _token = Encoding.UTF8.GetBytes(Token);
        _logger = (options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Wayland.Compositor.Web");
        _frames = new FrameSource(compositor, options.TileSize);
        EndPoint = new IPEndPoint(IPAddress.Loopback, 0);
        Url = new Uri("http://127.0.0.1/");
    }

    /// <summary>The access token every request needs.</summary>
    public string Token { get; }

    /// <summary>The address and port listened on (the actual port when 0 was asked for).</summary>
    public IPEndPoint EndPoint { get; private set; }

    /// <summary>The page's address with the token: what to open in a browser.</summary>
    public Uri Url { get; private set; }

    /// <summary>Frames sent to browsers so far (all connections).</summary>
    public long FramesSent => Interlocked.Read(ref _statistics.Frames);

    /// <summary>Bytes of frame messages sent to browsers so far (all connections).</summary>
    public long BytesSent => Interlocked.Read(ref _statistics.Bytes);

    /// <summary>Changed rectangles sent so far (all connections and frames).</summary>
    public long RectanglesSent => Interlocked.Read(ref _statistics.Rectangles);

    /// <summary>Browsers connected now (open WebSockets).</summary>
    public int ViewerCount => Volatile.Read(ref _viewerCount);

    /// <summary>Browsers that have connected so far, including those that left.</summary>
    public long ViewersConnected => Interlocked.Read(ref _viewersConnected);

    /// <summary>Viewers refused because <see cref="WebViewOptions.MaxViewers"/> were connected already.</summary>
    public long ViewersRefused => Interlocked.Read(ref _viewersRefused);

    /// <summary>Connections closed because the browser broke the protocol (bad JSON, a value out of range, a message
    /// over the size limit, a flood).</summary>
    public long ConnectionsDropped => Interlocked.Read(ref _statistics.Dropped);

    /// <summary>Starts serving <paramref name="compositor"/>'s output on <paramref name="endPoint"/> (port 0 picks a free one).</summary>
    /// <exception cref="ArgumentException">The address is not loopback and <see cref="WebViewOptions.AllowPublic"/> is not set, or an option is out of range.</exception>
    /// <exception cref="IOException">The address cannot be listened on (for example the port is taken).</exception>
    public static WebView Start(HeadlessCompositor compositor, IPEndPoint endPoint, WebViewOptions? options = null) =>
        StartAsync(compositor, endPoint, options).GetAwaiter().GetResult();

    /// <inheritdoc cref="Start"/>
    public static async Task<WebView> StartAsync(HeadlessCompositor compositor, IPEndPoint endPoint, WebViewOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(compositor);
        ArgumentNullException.ThrowIfNull(endPoint);
        options ??= new WebViewOptions();
        if (!options.AllowPublic && !IPAddress.IsLoopback(endPoint.Address))
        {
            throw new ArgumentException($"{endPoint.Address} is not a loopback address; anyone who reaches it could watch and type. "
                + "Set AllowPublic (wl-headless: --web-public) to allow it", nameof(endPoint));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.TileSize, 8, "options.TileSize");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxMessageBytes, 256, "options.MaxMessageBytes");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxMessagesPerSecond, 10, "options.MaxMessagesPerSecond");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConnections, 1, "options.MaxConnections");
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxViewers, 1, "options.MaxViewers");
        if (options.Token is { Length: < 16 })
        {
            throw new ArgumentException("a token needs at least 16 characters", nameof(options));
        }

        WebView view = new(compositor, options);
        try
        {
            await view.ListenAsync(endPoint).ConfigureAwait(false);
            return view;
        }
        catch
        {
            await view.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops serving: open connections are closed, then the listener.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] viewers;
        lock (_viewers)
        {
            viewers = [.. _viewers];
        }

        await Task.WhenAll(viewers).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_app is { } app)
        {
            using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(5));
            await app.StopAsync(timeout.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _frames.Dispose();
        _stopping.Dispose();
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private async Task ListenAsync(IPEndPoint endPoint)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 0;

            // Every connection is a descriptor of this process, which it shares with the Wayland clients, and any local
            // user can open them without the token: one over the cap is closed as soon as it is accepted. Viewers'
            // WebSockets count apart (upgraded connections), so a flood of connections does not cut off those watching.
            kestrel.Limits.MaxConcurrentConnections = _options.MaxConnections;
            kestrel.Limits.MaxConcurrentUpgradedConnections = _options.MaxViewers;

            // A connection that sends nothing holds one of those slots until this runs out.
            kestrel.Limits.KeepAliveTimeout = IdleTimeout;
            kestrel.Limits.RequestHeadersTimeout = IdleTimeout;
            kestrel.Listen(endPoint);
        });
        WebApplication app = builder.Build();
        _app = app;
        // Before routing and everything else: a request without the token costs as little as it can.
        app.Use(next => context => IsAuthorized(context.Request) ? next(context) : RefuseAsync(context));
        app.UseRouting();
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.MapGet(PagePath, (RequestDelegate)ServePageAsync);
        app.MapGet(ScriptPath, (RequestDelegate)ServeScriptAsync);
        app.Map(SocketPath, (RequestDelegate)AcceptViewerAsync);
        try
        {
            await app.StartAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            throw new IOException($"cannot listen on {endPoint}: {e.Message}", e);
        }

        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Uri bound = new(address);
        EndPoint = new IPEndPoint(endPoint.Address, bound.Port);
        _cookieName = $"wl-headless-token-{bound.Port}";
        UriBuilder url = new(Uri.UriSchemeHttp, endPoint.Address.ToString(), bound.Port, PagePath) { Query = $"{TokenParameter}={Token}" };
        Url = url.Uri;
    }

    /// <summary>HTTP 401, and the connection is closed after it: a client that pipelines requests without the token
    /// gets one answer per connection, and the rest are never parsed.</summary>
    private static Task RefuseAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.Connection = "close";
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = Unauthorized.Length;
        return context.Response.Body.WriteAsync(Unauthorized).AsTask();
    }

    private async Task ServePageAsync(HttpContext context)
    {
        if (Matches(context.Request.Query[TokenParameter].ToString()))
        {
            // The token came in the address: a reload from the address bar (which the page clears of it) still works.
            context.Response.Cookies.Append(_cookieName, Token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Path = "/",
            });
        }

        SetCommonHeaders(context.Response);
        context.Response.Headers.ContentSecurityPolicy =
            "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src blob:; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.Body.WriteAsync(Page).ConfigureAwait(false);
    }

    private async Task ServeScriptAsync(HttpContext context)
    {
        SetCommonHeaders(context.Response);
        context.Response.ContentType = "text/javascript; charset=utf-8";
        await context.Response.Body.WriteAsync(Script).ConfigureAwait(false);
    }

    private static void SetCommonHeaders(HttpResponse response)
    {
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
    }

    private async Task AcceptViewerAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // Another site's page in the same browser must not open the socket with our cookie.
        string origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !(Uri.TryCreate(origin, UriKind.Absolute, out Uri? from)
            && string.Equals(from.Authority, context.Request.Host.Value, StringComparison.OrdinalIgnoreCase)))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        if (_stopping.IsCancellationRequested)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if (Interlocked.Increment(ref _viewerCount) > _options.MaxViewers)
        {
            Interlocked.Decrement(ref _viewerCount);
            await RefuseViewerAsync(context).ConfigureAwait(false);
            return;
        }

        try
        {
            System.Net.WebSockets.WebSocket socket;
            try
            {
                socket = await context.WebSockets.AcceptWebSocketAsync().ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (!context.Response.HasStarted)
            {
                // Kestrel's own count of upgraded connections (a viewer that just left may still hold its slot).
                await RefuseViewerAsync(context).ConfigureAwait(false);
                return;
            }

            using System.Net.WebSockets.WebSocket disposing = socket;
            string peer = $"{context.Connection.RemoteIpAddress}:{context.Connection.RemotePort}";
            ViewerConnection viewer = new(socket, _compositor, _frames, _options, _statistics, _logger, peer);
            Interlocked.Increment(ref _viewersConnected);
            Task running = viewer.RunAsync(_stopping.Token);
            lock (_viewers)
            {
                _viewers.RemoveAll(task => task.IsCompleted);
                _viewers.Add(running);
            }

            await running.ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _viewerCount);
        }
    }

    private Task RefuseViewerAsync(HttpContext context)
    {
        Interlocked.Increment(ref _viewersRefused);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "5";
        return context.Response.WriteAsync($"wl-headless: {_options.MaxViewers} viewers are connected already, the most allowed\n");
    }

    private bool IsAuthorized(HttpRequest request) =>
        Matches(request.Query[TokenParameter].ToString()) || Matches(request.Cookies[_cookieName]);

    private bool Matches(string? given) =>
        given is { Length: > 0 and <= 256 } && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), _token);

    private static byte[] ReadResource(string name)
    {
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"Wayland.Compositor.Web.Page.{name}")
            ?? throw new InvalidOperationException($"the page resource {name} is missing from the assembly");
        using MemoryStream copy = new();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
