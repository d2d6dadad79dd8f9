using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Trace.Tests;

/// <summary>
/// <c>--summary</c> prints no lines while it runs, so what wl-trace itself has to say (a client it could not connect to
/// the compositor, a process it disconnected, descriptors lost) must reach the summary instead of vanishing.
/// </summary>
public sealed class SummaryTests
{
    [Fact]
    public void What_wl_trace_noted_while_running_is_in_the_summary()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        using (RuntimeDirectory runtime = RuntimeDirectory.Create("trace-notes"))
        {
            // Nobody listens upstream: each client the proxy accepts cannot be connected on.
            string upstreamPath = Path.Combine(runtime.Path, "nobody");
            using TraceHarness proxy = new(upstreamPath, Path.Combine(runtime.Path, "proxy"), summary: true);
            for (int i = 0; i < 3; i++)
            {
                using SafeFdHandle client = UnixSocket.Connect(proxy.ListenPath);
                Assert.True(UnixSocket.Wait(client, writable: false, TimeSpan.FromSeconds(20)), "the proxy did not hang up");
            }

            proxy.Stop();
            string summary = proxy.Tracer.Summary.ToText();
            Assert.Contains("\nnotes: 3\n", summary);
            Assert.Matches(@"\n  cannot connect \S+\[\d+\] to the compositor: .*\n", summary);
            Assert.DoesNotContain(" connected\n", summary); // the routine notes are left out
        }

        OpenFds.AssertUnchanged(before);
    }

    [Fact]
    public void The_summary_keeps_the_first_100_notes_and_counts_the_rest()
    {
        Wayland.Trace.Decoding.Tracer tracer = new(Wayland.Trace.Decoding.ProtocolSet.FromTexts(), null, Wayland.Trace.Decoding.Filter.All);
        for (int i = 0; i < 250; i++)
        {
            tracer.Note(null, $"note {i}");
        }

        string summary = tracer.Summary.ToText();
        Assert.Contains("\nnotes: 250\n  note 0\n", summary);
        Assert.Contains("\n  note 99\n  (150 more)\n", summary);
        Assert.DoesNotContain("note 100\n", summary);
    }
}
