using System.Diagnostics;
using Wayland.Wire;

namespace Wayland.Compositor.Cli;

/// <summary>The --exec command: <c>/bin/sh -c CMD</c> with the Wayland environment pointing at our compositor.</summary>
internal sealed class ClientProcess : IDisposable
{
    private readonly Process _process;

    private ClientProcess(Process process) => _process = process;

    /// <summary>Process id of the shell (or of the command, when the shell execs it).</summary>
    public int Id => _process.Id;

    /// <summary>Whether the command has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts <paramref name="command"/> with WAYLAND_DISPLAY set to <paramref name="display"/> (XDG_RUNTIME_DIR and the
    /// rest of the environment inherited, as are standard input, output and error).
    /// </summary>
    /// <param name="command">Shell command line.</param>
    /// <param name="display">Value for WAYLAND_DISPLAY.</param>
    /// <param name="socket">When not null, a connected socket whose number the child receives as WAYLAND_SOCKET.
    /// Close-on-exec is cleared on it just for the start; the caller still owns (and closes) it.</param>
    /// <param name="exited">Called once, on a thread-pool thread, when the command exits.</param>
    public static ClientProcess Start(string command, string display, SafeFdHandle? socket, Action exited)
    {
        ProcessStartInfo info = new("/bin/sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        info.Environment["WAYLAND_DISPLAY"] = display;
        info.Environment.Remove("WAYLAND_SOCKET");
        if (socket is not null)
        {
            info.Environment["WAYLAND_SOCKET"] = socket.Fd.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Process process = new() { StartInfo = info, EnableRaisingEvents = true };
        process.Exited += (_, _) => exited();
        try
        {
            // The runtime's fork/exec closes only close-on-exec descriptors, so the child inherits exactly this one
            // (our other descriptors are all opened close-on-exec). wl-headless starts no other process meanwhile.
            socket?.SetCloseOnExec(false);
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }
        finally
        {
            socket?.SetCloseOnExec(true);
        }

        return new ClientProcess(process);
    }

    /// <summary>The exit status once the command has exited: its code, or 128 + N when signal N killed it.</summary>
    public int WaitForExitCode()
    {
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Kills the command and everything it started (SIGKILL), and waits for it.</summary>
    public void Terminate()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }

        _process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    public void Dispose() => _process.Dispose();
}
