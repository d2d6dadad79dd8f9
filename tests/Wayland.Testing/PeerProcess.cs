using System.Diagnostics;

namespace Wayland.Testing;

/// <summary>Ends a peer process that a test started (a server, weston) and frees what it held.</summary>
public static class PeerProcess
{
    /// <summary>
    /// How long a peer may take to go away after SIGKILL, and to close the output pipes a test reads with
    /// <see cref="Process.BeginOutputReadLine"/>. A killed process is reaped in milliseconds; the bound only keeps
    /// a process stuck in the kernel, or a descendant holding the pipes, from hanging the test run.
    /// </summary>
    public static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Kills <paramref name="process"/> alone (not its children or group) unless it has exited already, waits
    /// until it has exited and its redirected output has been read to the end, and disposes it. After it returns,
    /// no output handler of the process runs any more, so what they write into can be disposed.
    /// </summary>
    /// <exception cref="TimeoutException">The process or its output did not end within <see cref="StopLimit"/>;
    /// the process is disposed all the same.</exception>
    public static void Stop(Process process)
    {
        ArgumentNullException.ThrowIfNull(process);
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            // WaitForExit(timeout) does not wait for the asynchronous output readers; WaitForExitAsync does, and
            // can be bounded.
            using CancellationTokenSource limit = new(StopLimit);
            try
            {
                process.WaitForExitAsync(limit.Token).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"{process.StartInfo.FileName} (pid {process.Id}) or its output did not end within {StopLimit} after SIGKILL");
            }
        }
        finally
        {
            process.Dispose();
        }
    }
}
