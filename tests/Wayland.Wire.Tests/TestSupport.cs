using System.Diagnostics;
using System.Globalization;
using Wayland.Interop;

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
        ProcessStartInfo info = new(file, arguments);
        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return Wayland.Testing.ProcessRunner.Run(info, TimeSpan.FromMilliseconds(timeoutMs));
    }

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

/// <summary>Asserts, on dispose, that no descriptor was opened and left open since it was created.</summary>
internal sealed class FdLeakCheck : IDisposable
{
    // Identity, not count: a descriptor closed meanwhile by someone else must not hide one this test leaked.
    private readonly Wayland.Testing.OpenFds.Snapshot _before = Wayland.Testing.OpenFds.Take();

    public void Dispose() => Wayland.Testing.OpenFds.AssertUnchanged(_before);
}
