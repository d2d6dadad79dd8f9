using System.Globalization;
using System.Text.RegularExpressions;

namespace Wayland.Trace.Tests;

/// <summary>
/// Compares wl-trace's lines with an app's own <c>WAYLAND_DEBUG=1</c> lines (Debian's libwayland 1.21), masking
/// what legitimately differs: the timestamp, the queue name or client tag, <c>@</c> against <c>#</c>, fd numbers
/// (ours are the proxy's), the precision of fixed-point numbers (1.21 prints six decimals, upstream eight) and the
/// <c>discarded</c> mark.
/// </summary>
internal static partial class DebugLines
{
    /// <summary>The protocol lines of a WAYLAND_DEBUG log or a trace, normalised; other output is skipped.</summary>
    public static List<string> Parse(string text)
    {
        List<string> lines = [];
        foreach (string raw in text.Split('\n'))
        {
            Match m = Prefix().Match(raw);
            if (!m.Success)
            {
                continue;
            }

            string line = raw[m.Length..];
            if (line.StartsWith("wl-trace:", StringComparison.Ordinal))
            {
                continue;
            }

            line = line.Replace('@', '#');
            line = FdNumber().Replace(line, "fd N");
            line = FixedNumber().Replace(line, f => double.Parse(f.Value, CultureInfo.InvariantCulture).ToString("F4", CultureInfo.InvariantCulture));
            lines.Add(line);
        }

        return lines;
    }

    public static bool IsRequest(string line) => line.StartsWith(" -> ", StringComparison.Ordinal);

    /// <summary>
    /// Checks that the trace shows what the app logged: the requests in the same order (either log may stop a few
    /// messages earlier: the app is killed mid-run), and every event the app dispatched (libwayland 1.21 logs events when
    /// it dispatches them, per queue, and not at all for objects without a listener, so only inclusion is checked).
    /// </summary>
    public static string AssertTraceMatches(string appLog, string trace)
    {
        List<string> app = Parse(appLog);
        List<string> traced = Parse(trace);
        List<string> appRequests = app.Where(IsRequest).ToList();
        List<string> tracedRequests = traced.Where(IsRequest).ToList();
        Assert.True(appRequests.Count > 10, $"the app logged only {appRequests.Count} requests:\n{appLog[..Math.Min(appLog.Length, 3000)]}");
        int common = Math.Min(appRequests.Count, tracedRequests.Count);
        for (int i = 0; i < common; i++)
        {
            Assert.True(appRequests[i] == tracedRequests[i], $"request {i} differs:\napp:   {appRequests[i]}\ntrace: {tracedRequests[i]}");
        }

        Assert.True(Math.Abs(appRequests.Count - tracedRequests.Count) <= 16,
            $"the app logged {appRequests.Count} requests, the trace has {tracedRequests.Count}");

        Dictionary<string, int> tracedEvents = [];
        foreach (string line in traced.Where(l => !IsRequest(l)))
        {
            tracedEvents[line] = tracedEvents.GetValueOrDefault(line) + 1;
        }

        int appEvents = 0;
        foreach (string line in app.Where(l => !IsRequest(l)))
        {
            string wanted = line.StartsWith("discarded ", StringComparison.Ordinal) ? line["discarded ".Length..] : line;
            Assert.True(tracedEvents.GetValueOrDefault(wanted) > 0, $"the app dispatched an event the trace does not show:\n{wanted}");
            tracedEvents[wanted]--;
            appEvents++;
        }

        return $"{common} requests in the same order, all {appEvents} events the app logged are in the trace ({traced.Count} trace lines)";
    }

    /// <summary>A timestamp (1.21's <c>[1234567.890]</c> or upstream's <c>[12:34:56.789012]</c>), then an optional queue or client.</summary>
    [GeneratedRegex(@"^\[ *[0-9:.]+\] (\{[^}]*\} )?")]
    private static partial Regex Prefix();

    [GeneratedRegex(@"\bfd -?\d+")]
    private static partial Regex FdNumber();

    [GeneratedRegex(@"-?\b\d+\.\d{6,8}\b")]
    private static partial Regex FixedNumber();
}
