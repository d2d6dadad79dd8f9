using System.Diagnostics;

namespace Wayland.Compositor.Tests;

/// <summary>Waits for a condition by polling, with a deadline: the assertion itself never depends on a sleep.</summary>
internal static class Poll
{
    /// <summary>How often conditions are checked.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Default deadline: generous for a loaded two-core machine, far below a test's budget.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails with <paramref name="explain"/> when the time is up.</summary>
    public static void Until(Func<bool> condition, Func<string> explain, TimeSpan? timeout = null)
    {
        if (!TryUntil(condition, timeout ?? DefaultTimeout))
        {
            Assert.Fail($"timed out after {(timeout ?? DefaultTimeout).TotalSeconds} s waiting: {explain()}");
        }
    }

    /// <summary>Polls until <paramref name="find"/> returns a value; fails with <paramref name="explain"/> when the time is up.</summary>
    public static T For<T>(Func<T?> find, Func<string> explain, TimeSpan? timeout = null)
        where T : class
    {
        T? found = null;
        Until(() => (found = find()) is not null, explain, timeout);
        return found!;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes; true when it held.</summary>
    public static bool TryUntil(Func<bool> condition, TimeSpan timeout)
    {
        Stopwatch clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            Thread.Sleep(Interval);
        }

        return true;
    }
}
