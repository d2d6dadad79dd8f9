using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.WebSockets;
using Microsoft.Extensions.Logging;

namespace Wayland.Compositor.Web;

/// <summary>
/// One browser watching over a WebSocket. Frames go out as binary messages: an 8-byte header (type 1, tile count,
/// output width and height, little-endian 16-bit) and per damaged rectangle 12 bytes (x, y, width, height, PNG
/// length) followed by the PNG. The page acknowledges each frame once drawn and the next one is only sent then,
/// built from the newest capture: a slow browser gets fewer, newer frames, never a backlog. Input comes back as
/// small JSON text messages (<see cref="ViewerInput"/>) and becomes real pointer and keyboard events. Anything
/// hostile — malformed JSON, values out of range, a message over the size limit, a flood — closes this connection
/// with a reason, and only this one.
/// </summary>
internal sealed class ViewerConnection
{
    private const byte FrameMessage = 1;
    private const int HeaderBytes = 8;
    private const int TileHeaderBytes = 12;

    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly WebSocket _socket;
    private readonly HeadlessCompositor _compositor;
    private readonly FrameSource _frames;
    private readonly WebViewOptions _options;
    private readonly WebViewStatistics _statistics;
    private readonly ILogger _logger;
    private readonly string _peer;
    private readonly SemaphoreSlim _acknowledged = new(1, 1);

    /// <summary>1 while a frame sent is not acknowledged yet.</summary>
    private int _unacknowledged;
    private readonly HashSet<uint> _heldKeys = [];
    private readonly HashSet<uint> _heldButtons = [];

    // Token bucket for input messages: up to MaxMessagesPerSecond on average, bursts of twice that.
    private double _tokens;
    private long _lastRefill;

    public ViewerConnection(WebSocket socket, HeadlessCompositor compositor, FrameSource frames, WebViewOptions options,
        WebViewStatistics statistics, ILogger logger, string peer)
    {
        _socket = socket;
        _compositor = compositor;
        _frames = frames;
        _options = options;
        _statistics = statistics;
        _logger = logger;
        _peer = peer;
        _tokens = options.MaxMessagesPerSecond * 2.0;
        _lastRefill = Stopwatch.GetTimestamp();
    }

    /// <summary>Serves the viewer until it leaves, breaks the protocol, or <paramref name="stopping"/> fires.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        ViewerSlot slot = _frames.Subscribe();
        using CancellationTokenSource done = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        Task sending = SendFramesAsync(slot, done.Token);
        (WebSocketCloseStatus Status, string Reason)? failure = null;
        try
        {
            await ReceiveAsync(done.Token).ConfigureAwait(false);
        }
        catch (ViewerProtocolException e)
        {
            failure = (WebSocketCloseStatus.PolicyViolation, e.Message);
        }
        catch (MessageTooBigException e)
        {
            failure = (WebSocketCloseStatus.MessageTooBig, e.Message);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The browser went away or the view is stopping.
        }
        finally
        {
            _frames.Unsubscribe(slot);
            await done.CancelAsync().ConfigureAwait(false);
            try
            {
                // A frame being sent to a browser that does not read stops here: the close below cannot wait for it.
                await sending.WaitAsync(CloseTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                _socket.Abort();
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
            {
            }

            ReleaseHeld();
        }

        if (failure is var (status, reason))
        {
            Interlocked.Increment(ref _statistics.Dropped);
            _logger.LogWarning("web viewer {Peer} dropped: {Reason}", _peer, reason);
            await CloseAsync(status, reason).ConfigureAwait(false);
        }
        else if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await CloseAsync(stopping.IsCancellationRequested ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.NormalClosure, "").ConfigureAwait(false);
        }
    }

    private async Task CloseAsync(WebSocketCloseStatus status, string reason)
    {
        // A close reason is at most 123 bytes of UTF-8.
        if (reason.Length > 100)
        {
            reason = reason[..100];
        }

        if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        // Send the close, then read (and drop) until the browser answers it or the time is up, so that the close
        // frame is not lost to a reset; a browser that never answers is cut off.
        using CancellationTokenSource timeout = new(CloseTimeout);
        try
        {
            await _socket.CloseOutputAsync(status, reason, timeout.Token).ConfigureAwait(false);
            byte[] discard = new byte[1024];
            while (_socket.State == WebSocketState.CloseSent)
            {
                ValueWebSocketReceiveResult result = await _socket.ReceiveAsync(discard.AsMemory(), timeout.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    private async Task SendFramesAsync(ViewerSlot slot, CancellationToken cancellation)
    {
        TileDamage grid = _frames.Grid;
        bool[] damage = new bool[grid.TileCount];
        List<Rect> rectangles = [];
        MemoryStream message = new();
        byte[] blank = new byte[Math.Max(HeaderBytes, TileHeaderBytes)];
        while (true)
        {
            await _acknowledged.WaitAsync(cancellation).ConfigureAwait(false);
            Image image = await slot.TakeAsync(damage, cancellation).ConfigureAwait(false);
            grid.ToRectangles(damage, rectangles);
            message.SetLength(0);
            message.Write(blank, 0, HeaderBytes);
            foreach (Rect rectangle in rectangles)
            {
                long start = message.Position;
                message.Write(blank, 0, TileHeaderBytes);
                image.Crop(rectangle.X, rectangle.Y, rectangle.Width, rectangle.Height).WritePng(message);
                Span<byte> tile = message.GetBuffer().AsSpan((int)start, TileHeaderBytes);
                BinaryPrimitives.WriteUInt16LittleEndian(tile, (ushort)rectangle.X);
                BinaryPrimitives.WriteUInt16LittleEndian(tile[2..], (ushort)rectangle.Y);
                BinaryPrimitives.WriteUInt16LittleEndian(tile[4..], (ushort)rectangle.Width);
                BinaryPrimitives.WriteUInt16LittleEndian(tile[6..], (ushort)rectangle.Height);
                BinaryPrimitives.WriteUInt32LittleEndian(tile[8..], (uint)(message.Position - start - TileHeaderBytes));
            }

            Span<byte> header = message.GetBuffer().AsSpan(0, HeaderBytes);
            header[0] = FrameMessage;
            header[1] = 0;
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)rectangles.Count);
            BinaryPrimitives.WriteUInt16LittleEndian(header[4..], (ushort)grid.Width);
            BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)grid.Height);
            Volatile.Write(ref _unacknowledged, 1);

            // Not cancelled: cancelling a send aborts the whole socket, and the close that follows must still go out.
            await _socket.SendAsync(message.GetBuffer().AsMemory(0, (int)message.Length), WebSocketMessageType.Binary, true, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Increment(ref _statistics.Frames);
            Interlocked.Add(ref _statistics.Bytes, message.Length);
            Interlocked.Add(ref _statistics.Rectangles, rectangles.Count);
        }
    }

    private async Task ReceiveAsync(CancellationToken cancellation)
    {
        byte[] buffer = new byte[_options.MaxMessageBytes];
        while (true)
        {
            int length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length == buffer.Length)
                {
                    throw new MessageTooBigException($"a message is limited to {buffer.Length} bytes");
                }

                result = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellation).ConfigureAwait(false);
                length += result.Count;
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
            while (!result.EndOfMessage);

            if (result.MessageType != WebSocketMessageType.Text)
            {
                throw new ViewerProtocolException("input messages are JSON text");
            }

            TakeToken();
            Apply(ViewerInput.Parse(buffer.AsSpan(0, length), _compositor.OutputWidth, _compositor.OutputHeight));
        }
    }

    private void TakeToken()
    {
        long now = Stopwatch.GetTimestamp();
        double rate = _options.MaxMessagesPerSecond;
        _tokens = Math.Min(rate * 2, _tokens + (Stopwatch.GetElapsedTime(_lastRefill, now).TotalSeconds * rate));
        _lastRefill = now;
        if (_tokens < 1)
        {
            throw new ViewerProtocolException($"more than {_options.MaxMessagesPerSecond} messages per second");
        }

        _tokens--;
    }

    private (int Scale, int X, int Y) FirstOutput()
    {
        Rect area = _compositor.GetOutputArea(0);
        return (_compositor.GetOutputScale(0), area.X, area.Y);
    }

    private void Apply(ViewerInput input)
    {
        switch (input.Kind)
        {
            case ViewerInputKind.Ack:
                if (Interlocked.Exchange(ref _unacknowledged, 0) == 0)
                {
                    throw new ViewerProtocolException("an acknowledgement without a frame");
                }

                _acknowledged.Release();
                break;
            case ViewerInputKind.Move:
                // The page shows the first output's pixels; the pointer moves in logical units, which a scaled output
                // has fewer of, from that output's position.
                (int scale, int originX, int originY) = FirstOutput();
                _compositor.MovePointer(originX + (input.X / scale), originY + (input.Y / scale));
                break;
            case ViewerInputKind.Button:
                uint button = input.Button switch
                {
                    0 => Keys.ButtonLeft,
                    1 => Keys.ButtonMiddle,
                    2 => Keys.ButtonRight,
                    3 => Keys.ButtonSide,
                    _ => Keys.ButtonExtra,
                };
                if (input.Down ? _heldButtons.Add(button) : _heldButtons.Remove(button))
                {
                    _compositor.PointerButton(button, input.Down);
                }

                break;
            case ViewerInputKind.Scroll:
                _compositor.Scroll(input.X, input.Y);
                break;
            case ViewerInputKind.Key:
                // Keys the keymap has no use for are ignored; a repeated press or a release of a key not held is too
                // (clients repeat keys themselves).
                if (BrowserKeys.TryGetEvdev(input.Code!, out uint key) && (input.Down ? _heldKeys.Add(key) : _heldKeys.Remove(key)))
                {
                    _compositor.Key(key, input.Down);
                }

                break;
        }
    }

    /// <summary>A viewer that leaves with keys or buttons down must not leave them down for everyone else.</summary>
    private void ReleaseHeld()
    {
        try
        {
            foreach (uint key in _heldKeys)
            {
                _compositor.Key(key, pressed: false);
            }

            foreach (uint button in _heldButtons)
            {
                _compositor.PointerButton(button, pressed: false);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            // The compositor stopped first.
        }

        _heldKeys.Clear();
        _heldButtons.Clear();
    }

    private sealed class MessageTooBigException(string message) : Exception(message);
}

/// <summary>Counters shared by the view's connections.</summary>
internal sealed class WebViewStatistics
{
    public long Frames;
    public long Bytes;
    public long Rectangles;
    public long Dropped;
}
