using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Wayland.Protocols;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>The display's log (through ILogger, rate-limited per client process) and its meter.</summary>
public sealed partial class DiagnosticsTests : IDisposable
{
    private readonly OpenFds.Snapshot _fdsBefore = OpenFds.Take();
    private readonly CollectingLogger _log = new();
    private readonly MetricsRecorder _metrics = new();
    private readonly Display _display;
    private readonly Global _global;
    private readonly List<TestResource> _bound = [];

    public DiagnosticsTests()
    {
        _display = new Display(_log, _metrics);
        _global = _display.CreateGlobal<TestResource>(1, _bound.Add);
    }

    public void Dispose()
    {
        _display.Dispose();
        _metrics.Dispose();
        OpenFds.AssertUnchanged(_fdsBefore);
    }

    [Fact]
    public void A_client_that_stalls_thousands_of_times_writes_a_bounded_number_of_log_lines()
    {
        const int stalls = 2000;
        _display.ClientLogRateLimit = new LogRateLimit(10, TimeSpan.FromHours(1));
        byte[] blob = new byte[4000];
        for (int i = 0; i < stalls; i++)
        {
            // A client that binds an object and then stops reading: the events pile up until one does not fit.
            using RawClient client = Attach(out Client server, out TestResource resource);
            server.MaxBufferSize = 4096;
            while (!server.HasFailed)
            {
                resource.SendBlob(blob);
            }

            _display.FlushClients();
            Assert.True(server.IsDestroyed);
        }

        IReadOnlyList<string> lines = _log.Lines;
        Assert.Equal(10, lines.Count);
        Assert.All(lines, line => Assert.Contains("does not fit in the outgoing buffer", line, StringComparison.Ordinal));

        // The rest were counted, and the count is given once the interval ends (here: when the display goes away).
        _display.Dispose();
        string summary = Assert.Single(_log.Lines.Skip(lines.Count));
        Match match = Suppressed().Match(summary);
        Assert.True(match.Success, summary);
        Assert.Equal(stalls - 10, int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(Environment.ProcessId, int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Suppressed_messages_are_summed_up_when_the_interval_ends_and_the_next_interval_logs_again()
    {
        _display.ClientLogRateLimit = new LogRateLimit(3, TimeSpan.FromMilliseconds(200));
        for (int i = 0; i < 10; i++)
        {
            FailWithProtocolError();
        }

        // Each failing client causes two messages: the protocol error (debug) and its disconnection.
        Assert.Equal(3, _log.Entries.Count);

        // No client does anything now; the loop's timer still writes the summary when the interval is over.
        Stopwatch clock = Stopwatch.StartNew();
        while (_log.Entries.Count == 3 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            _display.Dispatch(TimeSpan.FromMilliseconds(50));
        }

        LogEntry summary = _log.Entries[3];
        Assert.Equal(LogLevel.Warning, summary.Level);
        Assert.StartsWith("17 more log messages caused by client (pid ", summary.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(100), $"summary after {clock.Elapsed}");

        FailWithProtocolError();
        Assert.Equal(6, _log.Entries.Count);
        Assert.Contains("invalid object 77", _log.Entries[4].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_below_the_loggers_level_do_not_spend_the_budget()
    {
        using CollectingLogger warnings = new() { Minimum = LogLevel.Warning };
        using Display display = new(warnings);
        display.ClientLogRateLimit = new LogRateLimit(1, TimeSpan.FromHours(1));
        for (int i = 0; i < 5; i++)
        {
            // An invalid object: the debug and information messages are off, so they are not counted either.
            using RawClient client = RawClient.Attach(display);
            client.Send(77, 0);
            client.ExpectError(display);
        }

        Assert.Empty(warnings.Entries);
        using (RawClient client = RawClient.Attach(display, out Client server))
        {
            server.Destroyed += _ => throw new InvalidOperationException("teardown bug");
            server.Destroy();
        }

        LogEntry entry = Assert.Single(warnings.Entries);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal("teardown bug", entry.Exception!.Message);
    }

    [Fact]
    public void The_limit_rejects_nonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogRateLimit(0, TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogRateLimit(1, TimeSpan.Zero));
        Assert.Throws<ArgumentNullException>(() => _display.ClientLogRateLimit = null!);
    }

    [Fact]
    public void The_meter_counts_clients_messages_bytes_and_protocol_errors()
    {
        RawClient client = Attach(out Client server, out TestResource resource);
        Assert.Equal(1, _metrics.Observe("wayland.server.active_clients"));

        // get_registry and sync: 12 bytes each; bind: header 8, name 4, "wlt_server" 4 + 12, version 4, new id 4.
        Assert.Equal(3, _metrics.Sum("wayland.server.messages.received"));
        Assert.Equal(12 + 36 + 12, _metrics.Sum("wayland.server.bytes.received"));

        resource.SendBlob(new byte[100]);
        _display.FlushClients();
        client.Await(() => client.Received.Count(m => m.Sender == resource.Id) == 1);
        Assert.Equal(client.Received.Count, _metrics.Sum("wayland.server.messages.sent"));
        Assert.Equal(client.Received.Sum(m => 8 + m.Body.Length), _metrics.Sum("wayland.server.bytes.sent"));

        client.Send(77, 0);
        client.ExpectError(_display);
        Assert.Equal(1, _metrics.Sum("wayland.server.protocol_errors"));
        (long value, KeyValuePair<string, object?>[] tags) = Assert.Single(_metrics.Tagged("wayland.server.protocol_errors"));
        Assert.Equal(1, value);
        Assert.Equal([new KeyValuePair<string, object?>("wayland.interface", "wl_display")], tags);

        _display.FlushClients();
        Assert.True(server.IsDestroyed);
        Assert.Equal(0, _metrics.Observe("wayland.server.active_clients"));
        client.Dispose();
        Assert.Equal(Display.MeterName, Assert.Single(_metrics.Meters).Name);
    }

    [Fact]
    public void Without_a_meter_factory_a_display_has_its_own_meter_and_disposes_it()
    {
        Display display = new();
        Meter meter = display.Metrics.Meter;
        Assert.Equal(Display.MeterName, meter.Name);
        using MeterListener listener = new();
        int completed = 0;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.MeasurementsCompleted = (_, _) => completed++;
        listener.Start();
        Assert.Equal(0, completed);
        display.Dispose();
        Assert.Equal(9, completed);
    }

    private RawClient Attach(out Client server, out TestResource resource)
    {
        RawClient raw = RawClient.Attach(_display, out server);
        uint registry = raw.GetRegistry();
        uint id = raw.Bind(registry, _global.Name, TestProtocol.Name, 1);
        raw.Roundtrip(_display);
        Client created = server;
        resource = _bound.Single(r => r.Id == id && r.Client == created);
        return raw;
    }

    private void FailWithProtocolError()
    {
        using RawClient client = RawClient.Attach(_display);
        client.Send(77, 0);
        client.ExpectError(_display, 1, (uint)WlDisplayError.InvalidObject, "invalid object 77");
        _display.Dispatch(TimeSpan.Zero);
    }

    [GeneratedRegex(@"^(\d+) more log messages caused by client \(pid (\d+)\) were suppressed")]
    private static partial Regex Suppressed();
}
