using System.Diagnostics;

namespace Wayland.Testing;

/// <summary>tests/native/test-server (a libwayland-server program offering wlt_peer) in a private runtime directory.</summary>
public sealed class NativeTestServer : IDisposable
{
    private readonly Process _process;

    private NativeTestServer(Process process, RuntimeDirectory? runtime, string? socketPath)
    {
        _process = process;
        Runtime = runtime;
        SocketPath = socketPath;
    }

    public RuntimeDirectory? Runtime { get; }

    /// <summary>The listening socket (null when serving one inherited connection).</summary>
    public string? SocketPath { get; }

    /// <summary>Starts the server on a socket of its own and waits until it is listening.</summary>
    /// <param name="extraArguments">More options, for example <c>--differential</c> (libwayland's wl_shm and a
    /// wl_output as well, see tests/native/README.md).</param>
    public static NativeTestServer Start(params string[] extraArguments)
    {
        RuntimeDirectory runtime = RuntimeDirectory.Create("native-server");
        string socket = System.IO.Path.Combine(runtime.Path, "wayland-native");
        ProcessStartInfo info = new(NativePeers.Path("test-server"), ["--socket", socket, .. extraArguments]);
        return Launch(info, runtime, socket);
    }

    /// <summary>Starts the server on one connection whose other end we keep (the WAYLAND_SOCKET case);
    /// <paramref name="inheritedFd"/> must not be close-on-exec.</summary>
    public static NativeTestServer StartOnFd(int inheritedFd)
    {
        ProcessStartInfo info = new(NativePeers.Path("test-server"),
            ["--wayland-socket-fd", inheritedFd.ToString(System.Globalization.CultureInfo.InvariantCulture), "--exit-after-client"]);
        return Launch(info, null, null);
    }

    private static NativeTestServer Launch(ProcessStartInfo info, RuntimeDirectory? runtime, string? socket)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        info.Environment.Remove("WAYLAND_DEBUG");
        Process process = Process.Start(info) ?? throw new InvalidOperationException("test-server did not start");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        Task<string?> ready = process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(20)) || ready.Result != "ready")
        {
            try
            {
                PeerProcess.Stop(process);
            }
            finally
            {
                runtime?.Dispose();
            }

            throw new InvalidOperationException($"test-server did not become ready (said '{(ready.IsCompleted ? ready.Result : "nothing")}')");
        }

        return new NativeTestServer(process, runtime, socket);
    }

    /// <summary>Waits for the server to exit by itself (with --exit-after-client); returns its exit code.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            throw new TimeoutException("test-server did not exit");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            PeerProcess.Stop(_process);
        }
        finally
        {
            Runtime?.Dispose();
        }
    }
}
