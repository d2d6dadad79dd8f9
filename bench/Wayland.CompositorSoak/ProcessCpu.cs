using System.Globalization;

namespace Wayland.CompositorSoak;

/// <summary>CPU time (user + system) of another process, read from <c>/proc/&lt;pid&gt;/stat</c>.</summary>
internal static class ProcessCpu
{
    /// <summary>utime and stime count USER_HZ ticks, which Linux fixes at 100 per second for user space on every architecture.</summary>
    private const double TicksPerSecond = 100;

    /// <summary>The process's CPU time so far; zero once it is gone.</summary>
    public static TimeSpan Of(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }

        // "pid (comm) state ppid …": comm may hold spaces and parentheses, so fields are counted after the last ')'.
        // There, index 0 is field 3 (state); utime and stime are fields 14 and 15.
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
