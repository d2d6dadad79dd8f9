using Wayland.Compositor;

namespace Wayland.GuiTesting.Tests;

/// <summary>
/// Idleness from polled captures: time counts as quiet only where captures came close enough together to have seen a
/// change. A poller starved on a loaded machine may see a blinking window twice in the same state half a second apart;
/// that must not count as half a second without change.
/// </summary>
public sealed class IdleTrackerTests
{
    private static readonly IdleCondition Quiet500 = new() { Quiet = TimeSpan.FromMilliseconds(500) };

    [Fact]
    public void Two_equal_captures_far_apart_are_not_quiet_time()
    {
        Image a = Filled(0xFF101010);
        IdleTracker tracker = new(Quiet500, TimeSpan.FromMilliseconds(20));
        Assert.Null(tracker.Observe(a, 1, Ms(0)));
        Assert.Null(tracker.Observe(a, 9, Ms(600))); // starved: whatever happened in between was not seen
        Assert.Null(tracker.Observe(a, 9, Ms(620)));
        for (int t = 640; t < 600 + 500; t += 20)
        {
            Assert.Null(tracker.Observe(a, 9, Ms(t)));
        }

        Assert.Same(a, tracker.Observe(a, 9, Ms(1120)));
        Assert.Contains("captures came more than 100 ms apart 1 time,", tracker.Describe());
    }

    [Fact]
    public void Captures_a_poll_apart_that_stay_the_same_are_idle_after_the_quiet_time()
    {
        Image a = Filled(0xFF101010);
        Image b = Filled(0xFF181818);
        IdleTracker tracker = new(Quiet500, TimeSpan.FromMilliseconds(20));
        Assert.Null(tracker.Observe(a, 1, Ms(0)));
        Assert.Null(tracker.Observe(b, 2, Ms(20)));  // a change: quiet from here
        for (int t = 40; t < 520; t += 20)
        {
            Assert.Null(tracker.Observe(b, 2, Ms(t)));
        }

        Assert.Same(b, tracker.Observe(b, 2, Ms(520)));
    }

    [Fact]
    public void Commits_are_counted_so_no_commit_is_missed_however_far_apart_the_polls()
    {
        IdleTracker tracker = new(new IdleCondition { Quiet = TimeSpan.FromMilliseconds(500), Measure = IdleMeasure.Commits }, TimeSpan.FromMilliseconds(20));
        Image a = Filled(0xFF101010);
        Assert.Null(tracker.Observe(a, 5, Ms(0)));
        Assert.Same(a, tracker.Observe(a, 5, Ms(600)));
    }

    private static TimeSpan Ms(int ms) => TimeSpan.FromMilliseconds(ms);

    private static Image Filled(uint pixel)
    {
        Image image = new(4, 4);
        image.Pixels.AsSpan().Fill(pixel);
        return image;
    }
}
