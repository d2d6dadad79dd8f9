using Wayland.Compositor.Diagnostics;
using Wayland.Compositor.Output;
using Wayland.Compositor.Seat;
using Wayland.Compositor.Shell;
using Wayland.Compositor.Surfaces;
using Wayland.Server;
using Wayland.Wire;

namespace Wayland.Compositor;

/// <summary>
/// A headless Wayland compositor: real clients connect to its socket, their shm buffers are composited into an
/// output framebuffer at a steady refresh rate, and tests drive it with scripted pointer, keyboard and touch input and read
/// it back as PNG screenshots. It is built only on the public <see cref="Wayland.Server"/> API.
/// </summary>
/// <remarks>
/// <para>Globals: wl_compositor, wl_subcompositor, wl_shm, wl_output (+ zxdg_output_manager_v1), xdg_wm_base,
/// wl_seat (pointer, keyboard with a US XKB keymap, touch), wl_data_device_manager (clipboard, drag and drop),
/// zwp_primary_selection_device_manager_v1, xdg_activation_v1, wp_viewporter,
/// zxdg_decoration_manager_v1, wp_presentation, wp_fractional_scale_manager_v1 and
/// wp_single_pixel_buffer_manager_v1.</para>
/// <para>Threading: all protocol work happens on the event loop's thread. Run the loop with <see cref="Start"/>
/// (a thread of its own) or <see cref="Run"/> (the caller's thread); the public methods may be called from any
/// thread and are marshalled onto the loop.</para>
/// </remarks>
public sealed partial class HeadlessCompositor : IDisposable
{
    /// <summary>The name of the <see cref="System.Diagnostics.Metrics.Meter"/> the compositor publishes its instruments on:
    /// frames rendered (<c>wayland.compositor.frames</c>) and the time from a commit to the refresh that presents it
    /// (<c>wayland.compositor.commit_to_present.duration</c>, in seconds). Its display publishes on
    /// <see cref="Display.MeterName"/>.</summary>
    public const string MeterName = "Wayland.Compositor";

    private readonly HeadlessCompositorOptions _options;
    private readonly Scene _scene;
    private readonly SurfaceProtocol _surfaces;
    private readonly XdgShellProtocol _shell;
    private readonly SeatProtocol _seat;
    private readonly List<ClientError> _errors = [];
    private long _errorCount;
    private readonly CompositorMetrics _metrics;
    private Thread? _thread;
    private volatile int _loopThreadId = -1;
    private volatile CancellationTokenSource? _running;
    private volatile bool _stopRequested;
    private bool _disposed;

    /// <summary>Creates the compositor and its globals; it accepts clients once it has a socket and runs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public HeadlessCompositor(HeadlessCompositorOptions? options = null)
    {
        _options = options ?? new HeadlessCompositorOptions();
        _options.Validate();
        Display = new Display(_options.LoggerFactory, _options.MeterFactory);
        _metrics = new CompositorMetrics(_options.MeterFactory);
        if (_options.Debug)
        {
            Display.Logger = new ProtocolLogger(Console.Error);
        }

        // Layers, each given only what it needs: the scene (with its frame clock) knows the output; the protocol
        // objects know the scene; the seat follows the scene's events; this facade marshals and delegates.
        IReadOnlyList<OutputInfo> outputs = OutputInfo.From(_options);
        _scene = new Scene(outputs, _options.Background, Display.Loop, _metrics);
        _scene.ToplevelUnmapping += window => WindowUnmapping?.Invoke(Describe(window));
        _surfaces = new SurfaceProtocol(Display, _scene, _options.MaxSubsurfacesPerClient, _options.MaxContentBytesPerClient);
        Shm = new Shm(Display);
        OutputProtocol.Register(Display, outputs);
        _shell = new XdgShellProtocol(Display, _scene, _options.MaxWindowsPerClient, _options.MaxPopupsPerClient);
        _shell.ClientUnresponsive += OnClientUnresponsive;
        _seat = new SeatProtocol(Display, _scene, _options);
        Extensions.Register(Display, outputs[0]);

        Display.ClientCreated += client => client.Destroying += OnClientDestroying;
    }

    /// <summary>The server display: add sockets or clients, globals of your own, or hook client events.</summary>
    public Display Display { get; }

    /// <summary>The wl_shm global.</summary>
    public Shm Shm { get; }

    /// <summary>The first output's width in pixels.</summary>
    public int OutputWidth => _scene.Output.Width;

    /// <summary>The first output's height in pixels.</summary>
    public int OutputHeight => _scene.Output.Height;

    /// <summary>How many outputs there are (see <see cref="HeadlessCompositorOptions.Outputs"/>).</summary>
    public int OutputCount => _scene.Outputs.Count;

    /// <summary>Where output <paramref name="index"/> lies on the desktop, in logical units (its pixels divided by its scale).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="OutputCount"/>.</exception>
    public Rect GetOutputArea(int index) => OutputAt(index).Area;

    /// <summary>The scale of output <paramref name="index"/>: how many of its pixels a logical unit is, each way.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not below <see cref="OutputCount"/>.</exception>
    public int GetOutputScale(int index) => OutputAt(index).Scale;

    private OutputInfo OutputAt(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _scene.Outputs.Count);
        return _scene.Outputs[index];
    }

    /// <summary>Options the compositor was created with.</summary>
    public HeadlessCompositorOptions Options => _options;

    /// <summary>Refreshes that repainted damage so far: idle refreshes are not counted, and damage a screenshot painted
    /// ahead of a refresh counts as that refresh's frame.</summary>
    public long FramesRendered => _scene.Clock.FramesRendered;

    /// <summary>wl_surface.frame callbacks completed so far.</summary>
    public long FrameCallbacksDone => _scene.Clock.FrameCallbacksDone;

    /// <summary>Frame callbacks and presentation feedbacks completed in a later loop turn than their refresh's, because
    /// their client's process had had its share of that refresh (tests).</summary>
    internal long CompletedLate => _scene.Clock.CompletedLate;

    /// <summary>wl_surface.commit requests handled so far.</summary>
    public long Commits => _surfaces.Commits;

    /// <summary>xdg_wm_base.pong requests received so far.</summary>
    public long Pongs => _shell.Pongs;

    /// <summary>The scene, for tests that look inside it (its damage, its events); use it on the loop.</summary>
    internal Scene Scene => _scene;

    /// <summary>Bytes of surface content pixels allocated and not yet freed (any thread).</summary>
    internal long ContentBytes => _surfaces.Memory.NativeBytes;

    /// <summary>Seat objects (pointers, keyboards, touches, data devices) events went through so far; read on the loop.</summary>
    internal long SeatObjectsVisited => _seat.ObjectsVisited;

    /// <summary>Configures sent to the window and not acknowledged yet that the compositor keeps; -1 when there is no such window.</summary>
    internal int UnacknowledgedConfigures(int windowId) =>
        Invoke(() => _scene.FindWindow(windowId)?.XdgSurface.UnacknowledgedConfigures ?? -1);

    /// <summary>How many protocol errors <see cref="Errors"/> keeps: the first ones. A process that opens connection
    /// after connection and gets each one refused must not make the list grow without end.</summary>
    public const int MaxKeptErrors = 1000;

    /// <summary>The first <see cref="MaxKeptErrors"/> protocol errors posted to clients (each one disconnected that
    /// client), oldest first; <see cref="ErrorCount"/> counts them all.</summary>
    public IReadOnlyList<ClientError> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Protocol errors posted to clients since the compositor started, including those past
    /// <see cref="MaxKeptErrors"/> that <see cref="Errors"/> does not keep.</summary>
    public long ErrorCount
    {
        get
        {
            lock (_errors)
            {
                return _errorCount;
            }
        }
    }

    /// <summary>Raised on the loop's thread when a client is disconnected after a protocol error.</summary>
    public event Action<Client, ClientError>? ClientFailed;

    /// <summary>
    /// Raised on the loop's thread when a client left an xdg_wm_base.ping unanswered for <see cref="PingTimeout"/>;
    /// its windows then report <see cref="WindowInfo.IsResponsive"/> false until the pong arrives. The client stays
    /// connected unless <see cref="HeadlessCompositorOptions.DisconnectUnresponsiveClients"/> is set.
    /// </summary>
    public event Action<Client>? ClientUnresponsive;

    /// <summary>
    /// Raised on the loop's thread just before a window is unmapped (its xdg_toplevel or surface destroyed, its buffer
    /// removed, or its client gone), while it is still on screen: <see cref="CaptureOutput()"/> from the handler shows it.
    /// A client that exits cleanly destroys its windows before it disconnects, so this is the last moment they are seen.
    /// </summary>
    public event Action<WindowInfo>? WindowUnmapping;

    /// <summary>
    /// How long a client may take to answer xdg_wm_base.ping before it counts as unresponsive (default 10 s, as in
    /// weston). A change applies to pings sent after it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not between 1 ms and 24 days.</exception>
    public TimeSpan PingTimeout
    {
        get => _shell.PingTimeout;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.FromMilliseconds(1));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TimeSpan.FromMilliseconds(int.MaxValue));
            _shell.PingTimeout = value;
        }
    }

    /// <summary>Listens on <c>$XDG_RUNTIME_DIR/<paramref name="name"/></c>, on an absolute path, or on the first free wayland-N when null.</summary>
    /// <returns>The socket's path (for an explicit name) or name (auto), usable as <c>WAYLAND_DISPLAY</c> either way.</returns>
    public string AddSocket(string? name = null) => name is null ? Display.AddSocketAuto() : Display.AddSocket(name);

    /// <summary>Runs the event loop on a background thread of its own until <see cref="Stop"/> or disposal.</summary>
    /// <exception cref="InvalidOperationException">The loop already runs.</exception>
    public void Start()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_thread is { IsAlive: true } previous && _stopRequested && previous != Thread.CurrentThread)
        {
            // Stop was called on the loop's own thread, which returns at once: the loop is on its way out.
            previous.Join();
        }

        if (_thread is { IsAlive: true } || _loopThreadId >= 0)
        {
            throw new InvalidOperationException("the compositor already runs");
        }

        _stopRequested = false;
        _thread = new Thread(Run) { IsBackground = true, Name = "wayland-compositor" };
        _thread.Start();
    }

    /// <summary>Runs the event loop on the calling thread until <see cref="Stop"/>.</summary>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        CancellationTokenSource running = new();
        _running = running;
        _loopThreadId = Environment.CurrentManagedThreadId;
        try
        {
            Display.Run();
        }
        finally
        {
            _loopThreadId = -1;

            // Calls posted to the loop that it did not get to are run by their callers from here on.
            running.Cancel();
        }
    }

    /// <summary>Stops the event loop (and waits for its thread when <see cref="Start"/> started it).</summary>
    /// <remarks>Called on the loop's own thread (from <see cref="Invoke(Action)"/> or an event handler), it returns at
    /// once and the loop stops when the current call returns.</remarks>
    public void Stop()
    {
        _stopRequested = true;
        Display.Terminate();
        if (_thread is { } thread && thread != Thread.CurrentThread)
        {
            thread.Join();
            _thread = null;
        }
    }

    /// <summary>Runs <paramref name="action"/> on the event loop's thread and waits for it.</summary>
    public void Invoke(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Invoke(() =>
        {
            action();
            return true;
        });
    }

    /// <summary>
    /// Runs <paramref name="function"/> on the event loop's thread and returns its result. When the loop does not run
    /// (not started yet, or stopped), or stops before it gets to the call, the call runs on the calling thread instead.
    /// </summary>
    /// <exception cref="InvalidOperationException"><paramref name="function"/> threw on the loop's thread (the inner
    /// exception is what it threw).</exception>
    /// <exception cref="TimeoutException">The loop runs but did not get to the call within 30 s (it is stuck).</exception>
    public T Invoke<T>(Func<T> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        ObjectDisposedException.ThrowIf(_disposed, this);
        int loopThread = _loopThreadId;
        CancellationTokenSource? running = _running;
        if (loopThread < 0 || loopThread == Environment.CurrentManagedThreadId || running is null)
        {
            return function();
        }

        T result = default!;
        Exception? failure = null;
        int claimed = 0;
        using ManualResetEventSlim done = new();
        Display.Loop.Post(() =>
        {
            // The caller runs the call itself when the loop stopped first; whoever claims it runs it, once.
            if (Interlocked.Exchange(ref claimed, 1) != 0)
            {
                return;
            }

            try
            {
                result = function();
                Display.FlushClients();
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                done.Set();
            }
        });
        try
        {
            if (!done.Wait(TimeSpan.FromSeconds(30), running.Token))
            {
                throw new TimeoutException("the compositor's event loop did not respond within 30 s");
            }
        }
        catch (OperationCanceledException)
        {
            if (Interlocked.Exchange(ref claimed, 1) == 0)
            {
                return function();
            }

            // The loop ran the call before it stopped.
            done.Wait();
        }

        if (failure is not null)
        {
            throw new InvalidOperationException($"compositor call failed: {failure.Message}", failure);
        }

        return result;
    }

    /// <summary>Stops the loop, disconnects every client and closes the sockets.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        Stop();
        _disposed = true;
        Display.Dispose();
        _metrics.Dispose();
    }

    private void OnClientUnresponsive(Client client)
    {
        ClientUnresponsive?.Invoke(client);
        if (_options.DisconnectUnresponsiveClients)
        {
            // Not from inside the ping timer's callback: the client's destruction removes that timer.
            Display.Loop.Post(() =>
            {
                if (!client.IsDestroyed)
                {
                    client.Destroy();
                }
            });
        }
    }

    private void OnClientDestroying(Client client)
    {
        _seat.ClientGone(client);
        _scene.UnmapClient(client);
        if (client.Error is { } error)
        {
            lock (_errors)
            {
                _errorCount++;
                if (_errors.Count < MaxKeptErrors)
                {
                    _errors.Add(error);
                }
            }

            ClientFailed?.Invoke(client, error);
        }
    }
}
