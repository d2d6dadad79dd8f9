using System.Diagnostics;
using System.Globalization;
using Wayland.Wire.Interop;

namespace Wayland.Wire.Tests;

/// <summary>Shared helpers: repository paths, native peers, descriptor counting.</summary>
internal static class TestSupport
{
    /// <summary>Path of a native test peer (built on first use).</summary>
    internal static string NativePeer(string name) => Wayland.Testing.NativePeers.Path(name);

    internal static (int ExitCode, string Output) Run(string file, string arguments, int timeoutMs = 120_000)
    {
        (int exit, string stdout, string stderr) = RunSeparately(file, arguments, timeoutMs);
        return (exit, stdout + stderr);
    }

    internal static (int ExitCode, string Stdout, string Stderr) RunSeparately(string file, string arguments, int timeoutMs = 120_000,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        ProcessStartInfo info = new(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutMs))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {arguments} did not finish in {timeoutMs} ms");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Number of open descriptors of this process.</summary>
    internal static int OpenFdCount() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>Device and inode of a descriptor, to prove two descriptors name the same file.</summary>
    internal static (ulong Device, ulong Inode) Identity(int fd)
    {
        int result = FileOps.Identity(fd, out ulong device, out ulong inode, out _, out int errno);
        Assert.True(result == 0, $"statx({fd}) failed: errno {errno}");
        return (device, inode);
    }

    internal static byte[] FromHex(string hex) => Convert.FromHexString(hex);

    internal static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes).ToLower(CultureInfo.InvariantCulture);
}

/// <summary>Asserts, on dispose, that the process has as many open descriptors as when it was created.</summary>
internal sealed class FdLeakCheck : IDisposable
{
    private readonly int _before;

    internal FdLeakCheck()
    {
        Settle();
        _before = TestSupport.OpenFdCount();
    }

    public void Dispose()
    {
        Settle();
        int after = TestSupport.OpenFdCount();
        Assert.True(after == _before, $"descriptor leak: {_before} open before the test, {after} after");
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
