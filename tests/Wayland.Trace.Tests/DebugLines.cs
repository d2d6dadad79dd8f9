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
    /// messages earlier: the app is killed mid-run), and every event the app dispatched, in the same order for each object
    /// (libwayland 1.21 logs events when it dispatches them, per queue, and not at all for objects without a listener,
    /// so the app's events are a per-object subsequence of the trace's, not all of them).
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

        // Events: per object, the app's events are the trace's in the same order, some possibly left out (a queue
        // dispatches one object's events in the order they arrived, but queues interleave differently from the wire).
        Dictionary<string, List<string>> tracedEvents = ByObject(traced.Where(l => !IsRequest(l)));
        int appEvents = 0;
        foreach ((string target, List<string> events) in ByObject(app.Where(l => !IsRequest(l))
            .Select(l => l.StartsWith("discarded ", StringComparison.Ordinal) ? l["discarded ".Length..] : l)))
        {
            List<string> candidates = tracedEvents.GetValueOrDefault(target) ?? [];
            int next = 0;
            foreach (string wanted in events)
            {
                while (next < candidates.Count && candidates[next] != wanted)
                {
                    next++;
                }

                Assert.True(next < candidates.Count, $"the app dispatched an event the trace does not show (in this order for {target}):\n{wanted}");
                next++;
                appEvents++;
            }
        }

        return $"{common} requests in the same order, all {appEvents} events the app logged are in the trace, in order per object ({traced.Count} trace lines)";
    }

    /// <summary>Event lines grouped by the object they are for (<c>interface#id</c>), in order.</summary>
    private static Dictionary<string, List<string>> ByObject(IEnumerable<string> events)
    {
        Dictionary<string, List<string>> groups = [];
        foreach (string line in events)
        {
            string target = line[..Math.Max(0, line.IndexOf('.', StringComparison.Ordinal))];
            if (!groups.TryGetValue(target, out List<string>? group))
            {
                groups[target] = group = [];
            }

            group.Add(line);
        }

        return groups;
    }

    /// <summary>A timestamp (1.21's <c>[1234567.890]</c> or upstream's <c>[12:34:56.789012]</c>), then an optional queue or client.</summary>
    [GeneratedRegex(@"^\[ *[0-9:.]+\] (\{[^}]*\} )?")]
    private static partial Regex Prefix();

    [GeneratedRegex(@"\bfd -?\d+")]
    private static partial Regex FdNumber();

    [GeneratedRegex(@"-?\b\d+\.\d{6,8}\b")]
    private static partial Regex FixedNumber();
}
