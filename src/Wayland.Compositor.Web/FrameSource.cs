namespace Wayland.Compositor.Web;

/// <summary>
/// Watches the compositor's output for the viewers: on a thread of its own it captures the output after each repaint
/// (<see cref="HeadlessCompositor.FramesRendered"/> moving; that counts damage someone else's
/// <see cref="HeadlessCompositor.CaptureOutput()"/> painted ahead of the refresh too, so no repaint goes unseen),
/// diffs it with the previous capture in tiles and offers the capture with its damage to every viewer's
/// <see cref="ViewerSlot"/>. Nothing is captured while nobody watches.
/// </summary>
internal sealed class FrameSource : IDisposable
{
    private readonly HeadlessCompositor _compositor;
    private readonly TimeSpan _pollInterval;
    private readonly Thread _thread;
    private readonly List<ViewerSlot> _slots = [];
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly bool[] _damage;
    private volatile bool _stopped;
    private Image? _latest;

    public FrameSource(HeadlessCompositor compositor, int tileSize)
    {
        _compositor = compositor;
        Grid = new TileDamage(compositor.OutputWidth, compositor.OutputHeight, tileSize);
        _damage = new bool[Grid.TileCount];
        double refreshMilliseconds = 1e6 / compositor.Options.RefreshMilliHertz;
        _pollInterval = TimeSpan.FromMilliseconds(Math.Clamp(refreshMilliseconds / 2, 1, 50));
        _thread = new Thread(Run) { IsBackground = true, Name = "wl-web frames" };
        _thread.Start();
    }

    /// <summary>The tile grid of the output.</summary>
    public TileDamage Grid { get; }

    /// <summary>A new viewer's slot; its first frame is the whole output.</summary>
    public ViewerSlot Subscribe()
    {
        ViewerSlot slot = new(Grid.TileCount);
        lock (_slots)
        {
            _slots.Add(slot);
            if (_latest is { } latest)
            {
                slot.OfferWhole(latest);
            }
        }

        _wake.Set();
        return slot;
    }

    public void Unsubscribe(ViewerSlot slot)
    {
        lock (_slots)
        {
            _slots.Remove(slot);
        }
    }

    public void Dispose()
    {
        _stopped = true;
        _wake.Set();
        _thread.Join();
        _wake.Dispose();
    }

    private void Run()
    {
        long framesSeen = -1;
        while (!_stopped)
        {
            lock (_slots)
            {
                if (_slots.Count == 0)
                {
                    _wake.Reset();
                }
            }

            _wake.Wait();
            if (_stopped)
            {
                break;
            }

            long frames = _compositor.FramesRendered;
            if (_latest is null || frames != framesSeen)
            {
                framesSeen = frames;
                if (!TryCaptureAndOffer())
                {
                    break;
                }
            }

            Thread.Sleep(_pollInterval);
        }
    }

    /// <summary>Captures, diffs and offers; false when the compositor is gone.</summary>
    private bool TryCaptureAndOffer()
    {
        Image next;
        try
        {
            next = _compositor.CaptureOutput();
        }
        catch (Exception e) when (e is ObjectDisposedException or InvalidOperationException)
        {
            return false;
        }

        Image? previous = _latest;
        int damaged;
        if (previous is null)
        {
            Array.Fill(_damage, true);
            damaged = _damage.Length;
        }
        else
        {
            Array.Clear(_damage);
            damaged = Grid.Diff(previous, next, _damage);
        }

        lock (_slots)
        {
            _latest = next;
            if (damaged > 0)
            {
                foreach (ViewerSlot slot in _slots)
                {
                    slot.Offer(next, _damage);
                }
            }
        }

        return true;
    }
}

/// <summary>
/// A viewer's latest-frame slot: the newest capture and the union of the damage since the viewer last took a frame.
/// A slow viewer skips intermediate captures instead of queueing them, so its memory stays one capture and one
/// flag per tile however far behind it falls.
/// </summary>
internal sealed class ViewerSlot(int tiles)
{
    private readonly bool[] _damage = new bool[tiles];
    private readonly SemaphoreSlim _ready = new(0, 1);
    private Image? _image;
    private bool _signalled;

    /// <summary>Offers <paramref name="image"/>, adding <paramref name="damage"/> to what the viewer has not seen.</summary>
    public void Offer(Image image, ReadOnlySpan<bool> damage)
    {
        lock (_damage)
        {
            _image = image;
            for (int i = 0; i < damage.Length; i++)
            {
                _damage[i] |= damage[i];
            }

            Signal();
        }
    }

    /// <summary>Offers <paramref name="image"/> as a whole (the viewer's first frame).</summary>
    public void OfferWhole(Image image)
    {
        lock (_damage)
        {
            _image = image;
            Array.Fill(_damage, true);
            Signal();
        }
    }

    /// <summary>Waits for a capture the viewer has not seen; copies its damage to <paramref name="damage"/>.</summary>
    public async Task<Image> TakeAsync(bool[] damage, CancellationToken cancellation)
    {
        await _ready.WaitAsync(cancellation).ConfigureAwait(false);
        lock (_damage)
        {
            _damage.CopyTo(damage, 0);
            Array.Clear(_damage);
            _signalled = false;
            return _image!;
        }
    }

    private void Signal()
    {
        if (!_signalled)
        {
            _signalled = true;
            _ready.Release();
        }
    }
}
