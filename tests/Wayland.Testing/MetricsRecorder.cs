using System.Diagnostics.Metrics;

namespace Wayland.Testing;

/// <summary>
/// A meter factory for one test: the meters it creates carry it as their scope, and a <see cref="MeterListener"/>
/// records what their instruments measure (and nothing from other tests' meters, which run in parallel).
/// </summary>
public sealed class MetricsRecorder : IMeterFactory
{
    private readonly List<Meter> _meters = [];
    private readonly Dictionary<string, long> _sums = [];
    private readonly Dictionary<string, long> _observed = [];
    private readonly Dictionary<string, List<double>> _values = [];
    private readonly List<(string Instrument, long Value, KeyValuePair<string, object?>[] Tags)> _tagged = [];
    private readonly HashSet<string> _completed = [];
    private readonly MeterListener _listener = new();

    public MetricsRecorder()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Scope == this)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) =>
        {
            lock (_completed)
            {
                _completed.Add(instrument.Name);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            lock (_sums)
            {
                if (instrument.IsObservable)
                {
                    _observed[instrument.Name] = value;
                    return;
                }

                _sums[instrument.Name] = _sums.GetValueOrDefault(instrument.Name) + value;
                if (!tags.IsEmpty)
                {
                    _tagged.Add((instrument.Name, value, tags.ToArray()));
                }
            }
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            lock (_sums)
            {
                if (!_values.TryGetValue(instrument.Name, out List<double>? list))
                {
                    _values[instrument.Name] = list = [];
                }

                list.Add(value);
            }
        });
        _listener.Start();
    }

    /// <summary>The meters created so far.</summary>
    public IReadOnlyList<Meter> Meters
    {
        get
        {
            lock (_meters)
            {
                return [.. _meters];
            }
        }
    }

    public Meter Create(MeterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Scope = this;
        Meter meter = new(options);
        lock (_meters)
        {
            _meters.Add(meter);
        }

        return meter;
    }

    /// <summary>The sum of everything a long-valued instrument measured (counters and up-down counters).</summary>
    public long Sum(string instrument)
    {
        lock (_sums)
        {
            return _sums.GetValueOrDefault(instrument);
        }
    }

    /// <summary>Observes the observable instruments now and returns what <paramref name="instrument"/> reported
    /// (null when it reported nothing).</summary>
    public long? Observe(string instrument)
    {
        _listener.RecordObservableInstruments();
        lock (_sums)
        {
            return _observed.TryGetValue(instrument, out long value) ? value : null;
        }
    }

    /// <summary>Every value a double-valued instrument (a histogram) recorded.</summary>
    public IReadOnlyList<double> Values(string instrument)
    {
        lock (_sums)
        {
            return _values.TryGetValue(instrument, out List<double>? list) ? [.. list] : [];
        }
    }

    /// <summary>The measurements of <paramref name="instrument"/> that carried tags.</summary>
    public IReadOnlyList<(long Value, KeyValuePair<string, object?>[] Tags)> Tagged(string instrument)
    {
        lock (_sums)
        {
            return _tagged.Where(t => t.Instrument == instrument).Select(t => (t.Value, t.Tags)).ToList();
        }
    }

    /// <summary>Whether the meter of <paramref name="instrument"/> was disposed (its listener was told).</summary>
    public bool IsCompleted(string instrument)
    {
        lock (_completed)
        {
            return _completed.Contains(instrument);
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        lock (_meters)
        {
            foreach (Meter meter in _meters)
            {
                meter.Dispose();
            }
        }
    }
}
