using System.Diagnostics;
using Wayland.Compositor;

namespace Wayland.GuiTesting;

/// <summary>
/// Keeps the last frames of the output for the failure artifacts: whenever the compositor has rendered a frame since
/// the last look (or, when a wait asks, a client committed), the output is captured and, if it looks different from
/// the newest frame kept, added — halved until it is at most <see cref="MaxWidth"/> pixels wide. At most the configured number of frames
/// and <see cref="MaxBytes"/> bytes of pixels are kept; the oldest go first. Looks happen on a timer and at each
/// poll of a wait, so every state a wait saw is among the frames.
/// </summary>
internal sealed class FrameRecorder : IDisposable
{
    /// <summary>Widest frame kept; wider outputs are halved until they fit.</summary>
    internal const int MaxWidth = 640;

    /// <summary>Most pixel bytes kept over all frames.</summary>
    internal const long MaxBytes = 32L << 20;

    private readonly HeadlessCompositor _compositor;
    private readonly int _capacity;
    private readonly Queue<(Image Frame, TimeSpan At)> _frames = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _timer;
    private long _lastFrames = -1;
    private long _lastCommits = -1;
    private long _bytes;

    internal FrameRecorder(HeadlessCompositor compositor, int capacity, TimeSpan interval)
    {
        _compositor = compositor;
        _capacity = capacity;
        _timer = RunAsync(interval);
    }

    /// <summary>
    /// Captures the output if the compositor rendered since the last look, or with <paramref name="commits"/> also if
    /// a client committed (a capture paints what is pending, which the compositor then does not count as a frame, so
    /// the timer leaves commits to the compositor's own refresh).
    /// </summary>
    internal void Sample(bool commits = false)
    {
        lock (_frames)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            long frames = _compositor.FramesRendered;
            long committed = _compositor.Commits;
            if (frames == _lastFrames && (!commits || committed == _lastCommits))
            {
                return;
            }

            Image output = _compositor.CaptureOutput();
            (_lastFrames, _lastCommits) = (_compositor.FramesRendered, committed);
            Image frame = Shrink(output);
            if (_frames.Count > 0 && _frames.Last().Frame.Pixels.AsSpan().SequenceEqual(frame.Pixels))
            {
                return;
            }

            _frames.Enqueue((frame, _clock.Elapsed));
            _bytes += 4L * frame.Pixels.Length;
            while (_frames.Count > _capacity || (_bytes > MaxBytes && _frames.Count > 1))
            {
                _bytes -= 4L * _frames.Dequeue().Frame.Pixels.Length;
            }
        }
    }

    /// <summary>Writes the frames kept as an animated PNG to <paramref name="path"/>; false when there is none.</summary>
    internal bool Save(string path)
    {
        (Image Frame, TimeSpan At)[] frames;
        lock (_frames)
        {
            frames = [.. _frames];
        }

        if (frames.Length == 0)
        {
            return false;
        }

        TimeSpan now = _clock.Elapsed;
        (byte[] Png, TimeSpan Delay)[] encoded = new (byte[], TimeSpan)[frames.Length];
        for (int i = 0; i < frames.Length; i++)
        {
            // Each frame lasts until the next one; the last is held for as long as it has been on screen (at least 1 s).
            TimeSpan delay = (i + 1 < frames.Length ? frames[i + 1].At : TimeSpan.FromTicks(Math.Max(now.Ticks, frames[i].At.Ticks + TimeSpan.TicksPerSecond))) - frames[i].At;
            encoded[i] = (frames[i].Frame.EncodePng(), delay);
        }

        AnimatedPng.Save(encoded, path);
        return true;
    }

    public void Dispose()
    {
        lock (_frames)
        {
            _stop.Cancel();
        }

        try
        {
            _timer.Wait();
        }
        catch (AggregateException)
        {
            // The timer's own failures were already swallowed; nothing to report at dispose.
        }

        _stop.Dispose();
    }

    private static Image Shrink(Image image)
    {
        int factor = 1;
        while (image.Width / factor > MaxWidth)
        {
            factor *= 2;
        }

        if (factor == 1)
        {
            return image;
        }

        // Nearest pixel: cheap, and the artifact is for looking at, not for comparing.
        Image small = new(Math.Max(1, image.Width / factor), Math.Max(1, image.Height / factor));
        for (int y = 0; y < small.Height; y++)
        {
            Span<uint> from = image.GetRow(y * factor);
            Span<uint> to = small.GetRow(y);
            for (int x = 0; x < to.Length; x++)
            {
                to[x] = from[x * factor];
            }
        }

        return small;
    }

    private async Task RunAsync(TimeSpan interval)
    {
        using PeriodicTimer timer = new(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    Sample();
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (InvalidOperationException)
                {
                    // The compositor stopped under us (session disposing): the next tick ends the loop.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
