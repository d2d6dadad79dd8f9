using System.Diagnostics;
using System.Globalization;

namespace Wayland.Matrix;

/// <summary>A server process the driver started: waits for its "ready" line; disposing closes its stdin
/// (our server exits on that) and kills it if it is still there.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string socket)
    {
        _process = process;
        Socket = socket;
    }

    public string Socket { get; }

    /// <summary>Starts <paramref name="command"/> with the socket path appended.</summary>
    public static ServerProcess Start(string[] command, string socket)
    {
        ProcessStartInfo info = new(command[0], [.. command[1..], socket])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        info.Environment.Remove("WAYLAND_DEBUG");
        Process process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {command[0]}");
        ServerProcess server = new(process, socket);
        Task<string?> line = process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromMinutes(2)) || line.Result != "ready")
        {
            server.Dispose();
            throw new InvalidOperationException($"{string.Join(' ', command)} did not become ready");
        }

        return server;
    }

    /// <summary>Resident set size in KiB (VmRSS).</summary>
    public long ResidentKiB()
    {
        string line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(2)))
            {
                _process.Kill();
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            _process.Dispose();
        }
    }
}
