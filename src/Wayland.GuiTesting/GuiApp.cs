using System.Diagnostics;
using System.Text;

namespace Wayland.GuiTesting;

/// <summary>
/// An app started by <see cref="GuiSession.LaunchAsync"/>: its process, and its standard output and error as they
/// arrive. Disposing (or disposing the session) ends its whole process tree; the output stays readable afterwards.
/// </summary>
public sealed class GuiApp : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private int _disposed;
    private int? _exitCode;

    internal GuiApp(ProcessStartInfo info)
    {
        FileName = info.FileName;
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(_output, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_error, e.Data);
        try
        {
            if (!_process.Start())
            {
                throw new InvalidOperationException($"{info.FileName} did not start");
            }
        }
        catch
        {
            _process.Dispose();
            throw;
        }

        Id = _process.Id;
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The program that was started.</summary>
    public string FileName { get; }

    /// <summary>The process id (the root of the app's process tree).</summary>
    public int Id { get; }

    /// <summary>Whether the process has exited (always true once disposed).</summary>
    public bool HasExited => _disposed != 0 || _process.HasExited;

    /// <summary>The exit code once the process has exited (137 style codes when it was killed).</summary>
    /// <exception cref="InvalidOperationException">The process is still running, or its exit was never seen.</exception>
    public int ExitCode => _exitCode ?? _process.ExitCode;

    /// <summary>Everything the app wrote to standard output so far.</summary>
    public string StandardOutput
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Everything the app wrote to standard error so far.</summary>
    public string StandardError
    {
        get
        {
            lock (_error)
            {
                return _error.ToString();
            }
        }
    }

    /// <summary>Waits for the process to exit on its own.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken = default) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Writes <paramref name="text"/> to the app's standard input and closes it.</summary>
    internal async Task WriteInputAndCloseAsync(string text, CancellationToken cancellationToken)
    {
        StreamWriter input = _process.StandardInput;
        try
        {
            await input.WriteAsync(text.AsMemory(), cancellationToken).ConfigureAwait(false);
            await input.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The app exited before reading: its exit code and error output tell why.
        }
        finally
        {
            input.Close();
        }
    }

    /// <summary>Ends the app's whole process tree and waits until its output is read to the end.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            // A grandchild that escaped the kill could hold the pipes open: do not wait on it for ever.
            if (_process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                _process.WaitForExit();
                _exitCode = _process.ExitCode;
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped: nothing left to end.
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Path.GetFileName(FileName)} (pid {Id})";

    private static void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (target)
        {
            target.Append(line).Append('\n');
        }
    }
}
