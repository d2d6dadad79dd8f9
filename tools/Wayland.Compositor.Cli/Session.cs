using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Wayland.Compositor.Web;
using Wayland.Server;
using Wayland.Wire;

namespace Wayland.Compositor.Cli;

/// <summary>
/// One run of wl-headless: the compositor on a thread of its own, the optional client command, and the main thread
/// waiting for whatever ends the run first — the command exiting, --frames repaints, --timeout, SIGINT or SIGTERM.
/// </summary>
internal sealed class Session
{
    /// <summary>How often the main thread looks at the repaint count while --frames is pending.</summary>
    private static readonly TimeSpan FramePollInterval = TimeSpan.FromMilliseconds(5);

    private readonly Settings _settings;
    private readonly TaskCompletionSource<StopReason> _stop = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HeadlessCompositor _compositor;
    private readonly ILoggerFactory _loggerFactory;

    /// <summary>The output as it was just before the last window went away (for a screenshot taken after the command
    /// exited, which would otherwise show its windows gone). Written on the loop's thread.</summary>
    private volatile Image? _beforeLastUnmap;
    private volatile bool _stopping;

    private Session(Settings settings, HeadlessCompositor compositor, ILoggerFactory loggerFactory)
    {
        _settings = settings;
        _compositor = compositor;
        _loggerFactory = loggerFactory;
    }

    private enum StopKind
    {
        ClientExited,
        Frames,
        Timeout,
        Signal,
    }

    /// <summary>Runs the compositor as <paramref name="settings"/> asks and returns the process exit status.</summary>
    public static int Run(Settings settings)
    {
        StderrLoggerFactory loggerFactory = new(Console.Error, LogLevel.Information);
        HeadlessCompositorOptions options = new()
        {
            Width = settings.Width,
            Height = settings.Height,
            RefreshMilliHertz = settings.RefreshMilliHertz,
            Debug = settings.Debug,
            MaxContentBytesPerClient = settings.MaxContentBytesPerClient,
            MaxSubsurfacesPerClient = settings.MaxSubsurfacesPerClient,
            MaxPopupsPerClient = settings.MaxPopupsPerClient,
            MaxWindowsPerClient = settings.MaxWindowsPerClient,
            LoggerFactory = loggerFactory,
        };
        using HeadlessCompositor compositor = new(options);
        return new Session(settings, compositor, loggerFactory).Run();
    }

    /// <summary>Protocol errors printed per client process: a process that opens thousands of connections and gets
    /// each one refused must not flood stderr.</summary>
    private const int PrintedErrorsPerProcess = 10;

    private readonly Dictionary<int, int> _errorsByProcess = [];

    private void PrintProtocolError(int pid, ClientError error)
    {
        int count = _errorsByProcess.GetValueOrDefault(pid) + 1;
        _errorsByProcess[pid] = count;
        if (count <= PrintedErrorsPerProcess)
        {
            Console.Error.WriteLine($"wl-headless: protocol error (client pid {pid}): {error}");
        }
        else if (count == PrintedErrorsPerProcess + 1)
        {
            Console.Error.WriteLine($"wl-headless: more protocol errors of client pid {pid} are counted, not printed");
        }
    }

    private int Run()
    {
        _compositor.ClientFailed += (client, error) => PrintProtocolError(client.ProcessId, error);
        if (_settings.Screenshot is not null)
        {
            _compositor.WindowUnmapping += OnWindowUnmapping;
        }

        // A screenshot that cannot be written fails now, not after the whole run.
        if (_settings.Screenshot is { } screenshot && CheckWritable(screenshot) is { } problem)
        {
            Console.Error.WriteLine($"wl-headless: cannot write the screenshot {screenshot}: {problem}");
            return ExitCodes.Failure;
        }

        // Before the socket exists: whoever sees the socket may already stop us with a signal.
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        string socketName;
        try
        {
            // For a given name AddSocket returns the full path; WAYLAND_DISPLAY keeps the name as the user wrote it.
            string added = _compositor.AddSocket(_settings.Socket);
            socketName = _settings.Socket ?? added;
        }
        catch (WaylandIOException e)
        {
            Console.Error.WriteLine($"wl-headless: {e.Message}");
            return ExitCodes.Failure;
        }

        Console.Error.WriteLine($"wl-headless: listening on {socketName}");

        ClientProcess? client = null;
        WebView? web = null;
        try
        {
            try
            {
                client = StartClient(socketName);
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                Console.Error.WriteLine($"wl-headless: cannot run /bin/sh: {e.Message}");
                return ExitCodes.Failure;
            }

            _compositor.Start();
            try
            {
                web = StartWebView();
            }
            catch (Exception e) when (e is IOException or ArgumentException)
            {
                Console.Error.WriteLine($"wl-headless: cannot serve the web view: {e.Message}");
                client?.Terminate();
                return ExitCodes.Failure;
            }

            return Finish(WaitForStop(), client, web);
        }
        finally
        {
            web?.Dispose();
            client?.Dispose();
        }
    }

    /// <summary>Starts the --web view, if asked for, and prints where to open it.</summary>
    private WebView? StartWebView()
    {
        if (_settings.Web is not { } endPoint)
        {
            return null;
        }

        WebView view = WebView.Start(_compositor, endPoint, new WebViewOptions
        {
            AllowPublic = _settings.WebPublic,
            MaxConnections = _settings.WebMaxConnections,
            MaxViewers = _settings.WebMaxViewers,
            LoggerFactory = _loggerFactory,
        });
        Console.Error.WriteLine($"wl-headless: web view at {view.Url}");
        return view;
    }

    /// <summary>Starts the --exec command, first handing the compositor its end of a socketpair for --exec-socket.</summary>
    private ClientProcess? StartClient(string socketName)
    {
        if (_settings.Command is not { } command)
        {
            return null;
        }

        if (!_settings.HandOverSocket)
        {
            return ClientProcess.Start(command, socketName, socket: null, ClientExited);
        }

        (SafeFdHandle ours, SafeFdHandle theirs) = UnixSocket.CreatePair();
        using (theirs)
        {
            // The loop does not run yet, so the display may be used from this thread.
            _compositor.Display.CreateClient(ours);
            return ClientProcess.Start(command, socketName, theirs, ClientExited);
        }
    }

    private void ClientExited() => _stop.TrySetResult(new StopReason(StopKind.ClientExited, 0));

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        // PosixSignal values are not the signal numbers (they are negative); report Linux's.
        _stop.TrySetResult(new StopReason(StopKind.Signal, context.Signal == PosixSignal.SIGINT ? 2 : 15));
    }

    /// <summary>On the loop's thread, while the window is still on screen: keep the output for the screenshot. A client
    /// that exits cleanly destroys its windows before it hangs up, so its disconnect would be too late.</summary>
    private void OnWindowUnmapping(WindowInfo window)
    {
        if (!_stopping)
        {
            _beforeLastUnmap = _compositor.CaptureOutput();
        }
    }

    private StopReason WaitForStop()
    {
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            TimeSpan wait = Timeout.InfiniteTimeSpan;
            if (_settings.Timeout is { } limit)
            {
                TimeSpan left = limit - Stopwatch.GetElapsedTime(start);
                if (left <= TimeSpan.Zero)
                {
                    return new StopReason(StopKind.Timeout, 0);
                }

                wait = left;
            }

            if (_settings.Frames is { } frames)
            {
                if (_compositor.FramesRendered >= frames)
                {
                    return new StopReason(StopKind.Frames, 0);
                }

                wait = wait == Timeout.InfiniteTimeSpan || wait > FramePollInterval ? FramePollInterval : wait;
            }

            if (_stop.Task.Wait(wait))
            {
                return _stop.Task.Result;
            }
        }
    }

    /// <summary>Screenshot, client, compositor down, in that order; then the exit status.</summary>
    private int Finish(StopReason reason, ClientProcess? client, WebView? web)
    {
        int status = ExitCodes.Success;
        if (_settings.Screenshot is { } path && !TrySaveScreenshot(path, reason))
        {
            status = ExitCodes.Failure;
        }

        _stopping = true;

        // Browsers are told the view is going before their picture stops.
        web?.Dispose();

        int clientStatus = 0;
        if (client is not null)
        {
            if (reason.Kind != StopKind.ClientExited)
            {
                client.Terminate();
            }

            clientStatus = client.WaitForExitCode();
        }

        _compositor.Stop();
        long errors = _compositor.ErrorCount;
        string why = reason.Kind switch
        {
            StopKind.ClientExited => $"the command exited with status {clientStatus}",
            StopKind.Frames => $"{_settings.Frames} frames rendered",
            StopKind.Timeout => $"timed out after {_settings.Timeout!.Value.TotalSeconds:0.###} s",
            _ => $"signal {reason.Signal}",
        };
        Console.Error.WriteLine($"wl-headless: stopping ({why}); {_compositor.FramesRendered} frames rendered, "
            + $"{_compositor.FrameCallbacksDone} frame callbacks, {errors} protocol error(s)");

        if (status != ExitCodes.Success)
        {
            return status;
        }

        if (errors > 0)
        {
            return ExitCodes.ProtocolError;
        }

        return reason.Kind switch
        {
            StopKind.ClientExited => clientStatus,
            StopKind.Timeout => ExitCodes.Timeout,
            StopKind.Signal when client is not null => ExitCodes.SignalBase + reason.Signal,
            _ => ExitCodes.Success,
        };
    }

    /// <summary>Null when <paramref name="path"/> can be written (tried by opening it for writing), else why not.
    /// A file the check creates is removed again.</summary>
    private static string? CheckWritable(string path)
    {
        if (Directory.Exists(path))
        {
            return "it is a directory";
        }

        bool existed = File.Exists(path);
        try
        {
            using (new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite))
            {
            }

            if (!existed)
            {
                File.Delete(path);
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    private bool TrySaveScreenshot(string path, StopReason reason)
    {
        try
        {
            Image image = reason.Kind == StopKind.ClientExited ? LastOutputOfExitedClient() : _compositor.CaptureOutput();
            image.SavePng(path);
            Console.Error.WriteLine($"wl-headless: wrote {path} ({image.Width}x{image.Height})");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"wl-headless: cannot write the screenshot {path}: {e.Message}");
            return false;
        }
    }

    /// <summary>
    /// After the command exited its windows are gone: the output as it was just before the last window went away,
    /// unless some client is still connected (then the output as it is).
    /// </summary>
    private Image LastOutputOfExitedClient()
    {
        // The command's sockets closed when it exited, so their hang-ups were already pending in the loop's epoll
        // when the first of these was posted; after the second, the loop has handled them.
        _compositor.Invoke(() => { });
        int connected = _compositor.Invoke(() => _compositor.Display.Clients.Count);
        return connected == 0 && _beforeLastUnmap is { } last ? last : _compositor.CaptureOutput();
    }

    private readonly record struct StopReason(StopKind Kind, int Signal);
}
