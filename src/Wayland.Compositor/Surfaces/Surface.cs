using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Surfaces;

/// <summary>
/// Compositor-side state of one wl_surface: pending, current and cached (synchronized sub-surface) state, the copy of
/// the last committed buffer's pixels, its role, and its sub-surface stack. Only touched on the event loop's thread.
/// </summary>
internal sealed class Surface
{
    private readonly HeadlessCompositor _compositor;

    /// <summary>State committed while a synchronized sub-surface (valid while <see cref="HasCachedState"/>); kept for reuse.</summary>
    private SurfaceState? _cache;

    public Surface(HeadlessCompositor compositor, WlSurface resource)
    {
        _compositor = compositor;
        Resource = resource;
        Stack.Add(this);
        PendingStack.Add(this);
    }

    public WlSurface Resource { get; }

    public SurfaceState Pending { get; } = new();

    /// <summary>Current state: scale, transform, viewport and input region persist here between commits.</summary>
    public SurfaceState Current { get; } = new();

    /// <summary>Whether state committed while a synchronized sub-surface waits for its parent's commit.</summary>
    public bool HasCachedState { get; private set; }

    public ISurfaceRole? Role { get; set; }

    /// <summary>Pixels of the last committed buffer (premultiplied ARGB); null when no buffer is attached.</summary>
    public Image? Content { get; private set; }

    /// <summary>This surface and its sub-surfaces, bottom to top (this surface is one of the entries).</summary>
    public List<Surface> Stack { get; } = [];

    /// <summary>The stack as changed by place_above/place_below, applied on this surface's next commit.</summary>
    public List<Surface> PendingStack { get; } = [];

    /// <summary>Size in surface-local coordinates (after buffer scale, transform and viewport).</summary>
    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>Where the surface was drawn in the last repaint (output coordinates).</summary>
    public Rect LastBounds { get; set; }

    public bool IsDestroyed => Resource.IsDestroyed;

    public bool HasContent => Content is not null && Width > 0 && Height > 0;

    public Subsurface? AsSubsurface => Role as Subsurface;

    /// <summary>
    /// wl_surface.commit. A synchronized sub-surface caches the state until its parent's state is applied; any other
    /// surface applies it now, together with a cache left from when it was synchronized (the wl_subsurface rules).
    /// </summary>
    public void Commit()
    {
        if (!CheckBufferSize())
        {
            return;
        }

        if (Role is not null && !Role.BeforeCommit(this, Pending))
        {
            return;
        }

        if (Role is Subsurface { IsEffectivelySynchronized: true })
        {
            _cache ??= new SurfaceState();
            Pending.MoveTo(_cache);
            HasCachedState = true;
            return;
        }

        if (HasCachedState)
        {
            Pending.MoveTo(_cache!);
            ApplyCachedState();
            return;
        }

        Apply(Pending);
    }

    /// <summary>Applies the cached state, if any (the parent's state was applied, or the sub-surface became desynchronized).</summary>
    public void ApplyCachedState()
    {
        if (HasCachedState)
        {
            HasCachedState = false;
            Apply(_cache!);
        }
    }

    /// <summary>Drops the cached state (the wl_subsurface went away: the surface is unmapped, the cache is not applied).</summary>
    public void DiscardCachedState()
    {
        if (HasCachedState)
        {
            HasCachedState = false;
            _cache!.Discard();
        }
    }

    /// <summary>Damages where this surface's tree was drawn and where it is now, when it belongs to a mapped window or popup.</summary>
    public void DamageTree() => _compositor.DamageSurfaceTree(this);

    /// <summary>Applies <paramref name="state"/> (pending or cached) to the current state.</summary>
    private void Apply(SurfaceState state)
    {
        // A new scale, transform or viewport changes what the surface shows and its size, damage or not.
        bool contentChanged = state.ScaleSet || state.TransformSet || state.SourceSet || state.DestinationSet;
        state.MoveTo(Current);
        (int dx, int dy) = (Current.Dx, Current.Dy);
        (Current.Dx, Current.Dy) = (0, 0);
        if (Current.BufferAttached)
        {
            Current.BufferAttached = false;
            WlBuffer? buffer = Current.Buffer;
            Current.Buffer = null;
            Content = buffer is null ? null : CopyBuffer(buffer, Content);
            contentChanged = true;
        }

        if (Current.ScaleSet || Current.TransformSet || Current.SourceSet || Current.DestinationSet || contentChanged)
        {
            UpdateSize();
        }

        _compositor.QueueFrameCallbacks(Current.FrameCallbacks, Current.Feedbacks);
        Current.FrameCallbacks.Clear();
        Current.Feedbacks.Clear();

        if (!Stack.SequenceEqual(PendingStack))
        {
            Stack.Clear();
            Stack.AddRange(PendingStack);
            contentChanged = true;
        }

        for (int i = 0; i < Stack.Count; i++)
        {
            Surface child = Stack[i];
            if (child != this && child.AsSubsurface is { } subsurface)
            {
                contentChanged |= subsurface.ApplyPendingPosition();
                if (subsurface.IsEffectivelySynchronized)
                {
                    child.ApplyCachedState();
                }
            }
        }

        if ((dx != 0 || dy != 0) && Role is { } role)
        {
            role.ApplyOffset(this, dx, dy);
            contentChanged = true;
        }

        Role?.AfterCommit(this);
        if (contentChanged || Current.Damaged)
        {
            Current.Damaged = false;
            _compositor.DamageSurfaceTree(this);
        }
    }

    /// <summary>
    /// At commit the buffer's size must be a multiple of the buffer scale, or the surface size would not be whole
    /// (wl_surface.attach: invalid_size). A viewport sizes the surface itself, so it is let off, and so are cursor
    /// surfaces, as wlroots lets them off: cursor themes come in sizes that are not.
    /// </summary>
    private bool CheckBufferSize()
    {
        if (!Pending.BufferAttached && !Pending.ScaleSet)
        {
            return true;
        }

        SurfaceState? cache = HasCachedState ? _cache : null;
        int scale = Latest(cache, static s => s.ScaleSet, static s => s.Scale);
        if (scale == 1 || Role is Seat.CursorRole
            || Latest(cache, static s => s.SourceSet, static s => s.Source.Width) >= 0
            || Latest(cache, static s => s.DestinationSet, static s => s.Destination.Width) >= 0)
        {
            return true;
        }

        (int Width, int Height)? size = Pending.BufferAttached ? SizeOf(Pending.Buffer)
            : cache is { BufferAttached: true } ? SizeOf(cache.Buffer)
            : Content is { } content ? (content.Width, content.Height) : null;
        if (size is not { } buffer || (buffer.Width % scale == 0 && buffer.Height % scale == 0))
        {
            return true;
        }

        Resource.PostError((uint)WlSurfaceError.InvalidSize,
            $"wl_surface#{Resource.Id}: buffer {buffer.Width}x{buffer.Height} is not a multiple of the buffer scale {scale}");
        return false;
    }

    /// <summary>A double-buffered value as it will be after this commit: pending if set, else cached if set, else current.</summary>
    private T Latest<T>(SurfaceState? cache, Func<SurfaceState, bool> isSet, Func<SurfaceState, T> value) =>
        isSet(Pending) ? value(Pending) : cache is not null && isSet(cache) ? value(cache) : value(Current);

    private static (int Width, int Height)? SizeOf(WlBuffer? buffer) =>
        buffer is null ? null
        : buffer.UserData is SinglePixelBuffer ? (1, 1)
        : ShmBuffer.FromResource(buffer) is { } shm ? (shm.Width, shm.Height) : null;

    /// <summary>Removes a destroyed child from both stacks.</summary>
    public void RemoveChild(Surface child)
    {
        Stack.Remove(child);
        PendingStack.Remove(child);
    }

    /// <summary>Whether surface-local (x, y) lies inside the surface and its input region.</summary>
    public bool ContainsInput(int x, int y)
    {
        if (x < 0 || y < 0 || x >= Width || y >= Height)
        {
            return false;
        }

        return Current.InputRegion is not { } region || region.Contains(x, y);
    }

    /// <summary>Whether buffer pixels map one to one onto surface pixels (no scale, transform or viewport).</summary>
    public bool IsIdentityMapped => Content is { } content && Current.Scale == 1 && Current.Transform == WlOutputTransform.Normal
        && Current.Source.Width < 0 && Current.Destination.Width < 0 && content.Width == Width && content.Height == Height;

    /// <summary>Maps a surface-local point (pixel centre) to a buffer pixel; false when it falls outside the buffer.</summary>
    public bool MapToBuffer(double sx, double sy, out int bx, out int by)
    {
        Image content = Content!;
        int scale = Current.Scale;
        bool swapped = IsSwapped(Current.Transform);
        double tw = (swapped ? content.Height : content.Width) / (double)scale;
        double th = (swapped ? content.Width : content.Height) / (double)scale;
        (double srcX, double srcY, double srcW, double srcH) = Current.Source;
        if (srcW < 0)
        {
            (srcX, srcY, srcW, srcH) = (0, 0, tw, th);
        }

        // Surface-local → source rectangle (viewport) → transformed buffer space (scaled).
        double u = (srcX + sx * srcW / Width) * scale;
        double v = (srcY + sy * srcH / Height) * scale;
        double w = tw * scale;
        double h = th * scale;
        (double x, double y) = Current.Transform switch
        {
            WlOutputTransform.Transform90 => (v, w - u),
            WlOutputTransform.Transform180 => (w - u, h - v),
            WlOutputTransform.Transform270 => (h - v, u),
            WlOutputTransform.Flipped => (w - u, v),
            WlOutputTransform.Flipped90 => (v, u),
            WlOutputTransform.Flipped180 => (u, h - v),
            WlOutputTransform.Flipped270 => (h - v, w - u),
            _ => (u, v),
        };
        bx = (int)Math.Floor(x);
        by = (int)Math.Floor(y);
        return bx >= 0 && by >= 0 && bx < content.Width && by < content.Height;
    }

    private static bool IsSwapped(WlOutputTransform transform) =>
        transform is WlOutputTransform.Transform90 or WlOutputTransform.Transform270 or WlOutputTransform.Flipped90 or WlOutputTransform.Flipped270;

    private void UpdateSize()
    {
        if (Content is not { } content)
        {
            (Width, Height) = (0, 0);
            return;
        }

        if (Current.Destination.Width > 0)
        {
            (Width, Height) = Current.Destination;
            return;
        }

        if (Current.Source.Width >= 0)
        {
            (Width, Height) = ((int)Math.Ceiling(Current.Source.Width), (int)Math.Ceiling(Current.Source.Height));
            return;
        }

        bool swapped = IsSwapped(Current.Transform);
        int scale = Math.Max(1, Current.Scale);
        Width = (swapped ? content.Height : content.Width) / scale;
        Height = (swapped ? content.Width : content.Height) / scale;
    }

    /// <summary>
    /// Copies the buffer's pixels (the compositor never keeps a client's memory mapped between frames), then releases
    /// the buffer: the client may reuse it at once.
    /// </summary>
    private Image? CopyBuffer(WlBuffer buffer, Image? reuse)
    {
        Image? result = null;
        if (buffer.UserData is SinglePixelBuffer solid)
        {
            result = reuse is { Width: 1, Height: 1 } ? reuse : new Image(1, 1);
            result.Pixels[0] = solid.Argb;
        }
        else if (ShmBuffer.FromResource(buffer) is { } shm)
        {
            result = reuse is not null && reuse.Width == shm.Width && reuse.Height == shm.Height ? reuse : new Image(shm.Width, shm.Height);
            bool opaque = shm.Format == WlShmFormat.Xrgb8888;
            if (!shm.TryRead((result, shm.Stride, opaque), static (pixels, state) => CopyPixels(pixels, state.result, state.Stride, state.opaque)))
            {
                return null;
            }
        }

        if (!buffer.IsDestroyed)
        {
            buffer.SendRelease();
        }

        return result;
    }

    private static void CopyPixels(ReadOnlySpan<byte> source, Image target, int stride, bool opaque)
    {
        int width = target.Width;
        for (int y = 0; y < target.Height; y++)
        {
            ReadOnlySpan<uint> row = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(source.Slice(y * stride, width * 4));
            Span<uint> destination = target.GetRow(y);
            row.CopyTo(destination);
            if (opaque)
            {
                for (int x = 0; x < destination.Length; x++)
                {
                    destination[x] |= 0xFF000000;
                }
            }
        }
    }
}
