using Wayland.Compositor;

namespace Wayland.GuiTesting;

/// <summary>What counts as "nothing happens" for <see cref="GuiSession.WaitForIdleAsync(GuiWindow, IdleCondition, TimeSpan?, CancellationToken)"/>.</summary>
public enum IdleMeasure
{
    /// <summary>
    /// Nothing visible changes: captures of the window taken a poll apart look the same (outside
    /// <see cref="IdleCondition.IgnoredRegions"/>, within <see cref="IdleCondition.Tolerance"/>). A client that
    /// commits identical frames is idle. A change that lasts longer than three poll intervals (at least 100 ms) is
    /// always seen, even on a loaded machine: when captures come further apart, the quiet time starts over.
    /// </summary>
    Pixels,

    /// <summary>No client commits any surface (the compositor's commit count stays put), whatever the pixels do.</summary>
    Commits,
}

/// <summary>
/// How long and in what sense a window must be quiet before a wait for idleness ends. With
/// <see cref="IdleMeasure.Pixels"/> (the default) a blinking text cursor or a clock can be left out through
/// <see cref="IgnoredRegions"/>, and small flicker through <see cref="Tolerance"/>.
/// </summary>
public sealed class IdleCondition
{
    /// <summary>How long nothing may change (default 200 ms).</summary>
    public TimeSpan Quiet { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>What is watched (default <see cref="IdleMeasure.Pixels"/>).</summary>
    public IdleMeasure Measure { get; set; } = IdleMeasure.Pixels;

    /// <summary>Window-relative rectangles whose pixels are not compared (<see cref="IdleMeasure.Pixels"/> only).</summary>
    public IList<Rect> IgnoredRegions { get; } = [];

    /// <summary>How much a channel (A, R, G or B, premultiplied) may change and still count as the same (0–255, default 0).</summary>
    public int Tolerance { get; set; }

    /// <inheritdoc/>
    public override string ToString() => Measure == IdleMeasure.Commits
        ? $"no commit for {Quiet.TotalMilliseconds:0} ms"
        : $"no visible change for {Quiet.TotalMilliseconds:0} ms"
          + (Tolerance > 0 ? $" beyond {Tolerance} a channel" : "")
          + (IgnoredRegions.Count > 0 ? $" outside {string.Join(", ", IgnoredRegions.Select(r => $"{r.Width}x{r.Height} at ({r.X}, {r.Y})"))}" : "");

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Quiet, TimeSpan.Zero, nameof(Quiet));
        ArgumentOutOfRangeException.ThrowIfNegative(Tolerance, nameof(Tolerance));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Tolerance, 255, nameof(Tolerance));
        if (!Enum.IsDefined(Measure))
        {
            throw new ArgumentOutOfRangeException(nameof(Measure), Measure, "not an IdleMeasure");
        }
    }

    /// <summary>Whether <paramref name="now"/> looks like <paramref name="before"/> in the sense of this condition.</summary>
    internal bool Same(Image now, Image before)
    {
        if (now.Width != before.Width || now.Height != before.Height)
        {
            return false;
        }

        if (Tolerance == 0 && IgnoredRegions.Count == 0)
        {
            return now.Pixels.AsSpan().SequenceEqual(before.Pixels);
        }

        for (int y = 0; y < now.Height; y++)
        {
            ReadOnlySpan<uint> a = now.GetRow(y);
            ReadOnlySpan<uint> b = before.GetRow(y);
            for (int x = 0; x < a.Length; x++)
            {
                if (a[x] != b[x] && Differs(a[x], b[x]) && !Ignored(x, y))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private bool Differs(uint first, uint second)
    {
        for (int shift = 0; shift < 32; shift += 8)
        {
            if (Math.Abs((int)((first >> shift) & 0xFF) - (int)((second >> shift) & 0xFF)) > Tolerance)
            {
                return true;
            }
        }

        return false;
    }

    private bool Ignored(int x, int y)
    {
        foreach (Rect region in IgnoredRegions)
        {
            if (region.Contains(x, y))
            {
                return true;
            }
        }

        return false;
    }
}
