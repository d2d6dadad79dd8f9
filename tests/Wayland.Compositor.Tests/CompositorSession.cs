using System.Diagnostics;
using System.Text;
using Wayland.Testing;

namespace Wayland.Compositor.Tests;

/// <summary>
/// One test's compositor: a <see cref="HeadlessCompositor"/> running on its own thread, listening on a socket in a
/// private runtime directory (an absolute path: the test process's environment is shared by parallel tests and is
/// never changed), and the client programs the test started there. Disposing kills those programs, stops the
/// compositor and removes the directory.
/// </summary>
internal sealed class CompositorSession : IDisposable
{
    public const string SocketName = "wayland-test";

    /// <summary>Frame callbacks that prove clients keep animating rather than drawing once (not a frame rate: the
    /// test machine is shared and slow).</summary>
    public const int AnimatingFrames = 5;

    private readonly List<ClientProcess> _clients = [];
    private readonly RuntimeDirectory _runtime;
    private bool _disposed;

    public CompositorSession(string purpose, HeadlessCompositorOptions? options = null)
    {
        _runtime = RuntimeDirectory.Create(purpose);
        try
        {
            Options = options ?? new HeadlessCompositorOptions { Width = 800, Height = 600 };
            Compositor = new HeadlessCompositor(Options);
            SocketPath = Compositor.Display.AddSocket(System.IO.Path.Combine(_runtime.Path, SocketName));
            Compositor.Start();
        }
        catch
        {
            Compositor?.Dispose();
            _runtime.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="test"/> with a session of its own, and checks that it leaves no descriptor of this
    /// process open (sockets, memfds, pipes to the programs it started) once the session is disposed.
    /// </summary>
    public static void Run(string purpose, Action<CompositorSession> test) => Run(purpose, null, test);

    /// <inheritdoc cref="Run(string, Action{CompositorSession})"/>
    public static void Run(string purpose, HeadlessCompositorOptions? options, Action<CompositorSession> test)
    {
        ArgumentNullException.ThrowIfNull(test);
        OpenFds.Snapshot before = OpenFds.Take();
        using (CompositorSession session = new(purpose, options))
        {
            test(session);
        }

        OpenFds.AssertUnchanged(before);
    }

    public HeadlessCompositor Compositor { get; }

    public HeadlessCompositorOptions Options { get; }

    /// <summary>The listening socket's absolute path.</summary>
    public string SocketPath { get; }

    /// <summary>The private XDG_RUNTIME_DIR.</summary>
    public string RuntimePath => _runtime.Path;

    /// <summary>
    /// Starts <paramref name="program"/> as a client of this compositor: XDG_RUNTIME_DIR and WAYLAND_DISPLAY point
    /// here, HOME and the XDG config/cache/data directories are private to the test, and nothing can reach an X
    /// server or the user's session bus. <paramref name="environment"/> adds or overrides variables (null removes one).
    /// </summary>
    public ClientProcess Launch(string program, IEnumerable<string>? arguments = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ProcessStartInfo info = new(program);
        foreach (string argument in arguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }

        _runtime.Apply(info);
        info.Environment["WAYLAND_DISPLAY"] = SocketName;
        string home = System.IO.Path.Combine(_runtime.Path, "home");
        Directory.CreateDirectory(home);
        info.Environment["HOME"] = home;
        info.Environment["XDG_CONFIG_HOME"] = System.IO.Path.Combine(home, ".config");
        info.Environment["XDG_CACHE_HOME"] = System.IO.Path.Combine(home, ".cache");
        info.Environment["XDG_DATA_HOME"] = System.IO.Path.Combine(home, ".local", "share");
        info.Environment["XDG_STATE_HOME"] = System.IO.Path.Combine(home, ".local", "state");
        info.Environment.Remove("DISPLAY");
        info.Environment.Remove("DBUS_SESSION_BUS_ADDRESS");
        info.Environment.Remove("XDG_CURRENT_DESKTOP");
        info.Environment.Remove("XDG_SESSION_TYPE");
        if (environment is not null)
        {
            foreach ((string key, string? value) in environment)
            {
                if (value is null)
                {
                    info.Environment.Remove(key);
                }
                else
                {
                    info.Environment[key] = value;
                }
            }
        }

        ClientProcess client = ClientProcess.Start(info);
        _clients.Add(client);
        return client;
    }

    /// <summary>Waits until <paramref name="client"/> has a mapped window, and returns it.</summary>
    public WindowInfo WaitForWindow(ClientProcess client, TimeSpan? timeout = null) =>
        Poll.For(() => FindWindow(client), () => $"no window of {client.Describe()}\n{Describe()}", timeout);

    /// <summary>Waits until a window titled <paramref name="title"/> is mapped, and returns it.</summary>
    public WindowInfo WaitForWindow(string title, TimeSpan? timeout = null) =>
        Poll.For(() => Compositor.GetWindows().FirstOrDefault(w => w.Title == title), () => $"no window \"{title}\"\n{Describe()}", timeout);

    /// <summary>The client's topmost mapped window, or null.</summary>
    public WindowInfo? FindWindow(ClientProcess client) => Compositor.GetWindows().LastOrDefault(w => w.ProcessId == client.Id);

    /// <summary>Waits until <paramref name="condition"/> holds, failing with the compositor's state and the clients' output.</summary>
    public void WaitUntil(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        Poll.Until(condition, () => $"{what}\n{Describe()}", timeout);

    /// <summary>As <see cref="WaitUntil(Func{bool}, string, TimeSpan?)"/>, with a description made when it fails
    /// (so that it can tell the last values seen).</summary>
    public void WaitUntil(Func<bool> condition, Func<string> what, TimeSpan? timeout = null) =>
        Poll.Until(condition, () => $"{what()}\n{Describe()}", timeout);

    /// <summary>Waits for <see cref="AnimatingFrames"/> more frame callbacks than were done when called: clients keep drawing.</summary>
    public void WaitForAnimation(string what)
    {
        long start = Compositor.FrameCallbacksDone;
        WaitUntil(() => Compositor.FrameCallbacksDone >= start + AnimatingFrames,
            () => $"{what}: {AnimatingFrames} frame callbacks (only {Compositor.FrameCallbacksDone - start} done)");
    }

    /// <summary>Waits until the compositor has recorded a protocol error (it records it as it disconnects the client,
    /// which may be a moment after the client read it), checks that it is the only one, and returns it.</summary>
    public Wayland.Server.ClientError WaitForProtocolError()
    {
        WaitUntil(() => Compositor.Errors.Count > 0, "the compositor to record the protocol error");
        return Assert.Single(Compositor.Errors);
    }

    /// <summary>Fails when any client was disconnected for a protocol error.</summary>
    public void AssertNoProtocolErrors()
    {
        IReadOnlyList<Wayland.Server.ClientError> errors = Compositor.Errors;
        Assert.True(errors.Count == 0, $"protocol errors were posted:\n{Describe()}");
    }

    /// <summary>The compositor's state and every client's output, for failure messages.</summary>
    public string Describe()
    {
        StringBuilder text = new();
        try
        {
            text.AppendLine($"windows: [{string.Join(", ", Compositor.GetWindows())}]");
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or ObjectDisposedException)
        {
            text.AppendLine($"windows: unavailable ({e.Message})");
        }

        text.AppendLine($"commits {Compositor.Commits}, frames rendered {Compositor.FramesRendered}, frame callbacks done {Compositor.FrameCallbacksDone}");
        foreach (Wayland.Server.ClientError error in Compositor.Errors)
        {
            text.AppendLine($"protocol error: {error}");
        }

        foreach (ClientProcess client in _clients)
        {
            text.AppendLine(client.Describe());
        }

        return text.ToString();
    }

    /// <summary>Saves <paramref name="image"/> where a failing test's reader can look at it; returns the path.</summary>
    public static string SaveForInspection(Image image, string name)
    {
        string directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "wayland-compositor-tests");
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, $"{name}.png");
        image.SavePng(path);
        return path;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            foreach (ClientProcess client in _clients)
            {
                client.Dispose();
            }
        }
        finally
        {
            Compositor.Dispose();
            _runtime.Dispose();
        }
    }
}
