using System.Diagnostics;
using System.Runtime.InteropServices;
using Wayland.Compositor.Diagnostics;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor;

/// <summary>
/// Refresh pacing: a timer that runs only while there is work, armed for the next refresh boundary; each refresh
/// repaints (through the callback it was made with) and then completes the frame callbacks and presentation feedback
/// queued by commits. It knows nothing of windows or surfaces.
/// </summary>
/// <remarks>
/// A refresh completes at most <see cref="MaxCompletionsPerTurn"/> callbacks and feedbacks of one client process at
/// once. The rest wait in order, and the loop completes that many of them per turn, serving everyone else in between:
/// with its object limit a process may queue about 100 000 on one commit, and completing them all in one go kept
/// every other client waiting for about 40 ms. They all carry the time of the refresh that presented them. What a
/// refresh does is bounded the same way: what waits is set aside a commit's run at a time, never one by one.
/// </remarks>
internal sealed class FrameClock
{
    /// <summary>Frame callbacks and presentation feedbacks one process gets completed in one turn of the loop.</summary>
    internal const int MaxCompletionsPerTurn = 1024;

    private readonly Func<bool> _repaint;
    private readonly CompositorMetrics _metrics;
    private readonly EventLoop _loop;
    private readonly TimerEventSource _timer;
    private readonly Action _continue;
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    // Queued for the next refresh: the resources in commit order, and runs of them (one process, one kind).
    private readonly List<Resource> _queued = [];
    private readonly List<Run> _queuedRuns = [];
    private readonly Dictionary<int, int> _completedThisRefresh = [];

    // Set aside for later turns: the resources in order from _lateStart, their runs (the first one completed up to
    // _lateRunDone), and how many runs each process has waiting.
    private readonly List<Resource> _late = [];
    private readonly Queue<Run> _lateRuns = new();
    private readonly Dictionary<int, int> _lateRunsPerProcess = [];
    private int _lateStart;
    private int _lateRunDone;
    private bool _continuing;

    private TimeSpan _nextFrame;
    private long _framesRendered;
    private long _frameCallbacksDone;
    private long _completedLate;
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
        _loop = loop;
        _timer = loop.AddTimer(OnTimer);
        _continue = CompleteLate;
    }

    /// <summary>Time between refreshes.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Refreshes that repainted damage so far (any thread).</summary>
    public long FramesRendered => Interlocked.Read(ref _framesRendered);

    /// <summary>wl_surface.frame callbacks completed so far (any thread).</summary>
    public long FrameCallbacksDone => Interlocked.Read(ref _frameCallbacksDone);

    /// <summary>Frame callbacks and feedbacks completed in a later turn than their refresh's so far (any thread).</summary>
    public long CompletedLate => Interlocked.Read(ref _completedLate);

    /// <summary>Queues a commit's frame callbacks and presentation feedback, all of the client process
    /// <paramref name="process"/>, for the next refresh.</summary>
    public void Queue(int process, List<WlCallback> callbacks, List<WpPresentationFeedback> feedbacks)
    {
        if (callbacks.Count == 0 && feedbacks.Count == 0)
        {
            return;
        }

        AddRun(process, feedback: false, CollectionsMarshal.AsSpan(callbacks));
        AddRun(process, feedback: true, CollectionsMarshal.AsSpan(feedbacks));
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

    private void AddRun<T>(int process, bool feedback, ReadOnlySpan<T> resources)
        where T : Resource
    {
        if (resources.IsEmpty)
        {
            return;
        }

        if (_queuedRuns.Count > 0 && _queuedRuns[^1] is { } last && last.Process == process && last.Feedback == feedback
            && last.Start + last.Count == _queued.Count)
        {
            _queuedRuns[^1] = last with { Count = last.Count + resources.Length };
        }
        else
        {
            _queuedRuns.Add(new Run(process, feedback, _queued.Count, resources.Length, default));
        }

        foreach (T resource in resources)
        {
            _queued.Add(resource);
        }
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
        // while they are completed here; the next commit schedules the next refresh. Frame callbacks first, then
        // feedback.
        _frameSequence++;
        Refresh refresh = new((uint)_clock.ElapsedMilliseconds, Extensions.PresentationNow(), _frameSequence);
        _completedThisRefresh.Clear();
        foreach (bool feedback in (ReadOnlySpan<bool>)[false, true])
        {
            foreach (Run run in _queuedRuns)
            {
                if (run.Feedback == feedback)
                {
                    CompleteOrSetAside(run with { Time = refresh });
                }
            }
        }

        _queued.Clear();
        _queuedRuns.Clear();
        _metrics.Presented(repainted);
        ContinueLater();
    }

    /// <summary>Completes what is left of the process's share of this refresh, unless it already has some waiting;
    /// the rest of the run waits, after what waits already.</summary>
    private void CompleteOrSetAside(Run run)
    {
        int now = 0;
        if (!_lateRunsPerProcess.ContainsKey(run.Process))
        {
            int completed = _completedThisRefresh.GetValueOrDefault(run.Process);
            now = Math.Min(run.Count, MaxCompletionsPerTurn - completed);
            _completedThisRefresh[run.Process] = completed + now;
            foreach (Resource resource in CollectionsMarshal.AsSpan(_queued).Slice(run.Start, now))
            {
                Complete(resource, run.Feedback, run.Time);
            }
        }

        if (now < run.Count)
        {
            _late.AddRange(CollectionsMarshal.AsSpan(_queued).Slice(run.Start + now, run.Count - now));
            _lateRuns.Enqueue(run with { Count = run.Count - now });
            _lateRunsPerProcess[run.Process] = _lateRunsPerProcess.GetValueOrDefault(run.Process) + 1;
        }
    }

    /// <summary>One turn's share of what waits (posted to the loop, so that whatever else is ready runs between two
    /// shares).</summary>
    private void CompleteLate()
    {
        _continuing = false;
        int budget = MaxCompletionsPerTurn;
        while (budget > 0 && _lateRuns.TryPeek(out Run run))
        {
            int now = Math.Min(budget, run.Count - _lateRunDone);
            for (int i = _lateStart; i < _lateStart + now; i++)
            {
                if (Complete(_late[i], run.Feedback, run.Time))
                {
                    Interlocked.Increment(ref _completedLate);
                }

                _late[i] = null!;
            }

            _lateStart += now;
            _lateRunDone += now;
            budget -= now;
            if (_lateRunDone == run.Count)
            {
                _lateRuns.Dequeue();
                _lateRunDone = 0;
                int waiting = _lateRunsPerProcess[run.Process];
                if (waiting == 1)
                {
                    _lateRunsPerProcess.Remove(run.Process);
                }
                else
                {
                    _lateRunsPerProcess[run.Process] = waiting - 1;
                }
            }
        }

        if (_lateRuns.Count == 0)
        {
            _late.Clear();
            _lateStart = 0;
        }

        ContinueLater();
    }

    private void ContinueLater()
    {
        if (_lateRuns.Count > 0 && !_continuing)
        {
            _continuing = true;
            _loop.Post(_continue);
        }
    }

    /// <summary>Sends <c>done</c> or <c>presented</c> with the refresh's time, unless the client destroyed it (or left).</summary>
    private bool Complete(Resource resource, bool feedback, Refresh time)
    {
        if (resource.IsDestroyed)
        {
            return false;
        }

        if (feedback)
        {
            Extensions.Presented((WpPresentationFeedback)resource, Interval, time.Sequence, time.Nanoseconds);
        }
        else
        {
            WlCallback callback = (WlCallback)resource;
            callback.SendDone(time.Milliseconds);
            callback.Destroy();
            Interlocked.Increment(ref _frameCallbacksDone);
        }

        return true;
    }

    /// <summary>Consecutive resources of one kind queued by one process (in <see cref="_queued"/> from
    /// <see cref="Start"/>, or waiting), and the refresh that presented them.</summary>
    private readonly record struct Run(int Process, bool Feedback, int Start, int Count, Refresh Time);

    /// <summary>A refresh: its time in milliseconds (frame callbacks) and nanoseconds (feedback), and its sequence number.</summary>
    private readonly record struct Refresh(uint Milliseconds, long Nanoseconds, uint Sequence);
}
