using System.Globalization;

namespace Wayland.GuiTesting;

/// <summary>
/// How the kit reads a timeout, as .NET does: <see cref="Timeout.InfiniteTimeSpan"/> waits without limit, zero looks
/// once, other negative values are refused. A timeout longer than any .NET timer runs (<see cref="Longest"/>, about
/// 49.7 days), such as <see cref="TimeSpan.MaxValue"/>, waits without limit too.
/// </summary>
internal static class Timeouts
{
    /// <summary>The longest delay a .NET timer takes (Task.Delay, CancelAfter, PeriodicTimer): 2^32 − 2 ms.</summary>
    internal static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>Returns <paramref name="timeout"/> if it is zero or more, or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is negative and not <see cref="Timeout.InfiniteTimeSpan"/>.</exception>
    internal static TimeSpan Check(TimeSpan timeout, string parameterName) =>
        timeout >= TimeSpan.Zero || timeout == Timeout.InfiniteTimeSpan
            ? timeout
            : throw new ArgumentOutOfRangeException(parameterName, timeout,
                "A timeout is zero or more, or Timeout.InfiniteTimeSpan to wait without limit.");

    /// <summary>Whether <paramref name="timeout"/> (checked) never runs out.</summary>
    internal static bool IsUnlimited(TimeSpan timeout) => timeout == Timeout.InfiniteTimeSpan || timeout > Longest;

    /// <summary>When a wait that started at <paramref name="now"/> on some clock runs out on it: never (<see cref="TimeSpan.MaxValue"/>) when unlimited.</summary>
    internal static TimeSpan Deadline(TimeSpan now, TimeSpan timeout) => IsUnlimited(timeout) ? TimeSpan.MaxValue : now + timeout;

    /// <summary>Lets <paramref name="source"/> cancel after <paramref name="timeout"/> (checked), unless it is unlimited.</summary>
    internal static void CancelAfter(CancellationTokenSource source, TimeSpan timeout)
    {
        if (!IsUnlimited(timeout))
        {
            source.CancelAfter(timeout);
        }
    }

    /// <summary>How long a hold or wait of <paramref name="timeout"/> (checked) lasts at most, for messages.</summary>
    internal static string AtMost(TimeSpan timeout) => IsUnlimited(timeout) ? "without a time limit" : $"at most {Seconds(timeout)}";

    /// <summary>A limited <paramref name="timeout"/> in seconds, for messages: <c>0.3 s</c>.</summary>
    internal static string Seconds(TimeSpan timeout) => string.Create(CultureInfo.InvariantCulture, $"{timeout.TotalSeconds:0.###} s");
}
