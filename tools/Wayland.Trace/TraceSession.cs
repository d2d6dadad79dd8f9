using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using Wayland.Tools;
using Wayland.Trace.Decoding;
using Wayland.Trace.Output;
using Wayland.Trace.Proxy;
using Wayland.Wire;

namespace Wayland.Trace;

/// <summary>One run of wl-trace: load the protocols, open the output, proxy until APP is done (or a signal), summarise.</summary>
internal sealed class TraceSession
{
    public const int Usage = 64;
    public const int Failure = 1;

    /// <summary>How long lines for a file or a pipe may wait in the buffer.</summary>
    public static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(50);

    /// <summary>The signal that stops wl-trace (0 until one does).</summary>
    private volatile int _signal;
    private int _signalCount;
    private volatile bool _appExited;

    /// <summary>APP once it runs: the first SIGINT or SIGTERM is passed on to it.</summary>
    private volatile Process? _app;

    /// <summary>Guards <see cref="_app"/>'s start against a signal arriving meanwhile.</summary>
    private readonly object _appGate = new();
    private bool _appStarting;
    private int _signalWhileStarting;

    public static int Run(string[] args, TextWriter error)
    {
        Options? options = Options.Parse(args, out string? problem);
        if (options is null)
        {
            error.WriteLine($"wl-trace: {problem}");
            error.WriteLine("Try 'wl-trace --help'.");
            return Usage;
        }

        if (options.Help || options.Version)
        {
            return WriteStandardOutput(options.Help ? Options.Usage
                : $"wl-trace {typeof(TraceSession).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]}", error);
        }

        Filter filter = Filter.All;
        if (options.Filter is not null && Filter.Parse(options.Filter, out problem) is not { } parsed)
        {
            error.WriteLine($"wl-trace: {problem}");
            return Usage;
        }
        else if (options.Filter is not null)
        {
            filter = Filter.Parse(options.Filter, out _)!;
        }

        try
        {
            return new TraceSession().Run(options, filter, error);
        }
        catch (Exception e) when (e is WaylandException or IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            error.WriteLine($"wl-trace: {StandardStreams.Describe(e)}");
            return Failure;
        }
    }

    /// <summary>Writes <paramref name="text"/> and a newline to standard output: 0, or 1 with a message when it cannot
    /// be written (closed, or a full disk), as coreutils do.</summary>
    private static int WriteStandardOutput(string text, TextWriter error)
    {
        try
        {
            using Stream stdout = Console.OpenStandardOutput();
            stdout.Write(System.Text.Encoding.UTF8.GetBytes(text + "\n"));
            stdout.Flush();
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"wl-trace: cannot write to standard output: {StandardStreams.Describe(e)}");
            return Failure;
        }
    }

    /// <summary>
    /// Takes WAYLAND_SOCKET as libwayland does (and removes it from the environment): the descriptor it names, made
    /// close-on-exec. Only a socket this process inherited (not close-on-exec: everything the runtime opens is) is
    /// taken; otherwise a warning says so and the variable is ignored.
    /// </summary>
    private static SafeFdHandle? TakeInheritedSocket(TextWriter error)
    {
        string? value = Environment.GetEnvironmentVariable("WAYLAND_SOCKET");
        if (value is null)
        {
            return null;
        }

        Environment.SetEnvironmentVariable("WAYLAND_SOCKET", null);
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int fd) || !IsInheritedSocket(fd))
        {
            error.WriteLine($"wl-trace: warning: WAYLAND_SOCKET={value} is not a socket wl-trace inherited; ignored");
            return null;
        }

        SafeFdHandle socket = new(fd);
        socket.SetCloseOnExec(true);
        return socket;
    }

    private static bool IsInheritedSocket(int fd)
    {
        try
        {
            // O_CLOEXEC (02000000) in the flags the kernel shows; the link of a socket reads "socket:[inode]".
            string? flags = File.ReadLines($"/proc/self/fdinfo/{fd}").FirstOrDefault(l => l.StartsWith("flags:", StringComparison.Ordinal));
            return flags is not null && (Convert.ToInt32(flags["flags:".Length..].Trim(), 8) & 0x80000) == 0
                && new FileInfo($"/proc/self/fd/{fd}").LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return false; // not open
        }
    }

    /// <summary>An absolute name is the path; a relative one lives in $XDG_RUNTIME_DIR.</summary>
    public static string SocketPath(string name)
    {
        if (name.StartsWith('/'))
        {
            return name;
        }

        string? runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        if (string.IsNullOrEmpty(runtime) || !runtime.StartsWith('/'))
        {
            throw new ArgumentException($"XDG_RUNTIME_DIR is not set to an absolute directory, so '{name}' cannot be found; give an absolute path");
        }

        return Path.Combine(runtime, name);
    }

    private int Run(Options options, Filter filter, TextWriter error)
    {
        ProtocolSet protocols = ProtocolSet.Load(options.Protocols, options.SystemProtocols);
        foreach (string problem in protocols.Problems)
        {
            error.WriteLine($"wl-trace: warning: {problem}");
        }

        // An inherited WAYLAND_SOCKET is the first client's connection to the compositor, as libwayland would use it,
        // unless --display names one; either way it is not passed on to APP.
        SafeFdHandle? inherited = TakeInheritedSocket(error);
        if (options.Display is not null)
        {
            inherited?.Dispose();
            inherited = null;
        }

        string upstream = "";
        string? upstreamProblem = null;
        try
        {
            upstream = SocketPath(options.Display ?? Environment.GetEnvironmentVariable("WAYLAND_DISPLAY") ?? "wayland-0");
        }
        catch (ArgumentException e) when (inherited is not null)
        {
            // The first client has a compositor; the others are told why they have none.
            upstreamProblem = e.Message;
        }

        // A terminal shows each batch of lines as it happens; a file or a pipe gets them in 50 ms batches.
        bool terminal = options.Output switch
        {
            null => !Console.IsErrorRedirected,
            "-" => !Console.IsOutputRedirected,
            _ => false,
        };
        using TraceOutput output = options.Output switch
        {
            null => new TraceOutput(Console.OpenStandardError(), ownsStream: true),
            "-" => new TraceOutput(Console.OpenStandardOutput(), ownsStream: true),
            string file => new TraceOutput(OpenTraceFile(file), ownsStream: true),
        };
        JsonLinesFormat? json = options.Json ? new JsonLinesFormat(output) : null;
        ITraceFormat? format = options.Summary ? null : json ?? (ITraceFormat)new WaylandDebugFormat(output);
        Tracer tracer = new(protocols, format, filter);
        bool listening = options.Listen is not null;
        using TraceProxy proxy = new(tracer, upstream, tagAll: listening, output, terminal ? TimeSpan.Zero : FlushDelay)
        {
            InheritedUpstream = inherited,
            UpstreamProblem = upstreamProblem,
        };
        if (options.MaxFds > 0)
        {
            proxy.MaxDescriptors = options.MaxFds;
        }
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => OnSignal(context, proxy, 2));
        using PosixSignalRegistration terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => OnSignal(context, proxy, 15));
        int status;
        if (listening)
        {
            proxy.Listen(SocketPath(options.Listen!));
            Loop(proxy, () => false);
            status = 0;
        }
        else
        {
            status = RunApp(options, proxy, error);
        }

        if (options.Summary)
        {
            if (json is not null)
            {
                json.Write(tracer.Summary);
            }
            else
            {
                output.Write(tracer.Summary.ToText());
            }
        }

        output.Flush();
        if (output.Failure is { } failure)
        {
            // The proxying went on; the trace did not. APP's status stays APP's; --listen says it failed.
            error.WriteLine($"wl-trace: writing the trace to {options.Output switch { null => "standard error", "-" => "standard output", string file => file }} "
                + $"failed ({StandardStreams.Describe(failure)}); the lines after that were lost");
            return listening ? Failure : status;
        }

        return status;
    }

    /// <summary>The -o file, created or emptied.</summary>
    /// <exception cref="IOException">It cannot be: the message says why, in words for the user.</exception>
    private static FileStream OpenTraceFile(string file)
    {
        try
        {
            return Directory.Exists(file)
                ? throw new IOException("it is a directory")
                : new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.Read);
        }
        catch (DirectoryNotFoundException)
        {
            throw new IOException($"cannot write the trace to {file}: the directory {Path.GetDirectoryName(Path.GetFullPath(file))} does not exist");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"cannot write the trace to {file}: {StandardStreams.Describe(e)}", e);
        }
    }

    private int RunApp(Options options, TraceProxy proxy, TextWriter error)
    {
        ProcessStartInfo info = new(options.Command[0]) { UseShellExecute = false };
        foreach (string argument in options.Command.Skip(1))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Remove("WAYLAND_SOCKET");
        string? privatePath = null;
        SafeFdHandle? childEnd = null;
        SafeFdHandle? ourEnd = null;
        if (options.SocketPair)
        {
            (ourEnd, childEnd) = UnixSocket.CreatePair();
            info.Environment["WAYLAND_SOCKET"] = childEnd.Fd.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            string name = $"wl-trace-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
            string? runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            bool inRuntime = !string.IsNullOrEmpty(runtime) && runtime.StartsWith('/');
            privatePath = inRuntime ? Path.Combine(runtime!, name) : Path.GetFullPath(Path.Combine(Path.GetTempPath(), name));
            proxy.Listen(privatePath);
            // Outside $XDG_RUNTIME_DIR (unset, or relative: libwayland ignores a relative one), APP gets the whole path.
            info.Environment["WAYLAND_DISPLAY"] = inRuntime ? name : privatePath;
        }

        using Process process = new() { StartInfo = info, EnableRaisingEvents = true };
        process.Exited += (_, _) =>
        {
            _appExited = true;
            proxy.Loop.Wake();
        };
        try
        {
            if (_signal != 0)
            {
                ourEnd?.Dispose();
                return 128 + _signal;
            }

            // The runtime's fork/exec closes only close-on-exec descriptors, so the child inherits exactly this one.
            childEnd?.SetCloseOnExec(false);
            lock (_appGate)
            {
                _appStarting = true;
            }

            process.Start();
            int pending;
            lock (_appGate)
            {
                _app = process;
                _appStarting = false;
                pending = _signalWhileStarting;
            }

            // A signal that came while APP was starting (APP may already have run and told someone its pid) is
            // passed on now, as it would have been a moment later.
            if (pending != 0 && !PassOn(process, pending))
            {
                _signal = pending;
                proxy.Loop.Wake();
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            lock (_appGate)
            {
                _appStarting = false;
            }

            ourEnd?.Dispose();
            // Not the runtime's "An error occurred trying to start process ... with working directory ...".
            error.WriteLine($"wl-trace: cannot run {options.Command[0]}: {Marshal.GetPInvokeErrorMessage(e.NativeErrorCode)}");
            return 127;
        }
        finally
        {
            childEnd?.Dispose();
        }

        if (ourEnd is not null)
        {
            proxy.Adopt(ourEnd, process.Id, TraceClient.CommandOf(process.Id));
        }

        Loop(proxy, () => _appExited && proxy.ConnectionCount == 0);
        if (_signal != 0)
        {
            // A second signal (or one APP could not be sent): close our connections, so that a Wayland app sees its
            // compositor go away, and give it a moment to exit on its own; then leave it.
            proxy.CloseConnections();
            process.WaitForExit(TimeSpan.FromSeconds(2));
            return 128 + _signal;
        }

        process.WaitForExit();
        return process.ExitCode;
    }

    private void Loop(TraceProxy proxy, Func<bool> done)
    {
        while (_signal == 0)
        {
            proxy.Dispatch(-1);
            if (done())
            {
                // Take connections the app made just before it exited, then stop when none is left.
                proxy.Dispatch(0);
                if (done())
                {
                    break;
                }
            }
        }
    }

    /// <summary>SIGINT or SIGTERM: the first is passed on to APP, if it runs, and tracing goes on until APP exits (as
    /// <c>timeout</c> and <c>sudo</c> pass signals on); otherwise, and on the second, wl-trace stops.</summary>
    private void OnSignal(PosixSignalContext context, TraceProxy proxy, int number)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _signalCount) == 1)
        {
            lock (_appGate)
            {
                if (_appStarting)
                {
                    _signalWhileStarting = number;
                    return;
                }
            }

            if (_app is { } app && !_appExited && PassOn(app, number))
            {
                return;
            }
        }

        _signal = number;
        proxy.Loop.Wake();
    }

    private static bool PassOn(Process app, int signal)
    {
        try
        {
            return UnixProcess.Signal(app.Id, signal);
        }
        catch (WaylandIOException)
        {
            return false; // not ours to signal (EPERM): stop instead
        }
    }
}
