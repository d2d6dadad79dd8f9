using System.Diagnostics;
using System.Net;
using System.Text;
using Wayland.Compositor;
using Wayland.Compositor.Web;
using Wayland.Testing;

namespace Wayland.Web.Tests;

/// <summary>
/// A compositor listening in a private runtime directory, its web view on a free loopback port, and the client
/// programs started on it. Disposing kills those programs (only those), stops the view and the compositor and
/// removes the directory. Shared with bench/Wayland.WebBench.
/// </summary>
internal sealed class WebSession : IAsyncDisposable
{
    private const string SocketName = "wayland-web";

    private readonly RuntimeDirectory _runtime;
    private readonly List<(Process Process, StringBuilder Output)> _clients = [];

    private WebSession(RuntimeDirectory runtime, HeadlessCompositor compositor)
    {
        _runtime = runtime;
        Compositor = compositor;
    }

    public HeadlessCompositor Compositor { get; }

    public WebView View { get; private set; } = null!;

    /// <summary>A plain POSIX shell for terminals.</summary>
    public static IReadOnlyDictionary<string, string?> ShellEnvironment { get; } = new Dictionary<string, string?>
    {
        ["SHELL"] = "/bin/sh",
        ["ENV"] = null,
        ["PS1"] = "$ ",
    };

    public static async Task<WebSession> StartAsync(string purpose, int width, int height, WebViewOptions? options = null, int scale = 1,
        Action<HeadlessCompositorOptions>? configure = null)
    {
        RuntimeDirectory runtime = RuntimeDirectory.Create(purpose);
        HeadlessCompositor? compositor = null;
        try
        {
            HeadlessCompositorOptions compositorOptions = new() { Width = width, Height = height, Scale = scale };
            configure?.Invoke(compositorOptions);
            compositor = new HeadlessCompositor(compositorOptions);
            compositor.Display.AddSocket(Path.Combine(runtime.Path, SocketName));
            compositor.Start();
            WebSession session = new(runtime, compositor);
            session.View = await WebView.StartAsync(compositor, new IPEndPoint(IPAddress.Loopback, 0), options);
            return session;
        }
        catch
        {
            compositor?.Dispose();
            runtime.Dispose();
            throw;
        }
    }

    /// <summary>Starts <paramref name="program"/> as a client with a private home, no X server and no session bus.</summary>
    public Process Launch(string program, IEnumerable<string>? arguments = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ProcessStartInfo info = new(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments ?? [])
        {
            info.ArgumentList.Add(argument);
        }

        _runtime.Apply(info);
        info.Environment["WAYLAND_DISPLAY"] = SocketName;
        string home = Path.Combine(_runtime.Path, "home");
        Directory.CreateDirectory(home);
        info.Environment["HOME"] = home;
        info.Environment["XDG_CONFIG_HOME"] = Path.Combine(home, ".config");
        info.Environment["XDG_CACHE_HOME"] = Path.Combine(home, ".cache");
        info.Environment["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share");
        foreach (string name in (ReadOnlySpan<string>)["DISPLAY", "DBUS_SESSION_BUS_ADDRESS", "XDG_CURRENT_DESKTOP", "XDG_SESSION_TYPE"])
        {
            info.Environment.Remove(name);
        }

        foreach ((string key, string? value) in environment ?? new Dictionary<string, string?>())
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

        Process process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {program}");
        StringBuilder output = new();
        DataReceivedEventHandler collect = (_, e) =>
        {
            lock (output)
            {
                if (output.Length < 20_000)
                {
                    output.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _clients.Add((process, output));
        return process;
    }

    /// <summary>What the clients printed, for failure messages.</summary>
    public string ClientOutput()
    {
        StringBuilder all = new();
        foreach ((Process process, StringBuilder output) in _clients)
        {
            lock (output)
            {
                all.Append(CultureInfo(process)).Append(output);
            }
        }

        return all.ToString();
    }

    private static string CultureInfo(Process process) => $"--- pid {process.Id}{(process.HasExited ? $" exited {process.ExitCode}" : "")}\n";

    /// <summary>The client's topmost window, waiting up to <paramref name="timeout"/> for it.</summary>
    public async Task<WindowInfo> WaitForWindowAsync(Process client, TimeSpan timeout)
    {
        WindowInfo? window = null;
        await WaitUntilAsync(() => (window = Compositor.GetWindows().LastOrDefault(w => w.ProcessId == client.Id)) is not null,
            () => $"a window of pid {client.Id}\n{ClientOutput()}", timeout);
        return window!;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails after <paramref name="timeout"/> saying what was awaited.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, Func<string> what, TimeSpan timeout)
    {
        Stopwatch clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what()}");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach ((Process process, _) in _clients)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        if (View is not null)
        {
            await View.DisposeAsync();
        }

        Compositor.Dispose();
        _runtime.Dispose();
    }
}
