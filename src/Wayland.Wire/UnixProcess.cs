using Wayland.Interop;

namespace Wayland.Wire;

/// <summary>Process helpers .NET lacks on Unix.</summary>
public static class UnixProcess
{
    /// <summary>ESRCH: no such process.</summary>
    private const int NoSuchProcess = 3;

    /// <summary>
    /// Sends signal <paramref name="signal"/> (Linux's number: 2 for SIGINT, 15 for SIGTERM) to process
    /// <paramref name="processId"/> (<c>kill</c>): for a program that runs another one and passes a signal on to it,
    /// which <see cref="System.Diagnostics.Process.Kill()"/> (SIGKILL only) cannot.
    /// </summary>
    /// <returns>False when there is no such process (ESRCH).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="processId"/> is 0 or less (which would signal a
    /// process group, or every process).</exception>
    /// <exception cref="WaylandIOException">kill failed otherwise (EPERM, EINVAL).</exception>
    public static bool Signal(int processId, int signal)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(processId);
        LinuxOnly.Check();
        if (LibC.Kill(processId, signal) == 0)
        {
            return true;
        }

        int errno = Errno.Last;
        return errno == NoSuchProcess ? false : throw new WaylandIOException(errno, "kill");
    }
}
