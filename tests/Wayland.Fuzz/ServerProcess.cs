using System.Diagnostics;
using System.Globalization;
using Wayland.Testing;

namespace Wayland.Fuzz;

/// <summary>
/// The server under test, in a child process of its own so that a crash (stack overflow, abort, segfault) ends only it
/// and is seen: wl-headless, this program's bare Wayland.Server host, or weston's headless backend. Its stderr is
/// drained into a bounded tail (for the crash report) and its lines are counted.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private const int TailLines = 120;
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private long _lines;

    private ServerProcess(Process process, string socketPath)
    {
        _process = process;
        SocketPath = socketPath;
        _process.ErrorDataReceived += (_, e) => Collect(e.Data);
        _process.OutputDataReceived += (_, e) => Collect(e.Data);
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    internal string SocketPath { get; }

    internal int Pid => _process.Id;

    internal bool HasExited => _process.HasExited;

    /// <summary>Lines the server printed (protocol errors, log lines).</summary>
    /// <remarks>The tail leaves out wl-headless's line per protocol error and per failed client.</remarks>
    internal long Lines => Interlocked.Read(ref _lines);

    /// <summary>How the process ended: its exit status (134 is an abort, 139 a segfault), or "running".</summary>
    internal string ExitDescription => _process.HasExited
        ? string.Create(CultureInfo.InvariantCulture, $"exit {_process.ExitCode}{(_process.ExitCode > 128 ? $" (signal {_process.ExitCode - 128})" : "")}")
        : "running";

    internal string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join(Environment.NewLine, _tail);
            }
        }
    }

    internal static ServerProcess Start(string target, RuntimeDirectory runtime)
    {
        const string socketName = "wayland-fuzz";
        string socketPath = Path.Combine(runtime.Path, socketName);
        ProcessStartInfo info = target switch
        {
            "compositor" => Dotnet(WlHeadlessPath, "--socket", socketName),
            "bare" => Dotnet(typeof(ServerProcess).Assembly.Location, "--serve-bare", socketName),
            "weston" => new ProcessStartInfo("weston") { ArgumentList = { "--backend=headless-backend.so", $"--socket={socketName}", "--idle-time=0" } },
            _ => throw new ArgumentException($"unknown target '{target}'", nameof(target)),
        };
        info.RedirectStandardError = true;
        info.RedirectStandardOutput = true;
        info.UseShellExecute = false;
        runtime.Apply(info);
        Process process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {info.FileName}");
        ServerProcess server = new(process, socketPath);
        Stopwatch clock = Stopwatch.StartNew();
        while (!File.Exists(socketPath))
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                string tail = server.Tail;
                server.Dispose();
                throw new InvalidOperationException($"{target} did not create {socketPath} ({server.ExitDescription}): {tail}");
            }

            Thread.Sleep(20);
        }

        return server;
    }

    /// <summary>The built wl-headless of this program's configuration (…/bin/&lt;Configuration&gt;/net10.0/).</summary>
    private static string WlHeadlessPath
    {
        get
        {
            string configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
            string path = Path.Combine(NativePeers.RepositoryRoot, "tools", "Wayland.Compositor.Cli", "bin", configuration, "net10.0", "wl-headless.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException($"build tools/Wayland.Compositor.Cli ({configuration}) first", path);
        }
    }

    private static ProcessStartInfo Dotnet(string assembly, params string[] arguments)
    {
        ProcessStartInfo info = new("dotnet") { ArgumentList = { assembly } };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>The server's open descriptors: total, and those a client can cause (sockets, shm files, memfds, anonymous inodes).</summary>
    internal (int Total, int ClientCaused, List<string> Targets) Descriptors()
    {
        List<string> targets = [];
        foreach (string entry in Directory.EnumerateFileSystemEntries($"/proc/{Pid}/fd"))
        {
            try
            {
                targets.Add(new FileInfo(entry).LinkTarget ?? "?");
            }
            catch (IOException)
            {
                // closed meanwhile
            }
        }

        int clientCaused = targets.Count(IsClientCaused);
        targets.Sort(StringComparer.Ordinal);
        return (targets.Count, clientCaused, targets);
    }

    /// <remarks>The .NET runtime's own "/memfd:doublemapper" (executable memory for the JIT) does not count.</remarks>
    internal static bool IsClientCaused(string target) =>
        target.StartsWith("socket:", StringComparison.Ordinal) || target.StartsWith("/dev/shm/", StringComparison.Ordinal)
        || (target.StartsWith("/memfd:", StringComparison.Ordinal) && !target.StartsWith("/memfd:doublemapper", StringComparison.Ordinal))
        || target.StartsWith("pipe:", StringComparison.Ordinal);

    /// <summary>Resident set size in KiB (VmRSS).</summary>
    internal long RssKib()
    {
        foreach (string line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private void Collect(string? line)
    {
        if (line is null)
        {
            return;
        }

        Interlocked.Increment(ref _lines);
        if (line.Contains("protocol error", StringComparison.Ordinal) || line.Contains("error in client communication", StringComparison.Ordinal))
        {
            return; // the expected answers to hostile clients: counted, kept out of the crash report
        }

        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > TailLines)
            {
                _tail.Dequeue();
            }
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
