using System.Diagnostics;
using System.Text;

namespace Wayland.Testing;

/// <summary>
/// Debian's weston with its headless backend, in a private XDG_RUNTIME_DIR of its own. Disposing kills
/// only this process and removes the directory.
/// </summary>
public sealed class HeadlessWeston : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log;

    private HeadlessWeston(Process process, StringBuilder log, RuntimeDirectory runtime, string socketName)
    {
        _process = process;
        _log = log;
        Runtime = runtime;
        SocketName = socketName;
    }

    /// <summary>The private XDG_RUNTIME_DIR.</summary>
    public RuntimeDirectory Runtime { get; }

    /// <summary>The socket name (WAYLAND_DISPLAY).</summary>
    public string SocketName { get; }

    /// <summary>The socket path.</summary>
    public string SocketPath => Path.Combine(Runtime.Path, SocketName);

    /// <summary>What weston printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts weston and waits for its socket.</summary>
    /// <param name="extraArguments">More weston arguments (for example <c>--width=320</c>).</param>
    public static HeadlessWeston Start(params string[] extraArguments)
    {
        RuntimeDirectory runtime = RuntimeDirectory.Create("weston");
        const string name = "wayland-test";
        ProcessStartInfo info = new("weston")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--backend=headless-backend.so");
        info.ArgumentList.Add($"--socket={name}");
        info.ArgumentList.Add("--idle-time=0");
        foreach (string argument in extraArguments)
        {
            info.ArgumentList.Add(argument);
        }

        runtime.Apply(info);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("weston did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            runtime.Dispose();
            throw new InvalidOperationException("cannot run weston; install Debian's 'weston' package (scripts/install-deps.sh does)", e);
        }

        StringBuilder log = new();
        DataReceivedEventHandler collect = (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        HeadlessWeston weston = new(process, log, runtime, name);
        Stopwatch clock = Stopwatch.StartNew();
        // The socket file appears at bind(), a moment before listen(): a client connecting in between is refused.
        // Ready means a connection is accepted (this probe connects and hangs up at once).
        while (!Accepts(weston.SocketPath))
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                string output = weston.Log;
                weston.Dispose();
                throw new InvalidOperationException($"weston did not listen on {weston.SocketPath}:\n{output}");
            }

            Thread.Sleep(20);
        }

        return weston;
    }

    private static bool Accepts(string socketPath)
    {
        if (!File.Exists(socketPath))
        {
            return false;
        }

        using System.Net.Sockets.Socket probe = new(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        try
        {
            probe.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(socketPath));
            return true;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    /// <summary>Environment for a client of this weston (XDG_RUNTIME_DIR and WAYLAND_DISPLAY).</summary>
    public void ApplyClientEnvironment(ProcessStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        Runtime.Apply(info);
        info.Environment["WAYLAND_DISPLAY"] = SocketName;
    }

    public void Dispose()
    {
        try
        {
            PeerProcess.Stop(_process);
        }
        finally
        {
            Runtime.Dispose();
        }
    }
}
