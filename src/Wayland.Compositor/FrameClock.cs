using System.Diagnostics;
using Wayland.Compositor.Diagnostics;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor;

/// <summary>
/// Refresh pacing: a timer that runs only while there is work, armed for the next refresh boundary; each refresh
/// repaints (through the callback it was made with) and then completes the frame callbacks and presentation feedback
/// queued by commits. It knows nothing of windows or surfaces.
/// </summary>
internal sealed class FrameClock
{
    private readonly Func<bool> _repaint;
    private readonly CompositorMetrics _metrics;
    private readonly TimerEventSource _timer;
    private readonly List<WlCallback> _frameCallbacks = [];
    private readonly List<WpPresentationFeedback> _feedbacks = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _nextFrame;
    private long _framesRendered;
    private long _frameCallbacksDone;
    private uint _frameSequence;

    /// <param name="loop">The loop whose timer paces refreshes.</param>
    /// <param name="refreshMilliHertz">The output's refresh rate.</param>
    /// <param name="metrics">Where frames and commit-to-present times are recorded.</param>
    /// <param name="repaint">Repaints the damage; false when there was none.</param>
    public FrameClock(EventLoop loop, int refreshMilliHertz, CompositorMetrics metrics, Func<bool> repaint)
    {
        Interval = TimeSpan.FromSeconds(1000.0 / refreshMilliHertz);
        _metrics = metrics;
        _repaint = repaint;
        _timer = loop.AddTimer(OnTimer);
    }

    /// <summary>Time between refreshes.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Refreshes that repainted damage so far (any thread).</summary>
    public long FramesRendered => Interlocked.Read(ref _framesRendered);

    /// <summary>wl_surface.frame callbacks completed so far (any thread).</summary>
    public long FrameCallbacksDone => Interlocked.Read(ref _frameCallbacksDone);

    /// <summary>Queues a commit's frame callbacks and presentation feedback for the next refresh.</summary>
    public void Queue(List<WlCallback> callbacks, List<WpPresentationFeedback> feedbacks)
    {
        if (callbacks.Count == 0 && feedbacks.Count == 0)
        {
            return;
        }

        _frameCallbacks.AddRange(callbacks);
        _feedbacks.AddRange(feedbacks);
        _metrics.Committed();
        Schedule();
    }

    /// <summary>Arms the refresh timer for the next refresh boundary (the timer only runs while there is work).</summary>
    public void Schedule()
    {
        if (_timer.IsArmed)
        {
            return;
        }

        TimeSpan now = _clock.Elapsed;
        if (_nextFrame < now)
        {
            // Idle for a while: the next refresh starts a new cadence from now.
            _nextFrame = now + Interval;
        }

        _timer.Update(Math.Max(1, (int)Math.Ceiling((_nextFrame - now).TotalMilliseconds)));
    }

    private void OnTimer()
    {
        _nextFrame += Interval;
        bool repainted = _repaint();
        if (repainted)
        {
            Interlocked.Increment(ref _framesRendered);
        }

        // Sending events and destroying resources never dispatches requests, so no commit can add to these lists
        // while they are completed here; the next commit schedules the next refresh.
        uint time = (uint)_clock.ElapsedMilliseconds;
        _frameSequence++;
        foreach (WlCallback callback in _frameCallbacks)
        {
            if (!callback.IsDestroyed)
            {
                callback.SendDone(time);
                callback.Destroy();
                Interlocked.Increment(ref _frameCallbacksDone);
            }
        }

        _frameCallbacks.Clear();
        foreach (WpPresentationFeedback feedback in _feedbacks)
        {
            Extensions.Presented(feedback, Interval, _frameSequence);
        }

        _feedbacks.Clear();
        _metrics.Presented(repainted);
    }
}
