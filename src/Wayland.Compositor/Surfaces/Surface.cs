using Wayland.Compositor.Rendering;
using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Surfaces;

/// <summary>
/// Compositor-side state of one wl_surface: pending, current and cached (synchronized sub-surface) state, the copy of
/// the last committed buffer's pixels, its role, and its sub-surface stack. Only touched on the event loop's thread.
/// </summary>
internal sealed class Surface : WlSurface.IHandler
{
    private readonly SurfaceProtocol _surfaces;
    private readonly Scene _scene;
    private readonly ContentMemory _memory;

    /// <summary>State committed while a synchronized sub-surface (valid while <see cref="HasCachedState"/>); kept for reuse.</summary>
    private SurfaceState? _cache;

    /// <summary>The most rectangles <see cref="OpaqueRectangles"/> holds; a region needing more is cut down to its largest.</summary>
    public const int MaxOpaqueRectangles = 16;

    /// <summary>Whether every pixel of <see cref="Content"/> has alpha 255 (see <see cref="OpaqueRectangles"/>).</summary>
    private bool _contentOpaque;

    /// <summary>See <see cref="OpaqueRectangles"/>: room for <see cref="MaxOpaqueRectangles"/>, made on first use.</summary>
    private Rect[]? _opaque;
    private int _opaqueCount;

    /// <summary>See <see cref="Scratch"/>.</summary>
    private DamageRegion? _scratch;

    public Surface(SurfaceProtocol surfaces, WlSurface resource)
    {
        _surfaces = surfaces;
        _scene = surfaces.Scene;
        _memory = surfaces.Memory;
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

    /// <summary>The surface's wp_viewport, while it has one (its errors are posted there).</summary>
    public WpViewport? Viewport { get; set; }

    /// <summary>Pixels of the last committed buffer (premultiplied ARGB); null when no buffer is attached.</summary>
    public ContentImage? Content { get; private set; }

    /// <summary>This surface and its sub-surfaces, bottom to top (this surface is one of the entries).</summary>
    public List<Surface> Stack { get; } = [];

    /// <summary>The stack as changed by place_above/place_below, applied on this surface's next commit.</summary>
    public List<Surface> PendingStack { get; } = [];

    /// <summary>Size in surface-local coordinates (after buffer scale, transform and viewport).</summary>
    public int Width { get; private set; }

    public int Height { get; private set; }

    /// <summary>Where the surface was drawn in the last repaint (output coordinates); the scene sets it as it lays trees out.</summary>
    public Rect LastBounds { get; set; }

    public bool IsDestroyed => Resource.IsDestroyed;

    /// <summary>Bytes of region snapshots this surface is charged for (see <see cref="ContentMemory.TryHoldRegion(Surface, Region?)"/>).</summary>
    public long RegionBytes { get; set; }

    /// <summary>Bytes this surface is charged for drawing more pixels than its content holds (see <see cref="ContentMemory.TryHoldDrawn"/>).</summary>
    public long DrawnBytes { get; set; }

    /// <summary>The surface behind a wl_surface (its handler).</summary>
    public static Surface Of(WlSurface resource) => (Surface)resource.Handler!;

    public bool HasContent => Content is not null && Width > 0 && Height > 0;

    /// <summary>The surface was destroyed: its content is freed now (the caller has stopped counting it).</summary>
    public void FreeContent()
    {
        Content?.Dispose();
        Content = null;
    }

    public Subsurface? AsSubsurface => Role as Subsurface;

    /// <summary>
    /// wl_surface.commit. A synchronized sub-surface caches the state until its parent's state is applied; any other
    /// surface applies it now, together with a cache left from when it was synchronized (the wl_subsurface rules).
    /// </summary>
    public void Commit()
    {
        if (!CheckGeometry())
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

    /// <summary>
    /// A surface whose state is being applied (see <see cref="Apply"/>): whether it is effectively synchronized, whether
    /// what it shows changed, its content offset, and the index of its next stack entry to look at.
    /// </summary>
    internal readonly record struct ApplyStep(Surface Surface, bool Synchronized, bool Changed, int Dx, int Dy, int Next = 0);

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
    public void DamageTree() => _scene.DamageSurfaceTree(this);

    /// <summary>
    /// Applies <paramref name="state"/> (pending or cached) to the current state, and with it the cached states of the
    /// synchronized sub-surfaces, theirs of their children and so on, each child after its parent's state and before
    /// its parent's role sees the commit. A client decides how deep that tree is, so it is walked with a stack of our
    /// own, never by recursion. The tree's damage is added once, when the whole tree is applied.
    /// </summary>
    private void Apply(SurfaceState state)
    {
        List<ApplyStep> steps = _scene.ApplySteps;
        int bottom = steps.Count;
        try
        {
            steps.Add(Begin(state, Role is Subsurface { IsEffectivelySynchronized: true }));
            while (steps.Count > bottom)
            {
                ApplyStep step = steps[^1];
                Surface surface = step.Surface;
                if (step.Next < surface.Stack.Count)
                {
                    steps[^1] = step with { Next = step.Next + 1 };
                    Surface child = surface.Stack[step.Next];
                    if (child != surface && child.AsSubsurface is { } subsurface && subsurface.Parent == surface)
                    {
                        if (subsurface.ApplyPendingPosition())
                        {
                            steps[^1] = steps[^1] with { Changed = true };
                        }

                        bool synchronized = subsurface.Synchronized || step.Synchronized;
                        if (synchronized && child.HasCachedState)
                        {
                            child.HasCachedState = false;
                            steps.Add(child.Begin(child._cache!, synchronized));
                        }
                    }

                    continue;
                }

                steps.RemoveAt(steps.Count - 1);
                bool changed = surface.Finish(step);
                if (steps.Count > bottom)
                {
                    // The parent damages the whole tree once it is done.
                    steps[^1] = steps[^1] with { Changed = steps[^1].Changed || changed };
                }
                else if (changed)
                {
                    _scene.DamageSurfaceTree(surface);
                }
            }
        }
        finally
        {
            steps.RemoveRange(bottom, steps.Count - bottom);
            Scene.Shrink(steps);
        }
    }

    /// <summary>
    /// The first half of applying a state: content, size, frame callbacks and the sub-surface stack. A change of size,
    /// scale, transform, viewport or stack is marked in the step (the whole tree is damaged once it is applied); a new
    /// buffer or damage alone damages only the damaged area, where the surface was drawn.
    /// </summary>
    private ApplyStep Begin(SurfaceState state, bool synchronized)
    {
        // A new scale, transform or viewport changes what the surface shows and its size, damage or not.
        bool geometryChanged = state.ScaleSet || state.TransformSet || state.SourceSet || state.DestinationSet;
        bool opaqueSet = state.OpaqueRegionSet;
        state.MoveTo(Current);
        (int dx, int dy) = (Current.Dx, Current.Dy);
        (Current.Dx, Current.Dy) = (0, 0);
        (int oldWidth, int oldHeight, bool hadContent) = (Width, Height, Content is not null);
        bool attached = Current.BufferAttached;
        if (attached)
        {
            Current.BufferAttached = false;
            WlBuffer? buffer = Current.Buffer;
            Current.Buffer = null;
            ContentImage? content = buffer is null ? null : CopyBuffer(buffer, Content, whole: geometryChanged);
            _memory.Replaced(Resource.Client, Content, content);
            if (content != Content)
            {
                Content?.Dispose();
                Content = content;
            }
        }

        if (geometryChanged || attached)
        {
            UpdateSize();
        }

        geometryChanged |= Width != oldWidth || Height != oldHeight || (Content is not null) != hadContent;
        if (attached || geometryChanged)
        {
            // Over the budget, the client is told and disconnected after this request; the state is applied all the same.
            _memory.TryHoldDrawn(this, Content is null ? 0 : _scene.MostPixelsDrawn(Width, Height));
        }

        _scene.Clock.Queue(Resource.Client.ProcessKey, Current.FrameCallbacks, Current.Feedbacks);
        Current.FrameCallbacks.Clear();
        Current.Feedbacks.Clear();

        if (opaqueSet || attached || geometryChanged)
        {
            geometryChanged |= UpdateOpaqueRectangles();
        }

        if (!Stack.SequenceEqual(PendingStack))
        {
            Stack.Clear();
            Stack.AddRange(PendingStack);
            geometryChanged = true;
        }

        if (!geometryChanged && (attached || Current.Damaged))
        {
            // A buffer attached without damage is taken as damaging all of it.
            DamageRegion local = Scratch;
            if (!Current.Damaged || !LocalDamage(local))
            {
                local.Clear();
                local.Add(new Rect(0, 0, Width, Height));
            }

            _scene.DamageSurfaceArea(this, local);
        }

        Current.SurfaceDamage.Clear();
        Current.BufferDamage.Clear();
        return new ApplyStep(this, synchronized, geometryChanged, dx, dy);
    }

    /// <summary>The second half, once the sub-surfaces are applied: the content offset and the role; true when the tree's geometry changed.</summary>
    private bool Finish(ApplyStep step)
    {
        bool changed = step.Changed;
        if ((step.Dx != 0 || step.Dy != 0) && Role is { } role)
        {
            role.ApplyOffset(this, step.Dx, step.Dy);
            changed = true;
        }

        Role?.AfterCommit(this);
        return changed;
    }

    /// <summary>A region reused for this surface's damage in buffer or surface coordinates while a state is applied.</summary>
    private DamageRegion Scratch => _scratch ??= new DamageRegion();

    /// <summary>Whether each buffer pixel is one pixel of an output of <paramref name="outputScale"/> (its buffer scale, no transform, no viewport).</summary>
    public bool IsPixelMappedAt(int outputScale) => IsScaleOnlyMapped && Current.Scale == outputScale;

    /// <summary>Whether the buffer maps onto the surface by its scale alone (no transform, no viewport): damage then maps exactly.</summary>
    private bool IsScaleOnlyMapped => Current.Transform == WlOutputTransform.Normal && Current.Source.Width < 0 && Current.Destination.Width < 0;

    /// <summary>The current state's damage in surface-local coordinates; false when it does not map simply (take the whole surface).</summary>
    private bool LocalDamage(DamageRegion into) =>
        MapDamage(into, new Rect(0, 0, Width, Height), Current.SurfaceDamage, Current.BufferDamage, toBuffer: false);

    /// <summary>The current state's damage in buffer pixels of a <paramref name="width"/> × <paramref name="height"/> buffer; false when it does not map simply.</summary>
    private bool BufferDamage(int width, int height, DamageRegion into) =>
        Current.Damaged && MapDamage(into, new Rect(0, 0, width, height), Current.BufferDamage, Current.SurfaceDamage, toBuffer: true);

    /// <summary>
    /// Puts the damage given in the wanted coordinates (<paramref name="direct"/>) and the damage given in the other
    /// ones, mapped through the buffer scale (<paramref name="scaled"/>), into <paramref name="into"/>, clipped to
    /// <paramref name="limits"/>. Buffer pixels partly covering a surface pixel damage all of it.
    /// </summary>
    private bool MapDamage(DamageRegion into, Rect limits, DamageRegion direct, DamageRegion scaled, bool toBuffer)
    {
        into.Clear();
        if (!IsScaleOnlyMapped)
        {
            return false;
        }

        foreach (Rect rect in direct.Rectangles)
        {
            into.Add(rect.Intersect(limits));
        }

        double scale = toBuffer ? Math.Max(1, Current.Scale) : 1.0 / Math.Max(1, Current.Scale);
        foreach (Rect rect in scaled.Rectangles)
        {
            long left = (long)Math.Floor(rect.X * scale), top = (long)Math.Floor(rect.Y * scale);
            long right = (long)Math.Ceiling(rect.Right * scale), bottom = (long)Math.Ceiling(rect.Bottom * scale);
            into.Add(new Rect(Rect.Saturate(left), Rect.Saturate(top), Rect.Saturate(right - left), Rect.Saturate(bottom - top)).Intersect(limits));
        }

        return true;
    }

    /// <summary>
    /// Checks, before anything of the commit is used, that the buffer and the geometry the surface will have fit
    /// together; a mismatch is the client's mistake and gets the protocol's error (the commit is then dropped):
    /// <list type="bullet">
    /// <item><description>an shm buffer whose stride is shorter than its row of pixels: wl_shm invalid_stride on the
    /// wl_buffer (libwayland only checks stride ≥ width at create_buffer; the pixels are 4 bytes each);</description></item>
    /// <item><description>a buffer size that is not a multiple of the buffer scale: wl_surface invalid_size. A viewport
    /// sizes the surface itself, so it is let off, and so are cursor surfaces, as wlroots lets them off: cursor themes
    /// come in sizes that are not;</description></item>
    /// <item><description>a viewport source rectangle outside the buffer: wp_viewport out_of_buffer; one without a
    /// destination whose size is not whole: wp_viewport bad_size.</description></item>
    /// </list>
    /// </summary>
    private bool CheckGeometry()
    {
        if (Pending.BufferAttached && ShmBuffer.FromResource(Pending.Buffer) is { } shm && !shm.Resource.IsDestroyed
            && (long)shm.Width * 4 > shm.Stride)
        {
            shm.Resource.PostError((uint)WlShmError.InvalidStride,
                $"wl_buffer#{shm.Resource.Id}: stride {shm.Stride} is shorter than a row of {shm.Width} pixels of 4 bytes");
            return false;
        }

        if (!Pending.BufferAttached && !Pending.ScaleSet && !Pending.TransformSet && !Pending.SourceSet && !Pending.DestinationSet)
        {
            return true;
        }

        SurfaceState? cache = HasCachedState ? _cache : null;
        (int Width, int Height)? size = Pending.BufferAttached ? SizeOf(Pending.Buffer)
            : cache is { BufferAttached: true } ? SizeOf(cache.Buffer)
            : Content is { } content ? (content.Width, content.Height) : null;
        if (size is not { } buffer)
        {
            // No buffer: nothing to check against (a NULL buffer raises no out_of_buffer either).
            return true;
        }

        int scale = Latest(cache, static s => s.ScaleSet, static s => s.Scale);
        (double X, double Y, double Width, double Height) source = Latest(cache, static s => s.SourceSet, static s => s.Source);
        (int Width, int Height) destination = Latest(cache, static s => s.DestinationSet, static s => s.Destination);
        if (scale != 1 && Role is not Seat.CursorRole && source.Width < 0 && destination.Width < 0
            && (buffer.Width % scale != 0 || buffer.Height % scale != 0))
        {
            Resource.PostError((uint)WlSurfaceError.InvalidSize,
                $"wl_surface#{Resource.Id}: buffer {buffer.Width}x{buffer.Height} is not a multiple of the buffer scale {scale}");
            return false;
        }

        if (source.Width < 0 || Viewport is not { IsDestroyed: false } viewport)
        {
            return true;
        }

        // The source rectangle is in surface coordinates before the viewport: after transform and scale.
        bool swapped = IsSwapped(Latest(cache, static s => s.TransformSet, static s => s.Transform));
        double width = (swapped ? buffer.Height : buffer.Width) / (double)scale;
        double height = (swapped ? buffer.Width : buffer.Height) / (double)scale;
        if (source.X + source.Width > width || source.Y + source.Height > height)
        {
            viewport.PostError((uint)WpViewportError.OutOfBuffer,
                $"wp_viewport#{viewport.Id}: source {source.X},{source.Y} {source.Width}x{source.Height} lies outside the {width}x{height} buffer");
            return false;
        }

        if (destination.Width < 0 && (source.Width != Math.Floor(source.Width) || source.Height != Math.Floor(source.Height)))
        {
            viewport.PostError((uint)WpViewportError.BadSize,
                $"wp_viewport#{viewport.Id}: source size {source.Width}x{source.Height} is not whole and no destination size is set");
            return false;
        }

        return true;
    }

    /// <summary>A double-buffered value as it will be after this commit: pending if set, else cached if set, else current.</summary>
    private T Latest<T>(SurfaceState? cache, Func<SurfaceState, bool> isSet, Func<SurfaceState, T> value) =>
        isSet(Pending) ? value(Pending) : cache is not null && isSet(cache) ? value(cache) : value(Current);

    private static (int Width, int Height)? SizeOf(WlBuffer? buffer) =>
        buffer is null ? null
        : buffer.Handler is SinglePixelBuffer ? (1, 1)
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

    /// <summary>
    /// Disjoint surface-local rectangles inside the surface where it is opaque: all of it when its identity-mapped
    /// content came from XRGB buffers only (or is an opaque single-pixel buffer at 1×1), else the part of its opaque
    /// region (wl_surface.set_opaque_region) inside it, when its content is identity-mapped; none otherwise. Nothing
    /// below needs drawing there, and the surface's pixels there are copied with alpha 255 rather than blended.
    /// </summary>
    public ReadOnlySpan<Rect> OpaqueRectangles => _opaque.AsSpan(0, _opaqueCount);

    /// <summary>Whether buffer pixels map one to one onto surface pixels (no scale, transform or viewport).</summary>
    public bool IsIdentityMapped => Content is { } content && Current.Scale == 1 && Current.Transform == WlOutputTransform.Normal
        && Current.Source.Width < 0 && Current.Destination.Width < 0 && content.Width == Width && content.Height == Height;

    /// <summary>
    /// Whether the buffer's axes are swapped against the surface's (a transform of a quarter or three quarters of a
    /// turn). Every transform keeps the axes apart: a buffer x depends on the surface-local x alone, and a buffer y on the
    /// surface-local y alone, or, swapped, on the other one, so a drawing can map each column and each row once.
    /// </summary>
    public bool AxesSwapped => IsSwapped(Current.Transform);

    /// <summary>Maps a surface-local point (pixel centre) to a buffer pixel, which may lie outside the buffer.</summary>
    public void MapToBuffer(double sx, double sy, out int bx, out int by)
    {
        ContentImage content = Content!;
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
    }

    /// <summary>Recomputes <see cref="OpaqueRectangles"/> from the current state; true when they changed (what the surface shows changed).</summary>
    private bool UpdateOpaqueRectangles()
    {
        Span<Rect> fresh = stackalloc Rect[MaxOpaqueRectangles];
        int count = 0;
        if (HasContent && IsIdentityMapped)
        {
            Rect whole = new(0, 0, Width, Height);
            if (_contentOpaque)
            {
                fresh[count++] = whole;
            }
            else if (Current.OpaqueRegion is { } region)
            {
                count = region.ToRectangles(whole, fresh);
            }
        }

        if (fresh[..count].SequenceEqual(OpaqueRectangles))
        {
            return false;
        }

        _opaque ??= new Rect[MaxOpaqueRectangles];
        fresh[..count].CopyTo(_opaque);
        _opaqueCount = count;
        return true;
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
    /// the buffer: the client may reuse it at once. Into an image of the same size, only the damaged area is copied
    /// (the rest of the buffer shows what the surface showed, as the protocol has it), unless <paramref name="whole"/>.
    /// </summary>
    private ContentImage? CopyBuffer(WlBuffer buffer, ContentImage? reuse, bool whole)
    {
        ContentImage? result = null;
        if (buffer.Handler is SinglePixelBuffer solid)
        {
            if (reuse is { Width: 1, Height: 1 })
            {
                result = reuse;
            }
            else if (!_memory.TryMake(Resource, 1, 1, reuse, out result))
            {
                return null;
            }

            using (ContentImage.Access pixels = result.Open())
            {
                pixels.Pixels[0] = solid.Argb;
            }

            _contentOpaque = solid.Argb >> 24 == 255;
        }
        else if (ShmBuffer.FromResource(buffer) is { } shm)
        {
            DamageRegion? damage = null;
            if (reuse is not null && reuse.Width == shm.Width && reuse.Height == shm.Height)
            {
                result = reuse;
                damage = !whole && BufferDamage(shm.Width, shm.Height, Scratch) ? Scratch : null;
            }
            else if (!_memory.TryMake(Resource, shm.Width, shm.Height, reuse, out result))
            {
                return null;
            }

            bool opaque = shm.Format == WlShmFormat.Xrgb8888;

            // A partial copy keeps the rest of the old content: opaque only if that was too.
            _contentOpaque = opaque && (damage is null || _contentOpaque);

            // Only the rows the damage spans are read: from a pool that is not sealed, a read copies what it covers
            // out of the client's file, and a small damage of a big buffer must not cost the whole buffer.
            Rect band = damage?.Bounds ?? new Rect(0, 0, shm.Width, shm.Height);
            int firstRow = band.Y;
            bool read;
            using (ContentImage.Access pixels = result.Open())
            {
                read = shm.TryRead(firstRow, band.Height, new CopyState(pixels, shm.Stride, opaque, damage, firstRow),
                    static (source, state) => CopyPixels(source, state));
            }

            if (!read)
            {
                if (result != reuse)
                {
                    result.Dispose();
                }

                return null;
            }
        }

        if (!buffer.IsDestroyed)
        {
            buffer.SendRelease();
        }

        return result;
    }

    /// <summary>
    /// Copies the rectangles of the state's damage (all of the content when null) from the shm bytes into the content;
    /// <paramref name="source"/> starts at the state's first row of the buffer.
    /// </summary>
    private static void CopyPixels(ReadOnlySpan<byte> source, CopyState state)
    {
        if (state.Damage is null)
        {
            CopyRect(source, state, new Rect(0, 0, state.Target.Width, state.Target.Height));
            return;
        }

        foreach (Rect rect in state.Damage.Rectangles)
        {
            CopyRect(source, state, rect);
        }
    }

    private static void CopyRect(ReadOnlySpan<byte> source, CopyState state, Rect rect)
    {
        ContentImage.Access target = state.Target;
        (int stride, bool opaque, int firstRow) = (state.Stride, state.Opaque, state.FirstRow);
        // The commit checked the stride against the width; the rows are held inside what was handed over anyway.
        for (int y = Math.Max(rect.Y, firstRow); y < rect.Bottom; y++)
        {
            long start = ((long)(y - firstRow) * stride) + (rect.X * 4L);
            if (start + (rect.Width * 4L) > source.Length)
            {
                break;
            }

            ReadOnlySpan<uint> row = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(source.Slice((int)start, rect.Width * 4));
            Span<uint> destination = target.GetRow(y).Slice(rect.X, rect.Width);
            if (opaque)
            {
                Blending.CopyOpaque(row, destination);
            }
            else
            {
                row.CopyTo(destination);
            }
        }
    }

    /// <summary>What <see cref="CopyPixels"/> needs besides the bytes: the content open for writing, and where the bytes fall in it.</summary>
    private readonly ref struct CopyState(ContentImage.Access target, int stride, bool opaque, DamageRegion? damage, int firstRow)
    {
        public ContentImage.Access Target { get; } = target;

        public int Stride { get; } = stride;

        public bool Opaque { get; } = opaque;

        public DamageRegion? Damage { get; } = damage;

        public int FirstRow { get; } = firstRow;
    }

    // wl_surface requests


    void WlSurface.IHandler.Attach(WlSurface resource, WlBuffer? buffer, int x, int y)
    {
        if ((x != 0 || y != 0) && resource.Version >= WlSurfaceInterface.Requests.OffsetSince)
        {
            resource.PostError((uint)WlSurfaceError.InvalidOffset,
                $"wl_surface#{resource.Id}: attach with a non-zero offset; use wl_surface.offset from version 5");
            return;
        }

        Pending.BufferAttached = true;
        Pending.Buffer = buffer;
        if (resource.Version < WlSurfaceInterface.Requests.OffsetSince)
        {
            // Before version 5 attach carries the offset; from 5 on it is wl_surface.offset's alone.
            (Pending.Dx, Pending.Dy) = (x, y);
        }
    }

    void WlSurface.IHandler.Offset(WlSurface resource, int x, int y)
    {
        Pending.Dx = x;
        Pending.Dy = y;
    }

    void WlSurface.IHandler.Damage(WlSurface resource, int x, int y, int width, int height) =>
        Pending.SurfaceDamage.Add(new Rect(x, y, width, height));

    void WlSurface.IHandler.DamageBuffer(WlSurface resource, int x, int y, int width, int height) =>
        Pending.BufferDamage.Add(new Rect(x, y, width, height));

    void WlSurface.IHandler.Frame(WlSurface resource, WlCallback callback) => Pending.FrameCallbacks.Add(callback);

    void WlSurface.IHandler.SetOpaqueRegion(WlSurface resource, WlRegion? region)
    {
        Region? snapshot = (region?.Handler as Region)?.Clone();
        if (_memory.TryHoldRegion(this, snapshot))
        {
            Pending.OpaqueRegionSet = true;
            Pending.OpaqueRegion = snapshot;
        }
    }

    void WlSurface.IHandler.SetInputRegion(WlSurface resource, WlRegion? region)
    {
        Region? snapshot = (region?.Handler as Region)?.Clone();
        if (_memory.TryHoldRegion(this, snapshot))
        {
            Pending.InputRegionSet = true;
            Pending.InputRegion = snapshot;
        }
    }

    void WlSurface.IHandler.SetBufferScale(WlSurface resource, int scale)
    {
        if (scale < 1)
        {
            resource.PostError((uint)WlSurfaceError.InvalidScale, $"wl_surface#{resource.Id}: buffer scale {scale} is not positive");
            return;
        }

        Pending.ScaleSet = true;
        Pending.Scale = scale;
    }

    void WlSurface.IHandler.SetBufferTransform(WlSurface resource, WlOutputTransform transform)
    {
        if ((uint)transform > (uint)WlOutputTransform.Flipped270)
        {
            resource.PostError((uint)WlSurfaceError.InvalidTransform,
                $"wl_surface#{resource.Id}: buffer transform {(uint)transform} is not a wl_output.transform");
            return;
        }

        Pending.TransformSet = true;
        Pending.Transform = transform;
    }

    void WlSurface.IHandler.Commit(WlSurface resource)
    {
        _surfaces.CountCommit();
        Commit();
    }
}
