using System.Diagnostics;

namespace Wayland.Demo;

/// <summary>Runs Debian's weston with its headless backend in a private XDG_RUNTIME_DIR.</summary>
internal sealed class HeadlessWeston : IDisposable
{
    private readonly Process _process;

    private HeadlessWeston(Process process, string runtimeDirectory, string socketPath)
    {
        _process = process;
        RuntimeDirectory = runtimeDirectory;
        SocketPath = socketPath;
    }

    internal string RuntimeDirectory { get; }

    internal string SocketPath { get; }

    internal static HeadlessWeston Start(TimeSpan timeout)
    {
        string runtime = Directory.CreateTempSubdirectory("wayland-demo-").FullName;
        File.SetUnixFileMode(runtime, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        const string name = "wayland-demo";
        ProcessStartInfo info = new("weston")
        {
            ArgumentList = { "--backend=headless-backend.so", $"--socket={name}", "--idle-time=0" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["XDG_RUNTIME_DIR"] = runtime;
        info.Environment.Remove("WAYLAND_DISPLAY");
        info.Environment.Remove("WAYLAND_SOCKET");
        info.Environment.Remove("WAYLAND_DEBUG");
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("weston did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Directory.Delete(runtime, recursive: true);
            throw new InvalidOperationException("cannot run weston; install Debian's 'weston' package (scripts/demo.sh does)", e);
        }

        process.OutputDataReceived += (_, _) => { };
        System.Text.StringBuilder log = new();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (log)
            {
                log.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        string socket = Path.Combine(runtime, name);
        Stopwatch clock = Stopwatch.StartNew();
        while (!File.Exists(socket))
        {
            if (process.HasExited || clock.Elapsed > timeout)
            {
                if (!process.HasExited)
                {
                    process.Kill();
                }

                process.WaitForExit();
                Directory.Delete(runtime, recursive: true);
                lock (log)
                {
                    throw new InvalidOperationException($"weston did not create {socket}:\n{log}");
                }
            }

            Thread.Sleep(20);
        }

        return new HeadlessWeston(process, runtime, socket);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.WaitForExit();
        _process.Dispose();
        Directory.Delete(RuntimeDirectory, recursive: true);
    }
}
