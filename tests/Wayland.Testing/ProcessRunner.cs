using System.Diagnostics;

namespace Wayland.Testing;

/// <summary>Runs a program to completion with a time limit, capturing stdout and stderr.</summary>
public static class ProcessRunner
{
    public static (int ExitCode, string Stdout, string Stderr) Run(ProcessStartInfo info, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(info);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {info.FileName}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"{info.FileName} did not finish within {timeout}:\n{stdout.Result}\n{stderr.Result}");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
