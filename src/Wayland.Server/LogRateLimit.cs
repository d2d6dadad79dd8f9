namespace Wayland.Server;

/// <summary>
/// How many log messages one client process may cause per interval (see <see cref="Display.ClientLogRateLimit"/>).
/// Past the limit its messages are counted, not written, and one summary message gives the count when the interval
/// ends, so a client that fails on purpose, over and over, cannot fill the compositor's log or disk.
/// </summary>
public sealed class LogRateLimit
{
    /// <summary>Allows <paramref name="messages"/> messages per client process every <paramref name="interval"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="messages"/> is below 1, or <paramref name="interval"/>
    /// is not more than zero or longer than a day.</exception>
    public LogRateLimit(int messages, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(messages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        // The interval drives a timer in milliseconds and Stopwatch arithmetic; a day keeps both far from overflow.
        ArgumentOutOfRangeException.ThrowIfGreaterThan(interval, TimeSpan.FromDays(1));
        Messages = messages;
        Interval = interval;
    }

    /// <summary>The default: 10 messages per client process every 10 seconds.</summary>
    public static LogRateLimit Default { get; } = new(10, TimeSpan.FromSeconds(10));

    /// <summary>Messages written per interval and client process.</summary>
    public int Messages { get; }

    /// <summary>Length of the interval.</summary>
    public TimeSpan Interval { get; }
}
