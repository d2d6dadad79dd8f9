using System.Diagnostics;
using Wayland.Testing;

namespace Wayland.Server.Tests;

/// <summary>
/// <c>tests/native/test-server --differential</c> in a private runtime directory: libwayland-server offering
/// <c>wlt_peer</c>, libwayland's own <c>wl_shm</c> and a <c>wl_output</c>, the globals <see cref="DifferentialTests"/>
/// gives the C# server too.
/// </summary>
internal sealed class DifferentialNativeServer : IDisposable
{
    private readonly RuntimeDirectory _runtime = RuntimeDirectory.Create("native-differential");
    private readonly Process _process;

    internal DifferentialNativeServer()
    {
        SocketPath = Path.Combine(_runtime.Path, "wayland-native");
        ProcessStartInfo info = new(NativePeers.Path("test-server"), ["--socket", SocketPath, "--differential"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _runtime.Apply(info);
        try
        {
            _process = Process.Start(info) ?? throw new InvalidOperationException("test-server did not start");
        }
        catch
        {
            _runtime.Dispose();
            throw;
        }

        // libwayland logs the errors it posts on stderr; nobody needs them, but the pipe must not fill up.
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        Task<string?> ready = _process.StandardOutput.ReadLineAsync();
        if (!ready.Wait(TimeSpan.FromSeconds(20)) || ready.Result != "ready")
        {
            Dispose();
            throw new InvalidOperationException("test-server --differential did not print 'ready'");
        }
    }

    /// <summary>The listening socket's absolute path.</summary>
    internal string SocketPath { get; }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.WaitForExit();
        }
        finally
        {
            _process.Dispose();
            _runtime.Dispose();
        }
    }
}
