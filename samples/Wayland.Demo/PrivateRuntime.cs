using System.Diagnostics;
using Wayland.Wire;

namespace Wayland.Demo;

/// <summary>
/// A private directory (mode 0700, as XDG_RUNTIME_DIR must be) for the demo's sockets, so the demo never
/// takes a name in your session's runtime directory. Disposing stops weston if the demo started one there,
/// and removes the directory.
/// </summary>
internal sealed class PrivateRuntime : IDisposable
{
    private Process? _weston;

    private PrivateRuntime(string path) => Path = path;

    /// <summary>The directory.</summary>
    public string Path { get; }

    public static PrivateRuntime Create()
    {
        DirectoryInfo directory = Directory.CreateTempSubdirectory("wayland-demo-");
        directory.UnixFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        return new PrivateRuntime(directory.FullName);
    }

    /// <summary>
    /// Starts Debian's weston on its headless backend with this directory as its XDG_RUNTIME_DIR, and returns
    /// its socket path once weston accepts connections. Its log goes to weston.log here, not to the console.
    /// </summary>
    public string StartWeston()
    {
        const string socketName = "wayland-demo";
        string log = System.IO.Path.Combine(Path, "weston.log");
        ProcessStartInfo info = new("weston") { UseShellExecute = false };
        foreach (string argument in (string[])["--backend=headless-backend.so", $"--socket={socketName}", "--idle-time=0", $"--log={log}"])
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["XDG_RUNTIME_DIR"] = Path;
        foreach (string inherited in (string[])["WAYLAND_DISPLAY", "WAYLAND_SOCKET", "WAYLAND_DEBUG"])
        {
            info.Environment.Remove(inherited);
        }

        try
        {
            _weston = Process.Start(info) ?? throw new IOException("weston did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new IOException("cannot run weston; install Debian's 'weston' package (scripts/install-deps.sh does)", e);
        }

        // The socket file appears at bind(), a moment before listen(): ready means a connection is accepted.
        string socket = System.IO.Path.Combine(Path, socketName);
        Stopwatch clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                UnixSocket.Connect(socket).Dispose();
                return socket;
            }
            catch (WaylandIOException) when (!_weston.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(20);
            }
            catch (WaylandIOException e)
            {
                string output = File.Exists(log) ? File.ReadAllText(log) : "(no log)";
                throw new IOException($"weston did not listen on {socket}:\n{output}", e);
            }
        }
    }

    public void Dispose()
    {
        if (_weston is { } weston)
        {
            if (!weston.HasExited)
            {
                weston.Kill();
            }

            weston.WaitForExit();
            weston.Dispose();
        }

        Directory.Delete(Path, recursive: true);
    }
}
