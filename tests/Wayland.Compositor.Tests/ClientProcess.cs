using System.Diagnostics;
using System.Text;

namespace Wayland.Compositor.Tests;

/// <summary>
/// A client program started by a test, its output collected as it arrives. Disposing kills it (with the
/// processes it started itself, such as a terminal's shell) if it still runs, and closes its pipes.
/// </summary>
internal sealed class ClientProcess : IDisposable
{
    /// <summary>Lines of output kept for failure messages (the tail; WAYLAND_DEBUG logs are long).</summary>
    private const int TailCharacters = 6000;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _stdout;
    private readonly Task _stderr;
    private readonly int _pid;
    private bool _disposed;

    private ClientProcess(Process process, string name)
    {
        _process = process;
        _pid = process.Id;
        Name = name;
        _stdout = Pump(process.StandardOutput);
        _stderr = Pump(process.StandardError);
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything it printed on stdout and stderr so far, interleaved as it arrived.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The end of <see cref="Output"/>, for assertion messages.</summary>
    public string OutputTail
    {
        get
        {
            string text = Output;
            return text.Length <= TailCharacters ? text : "…" + text[^TailCharacters..];
        }
    }

    /// <summary>Starts <paramref name="info"/> with its output redirected.</summary>
    public static ClientProcess Start(ProcessStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = false;
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {info.FileName}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run {info.FileName}; scripts/install-deps.sh installs the test programs", e);
        }

        return new ClientProcess(process, Path.GetFileName(info.FileName));
    }

    /// <summary>After the process has exited: waits until all it printed has been collected into <see cref="Output"/>.</summary>
    public void WaitForOutput()
    {
        _process.WaitForExit();
        Task.WaitAll([_stdout, _stderr], TimeSpan.FromSeconds(5));
    }

    /// <summary>Sends SIGKILL to this process only (not to anything it started).</summary>
    public void KillNow()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        _process.WaitForExit();
    }

    /// <summary>A description for failure messages: name, pid, state and the tail of its output.</summary>
    public string Describe() => _disposed
        ? $"{Name} (pid {_pid}, done) said:\n{OutputTail}"
        : $"{Name} (pid {_pid}, {(_process.HasExited ? $"exited with {_process.ExitCode}" : "running")}) said:\n{OutputTail}";

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                // This process and its descendants only (weston-terminal's shell, foot's shell).
                _process.Kill(entireProcessTree: true);
            }

            _process.WaitForExit();
            Task.WaitAll([_stdout, _stderr], TimeSpan.FromSeconds(5));
        }
        finally
        {
            // Process.Dispose leaves redirected streams to the finalizer; the descriptor checks want them closed now.
            _process.StandardOutput.Dispose();
            _process.StandardError.Dispose();
            _process.Dispose();
        }
    }

    private Task Pump(StreamReader reader) => Task.Run(async () =>
    {
        char[] chunk = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(chunk).ConfigureAwait(false)) > 0)
            {
                lock (_output)
                {
                    _output.Append(chunk, 0, read);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pipe was closed under us at dispose; what arrived is kept.
        }
    });
}
