using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Wayland.Server.Diagnostics;

/// <summary>
/// Rate-limits the log messages clients cause: at most <see cref="LogRateLimit.Messages"/> per client process (keyed by
/// its pid, so a client that reconnects after every error shares one budget) in each interval; the rest are counted and
/// reported in one summary message when the interval ends. Messages the display causes itself (accept failures) share
/// one more budget. Event-loop thread only.
/// </summary>
internal sealed class ClientLogLimiter
{
    /// <summary>The key of messages no client caused.</summary>
    public const int DisplayKey = -1;

    /// <summary>Past this many keys, ended intervals are forgotten before a new key is added (memory stays bounded).</summary>
    private const int PruneThreshold = 64;

    private readonly Display _display;
    private readonly ILogger _logger;
    private readonly Dictionary<int, Window> _windows = [];
    private readonly List<int> _expired = [];
    private LogRateLimit _limit = LogRateLimit.Default;
    private TimerEventSource? _timer;

    public ClientLogLimiter(Display display, ILogger logger)
    {
        _display = display;
        _logger = logger;
    }

    public LogRateLimit Limit
    {
        get => _limit;
        set => _limit = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Whether a message at <paramref name="level"/> caused by <paramref name="key"/> (a pid, or
    /// <see cref="DisplayKey"/>) may be written now; false when the level is off or the budget is spent.</summary>
    public bool Allow(LogLevel level, int key)
    {
        if (!_logger.IsEnabled(level))
        {
            return false;
        }

        long now = Stopwatch.GetTimestamp();
        long interval = IntervalTicks;
        if (!_windows.TryGetValue(key, out Window? window))
        {
            if (_windows.Count >= PruneThreshold)
            {
                Prune(now);
            }

            window = new Window { Start = now };
            _windows[key] = window;
        }
        else if (now - window.Start >= interval)
        {
            Report(key, window);
            window.Start = now;
            window.Written = 0;
        }

        if (window.Written < _limit.Messages)
        {
            window.Written++;
            return true;
        }

        window.Suppressed++;
        ArmTimer(window.Start + interval - now);
        return false;
    }

    /// <summary>Writes the summaries still owed (the display is going away).</summary>
    public void Flush()
    {
        foreach ((int key, Window window) in _windows)
        {
            Report(key, window);
        }

        _windows.Clear();
        _timer?.Remove();
        _timer = null;
    }

    private long IntervalTicks => (long)(_limit.Interval.TotalSeconds * Stopwatch.Frequency);

    /// <summary>An interval with suppressed messages ended: write its summary and forget quiet keys.</summary>
    private void OnTimer()
    {
        long next = Prune(Stopwatch.GetTimestamp());
        if (next != long.MaxValue)
        {
            ArmTimer(next);
        }
    }

    /// <summary>Reports and forgets every key whose interval ended; returns the ticks until the next interval with
    /// suppressed messages ends (long.MaxValue when none).</summary>
    private long Prune(long now)
    {
        long interval = IntervalTicks;
        long next = long.MaxValue;
        foreach ((int key, Window window) in _windows)
        {
            long end = window.Start + interval;
            if (now >= end)
            {
                Report(key, window);
                _expired.Add(key);
            }
            else if (window.Suppressed > 0)
            {
                next = Math.Min(next, end - now);
            }
        }

        foreach (int key in _expired)
        {
            _windows.Remove(key);
        }

        _expired.Clear();
        return next;
    }

    private void ArmTimer(long ticks)
    {
        _timer ??= _display.Loop.AddTimer(OnTimer);
        if (!_timer.IsArmed)
        {
            _timer.Update((int)Math.Clamp((ticks * 1000 + Stopwatch.Frequency - 1) / Stopwatch.Frequency, 1, int.MaxValue));
        }
    }

    private void Report(int key, Window window)
    {
        if (window.Suppressed > 0)
        {
            string source = key == DisplayKey ? "the display" : $"client (pid {key})";
            ServerLog.Suppressed(_logger, window.Suppressed, source, _limit.Messages, _limit.Interval.TotalSeconds);
            window.Suppressed = 0;
        }
    }

    private sealed class Window
    {
        public long Start;
        public int Written;
        public long Suppressed;
    }
}
