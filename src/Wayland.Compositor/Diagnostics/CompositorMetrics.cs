using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Wayland.Compositor.Diagnostics;

/// <summary>
/// The compositor's instruments on the <see cref="HeadlessCompositor.MeterName"/> meter: frames rendered and the time
/// from a commit to the refresh that presents it. Event-loop thread only; allocation-free once warmed up.
/// </summary>
internal sealed class CompositorMetrics : IDisposable
{
    /// <summary>Commits waiting for their refresh beyond this many are not measured (a client committing thousands of
    /// times per refresh must not grow the list).</summary>
    private const int MaxPendingCommits = 1024;

    private static readonly double[] LatencyBuckets =
        [0.001, 0.002, 0.004, 0.008, 0.012, 0.016, 0.020, 0.025, 0.033, 0.050, 0.075, 0.100, 0.250, 0.500, 1.0];

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _frames;
    private readonly Histogram<double> _commitToPresent;
    private readonly List<long> _pendingCommits = [];

    public CompositorMetrics(IMeterFactory? factory)
    {
        string? version = typeof(CompositorMetrics).Assembly.GetName().Version?.ToString();
        if (factory is null)
        {
            _meter = new Meter(HeadlessCompositor.MeterName, version);
            _ownsMeter = true;
        }
        else
        {
            _meter = factory.Create(new MeterOptions(HeadlessCompositor.MeterName) { Version = version });
        }

        _frames = _meter.CreateCounter<long>("wayland.compositor.frames", "{frame}", "Refreshes that repainted damage.");
        _commitToPresent = _meter.CreateHistogram("wayland.compositor.commit_to_present.duration", "s",
            "Time from a wl_surface.commit that asked for a frame callback or presentation feedback to the refresh that presented it.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
    }

    /// <summary>A commit asked for a frame callback or presentation feedback: the next refresh presents it.</summary>
    public void Committed()
    {
        if (_commitToPresent.Enabled && _pendingCommits.Count < MaxPendingCommits)
        {
            _pendingCommits.Add(Stopwatch.GetTimestamp());
        }
    }

    /// <summary>A refresh completed the frame callbacks and feedbacks; <paramref name="repainted"/> when it drew damage.</summary>
    public void Presented(bool repainted)
    {
        if (repainted)
        {
            _frames.Add(1);
        }

        if (_pendingCommits.Count == 0)
        {
            return;
        }

        long now = Stopwatch.GetTimestamp();
        foreach (long committed in _pendingCommits)
        {
            _commitToPresent.Record((double)(now - committed) / Stopwatch.Frequency);
        }

        _pendingCommits.Clear();
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
