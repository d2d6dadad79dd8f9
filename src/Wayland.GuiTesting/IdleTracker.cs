using System.Globalization;
using Wayland.Compositor;

namespace Wayland.GuiTesting;

/// <summary>
/// Decides, one poll at a time, when a window has been quiet in the sense of an <see cref="IdleCondition"/> for its
/// <see cref="IdleCondition.Quiet"/> time. With <see cref="IdleMeasure.Pixels"/> only captures at most
/// <see cref="MaxGap"/> apart count: between two captures taken further apart (the poller was starved on a loaded
/// machine) the window may have changed and changed back, as a blinking cursor does, so the quiet time starts over.
/// </summary>
internal sealed class IdleTracker
{
    /// <summary>The longest gap between captures that still counts as quiet, whatever the poll interval: 100 ms.</summary>
    public static readonly TimeSpan MinMaxGap = TimeSpan.FromMilliseconds(100);

    private readonly IdleCondition _condition;
    private Image? _previous;
    private long _commits = -1;
    private TimeSpan _since;
    private TimeSpan _last = TimeSpan.MinValue;
    private int _gaps;

    /// <param name="condition">What counts as quiet, and for how long.</param>
    /// <param name="pollInterval">How far apart the captures are meant to come.</param>
    public IdleTracker(IdleCondition condition, TimeSpan pollInterval)
    {
        _condition = condition;
        MaxGap = pollInterval * 3 > MinMaxGap ? pollInterval * 3 : MinMaxGap;
    }

    /// <summary>The longest time between two captures across which the window still counts as quiet: three poll
    /// intervals, at least <see cref="MinMaxGap"/>. A change that lasts longer than that is never missed.</summary>
    public TimeSpan MaxGap { get; }

    /// <summary>Takes one poll's capture of the window (null when it is gone) and the compositor's commit count, at
    /// <paramref name="at"/> on the session's clock; returns the capture once the window counts as idle.</summary>
    public Image? Observe(Image? now, long commits, TimeSpan at)
    {
        bool same = _condition.Measure == IdleMeasure.Commits
            ? commits == _commits && now is not null
            : now is not null && _previous is not null && _condition.Same(now, _previous);
        if (same && _condition.Measure == IdleMeasure.Pixels && at - _last > MaxGap)
        {
            // The commit count misses nothing however far apart it is read; captures do.
            same = false;
            _gaps++;
        }

        _last = at;
        if (!same)
        {
            _previous = now;
            _commits = commits;
            _since = at;
            return null;
        }

        return at - _since >= _condition.Quiet ? now : null;
    }

    /// <summary>What a timeout message should add: why quiet time started over, when captures came too far apart.</summary>
    public string Describe() => _gaps == 0
        ? ""
        : string.Create(CultureInfo.InvariantCulture,
            $" (captures came more than {MaxGap.TotalMilliseconds:0} ms apart {_gaps} time{(_gaps == 1 ? "" : "s")}, and quiet time starts over after such a gap: the machine may be overloaded)");
}
