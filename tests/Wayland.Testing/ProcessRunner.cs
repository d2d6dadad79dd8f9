using System.Diagnostics;
using System.Text;

namespace Wayland.Testing;

/// <summary>Runs a program to completion with a time limit, capturing stdout and stderr.</summary>
public static class ProcessRunner
{
    /// <summary>
    /// How long to keep reading output after the process has exited. A descendant that inherited the pipes
    /// (a compiler server started by a nested <c>dotnet publish</c>, a daemonised helper) can hold them open
    /// forever; waiting for end-of-file alone would hang the test.
    /// </summary>
    private static readonly TimeSpan DrainAfterExit = TimeSpan.FromSeconds(5);

    public static (int ExitCode, string Stdout, string Stderr) Run(ProcessStartInfo info, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {info.FileName}");
        OutputPump stdout = new(process.StandardOutput);
        OutputPump stderr = new(process.StandardError);
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(TimeSpan.FromSeconds(10));
            stdout.Wait(DrainAfterExit);
            stderr.Wait(DrainAfterExit);
            throw new TimeoutException($"{info.FileName} did not finish within {timeout}:\n{stdout.Text}\n{stderr.Text}");
        }

        stdout.Wait(DrainAfterExit);
        stderr.Wait(DrainAfterExit);
        return (process.ExitCode, stdout.Text, stderr.Text);
    }

    /// <summary>Copies a stream into a buffer as it arrives, so a partial read is available at any time.</summary>
    private sealed class OutputPump
    {
        private readonly StringBuilder _text = new();
        private readonly Task _task;

        public OutputPump(StreamReader reader)
        {
            _task = Task.Run(async () =>
            {
                char[] chunk = new char[4096];
                int read;
                while ((read = await reader.ReadAsync(chunk).ConfigureAwait(false)) > 0)
                {
                    lock (_text)
                    {
                        _text.Append(chunk, 0, read);
                    }
                }
            });
        }

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public void Wait(TimeSpan limit)
        {
            try
            {
                _task.Wait(limit);
            }
            catch (AggregateException)
            {
                // The pipe broke; whatever arrived before is still in the buffer.
            }
        }
    }
}
