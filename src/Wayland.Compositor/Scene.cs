using Wayland.Compositor.Diagnostics;
using Wayland.Compositor.Output;
using Wayland.Compositor.Rendering;
using Wayland.Compositor.Shell;
using Wayland.Compositor.Surfaces;
using Wayland.Server;

namespace Wayland.Compositor;

/// <summary>
/// The scene: the mapped windows and popups and their stacking, hit testing, damage and where each surface was last
/// drawn (its bounds), and the framebuffers they are composited into: one in logical coordinates for every output of
/// scale 1, and one in pixels for each output of a larger scale. It tells the seat about changes through
/// its events and never calls the seat; its <see cref="Clock"/> paces the repaints. Only touched on the loop's thread.
/// </summary>
internal sealed class Scene
{
    /// <summary>Offset between successive new windows (cascading placement).</summary>
    private const int CascadeStep = 32;

    /// <summary>The most opaque rectangles cut out of one damaged rectangle (see <see cref="Occlude"/>).</summary>
    private const int MaxCuts = 64;

    /// <summary>The most uncovered pieces one damaged rectangle is cut into (see <see cref="Occlude"/>).</summary>
    private const int MaxUncovered = 32;

    private readonly Image _framebuffer;

    /// <summary>For each output of scale above 1, its own framebuffer of its mode's pixels; null for an output of scale 1.</summary>
    private readonly Image?[] _scaledFramebuffers;
    private readonly uint _background;
    private readonly List<Toplevel> _windows = [];
    private readonly List<Popup> _popups = [];

    /// <summary>Surfaces of the trees being walked, with their origins (see <see cref="CollectTree"/>); reused, so walks allocate nothing.</summary>
    private readonly List<TreeEntry> _treeEntries = [];

    /// <summary>The explicit stack of <see cref="CollectTree"/>: a client decides how deep a tree is, so no walk recurses.</summary>
    private readonly List<TreeEntry> _treeWalk = [];
    private readonly DamageRegion _damage = new();

    /// <summary>A capture repainted damage since the last refresh (see <see cref="RepaintForRefresh"/>).</summary>
    private bool _paintedByCapture;

    /// <summary>The parts of a damaged rectangle not yet covered while <see cref="Occlude"/> cuts it.</summary>
    private readonly Rect[] _uncovered = new Rect[MaxUncovered];

    /// <summary>The pieces <see cref="Occlude"/> cuts a damaged rectangle into, each with the surface it is drawn from.</summary>
    private readonly (Rect Piece, int First)[] _pieces = new (Rect, int)[MaxCuts + MaxUncovered];
    private int _nextWindowId;

    /// <summary>Whether <see cref="DismissOrphanPopups"/> runs: the popups it unmaps leave the rest of the work to it.</summary>
    private bool _dismissingOrphans;

    /// <summary>Whether <see cref="UnmapClient"/> runs: the windows it unmaps leave the rest of the work to it.</summary>
    private bool _unmappingClient;

    public Scene(IReadOnlyList<OutputInfo> outputs, uint background, EventLoop loop, CompositorMetrics metrics)
    {
        Outputs = outputs;
        Output = outputs[0];
        Desktop = OutputInfo.Desktop(outputs);
        _background = background;
        _framebuffer = new Image(Desktop.Width, Desktop.Height);
        Renderer.Fill(_framebuffer, Desktop, background);
        _scaledFramebuffers = new Image?[outputs.Count];
        for (int i = 0; i < outputs.Count; i++)
        {
            if (outputs[i].Scale > 1)
            {
                Image pixels = new(outputs[i].Width, outputs[i].Height);
                Renderer.Fill(pixels, new Rect(0, 0, pixels.Width, pixels.Height), background);
                _scaledFramebuffers[i] = pixels;
            }
        }
        Clock = new FrameClock(loop, Output.RefreshMilliHertz, metrics, RepaintForRefresh);
    }

    /// <summary>
    /// The stacking changed (a window or popup mapped, unmapped or raised): the top window may be another one, and
    /// what is under the pointer may have changed.
    /// </summary>
    public event Action? StackChanged;

    /// <summary>A window moved: what is under the pointer may have changed.</summary>
    public event Action? WindowMoved;

    /// <summary>A surface was destroyed (after the scene let go of it).</summary>
    public event Action<Surface>? SurfaceRemoved;

    /// <summary>
    /// Whether a serial is one a popup of a client may grab with (xdg_popup.grab): set
    /// by the seat, which knows the presses it sent. Without a seat, no grab is valid.
    /// </summary>
    public Func<Client, uint, bool> IsGrabSerial { get; set; } = (_, _) => false;

    /// <summary>A window is about to be unmapped (destroyed, or its buffer removed): it is still in the stack and on screen.</summary>
    public event Action<Toplevel>? ToplevelUnmapping;

    /// <summary>The first output: windows are placed, maximized and constrained there.</summary>
    public OutputInfo Output { get; }

    public IReadOnlyList<OutputInfo> Outputs { get; }

    /// <summary>Every output's logical area: the framebuffer, what the pointer may cross.</summary>
    public Rect Desktop { get; }

    /// <summary>
    /// The most pixels a surface of <paramref name="width"/> × <paramref name="height"/> can make one repaint draw,
    /// wherever it is: its area on the logical framebuffer, and its area times the scale squared on each output of a
    /// larger scale, each at most the whole of that framebuffer.
    /// </summary>
    public long MostPixelsDrawn(int width, int height)
    {
        long area = (long)width * height;
        long pixels = Math.Min(area, (long)Desktop.Width * Desktop.Height);
        for (int o = 0; o < Outputs.Count; o++) // not foreach: the list's enumerator would be boxed on every commit
        {
            OutputInfo output = Outputs[o];
            long all = (long)output.Width * output.Height;
            if (output.Scale > 1)
            {
                pixels += area >= all ? all : Math.Min(area * output.Scale * output.Scale, all);
            }
        }

        return pixels;
    }

    public FrameClock Clock { get; }

    /// <summary>The bounding box of the damage not repainted yet (empty when there is none).</summary>
    public Rect PendingDamage => _damage.Bounds;

    /// <summary>The mapped windows, bottom to top.</summary>
    public IReadOnlyList<Toplevel> Windows => _windows;

    /// <summary>The explicit stack of <see cref="Surface"/>'s apply walk, reused so that commits allocate nothing.</summary>
    public List<Surface.ApplyStep> ApplySteps { get; } = [];

    public int NextWindowId() => ++_nextWindowId;

    public Toplevel? FindWindow(int id) => _windows.Find(w => w.Id == id);

    public Toplevel? TopWindow() => _windows.Count > 0 ? _windows[^1] : null;

    /// <summary>A copy of the output's pixels as they are now (pending damage is repainted first).</summary>
    public Image CaptureOutput(int index)
    {
        // What a capture paints ahead of the refresh still counts as that refresh's frame.
        _paintedByCapture |= RepaintDamage();
        OutputInfo output = Outputs[index];
        return _scaledFramebuffers[index] is { } pixels
            ? pixels.Crop(0, 0, pixels.Width, pixels.Height)
            : _framebuffer.Crop(output.X, output.Y, output.Width, output.Height);
    }

    /// <summary>One window on its own (with its sub-surfaces, not popups or overlapping windows), transparent around it.</summary>
    public Image CaptureWindow(Toplevel window)
    {
        Rect bounds = window.Bounds;
        Image image = new(Math.Max(1, bounds.Width), Math.Max(1, bounds.Height));
        (int x, int y) = window.SurfaceOrigin;
        DrawTree(image, window.XdgSurface.Surface, x - bounds.X, y - bounds.Y, new Rect(0, 0, image.Width, image.Height));
        return image;
    }

    /// <summary>Moves a window's top-left corner (window geometry); its popups move with it.</summary>
    public void Move(Toplevel window, int x, int y)
    {
        // Where the window and its popups were drawn, and where they are now.
        DamageToplevel(window);
        (window.X, window.Y) = (x, y);
        DamageToplevel(window);
        WindowMoved?.Invoke();
    }

    /// <summary>
    /// Damages where the tree of the mapped window or popup holding <paramref name="surface"/> was drawn and where it
    /// is now, and the same for the popups above it (they move with it); nothing when that tree is not shown.
    /// </summary>
    public void DamageSurfaceTree(Surface surface)
    {
        if (RootOf(surface) is { } root)
        {
            DamageRoot(root.Role, root.Origin);
        }
    }

    /// <summary>
    /// Damages the surface-local rectangles of <paramref name="local"/> where the surface was drawn last, when its tree
    /// is shown: its content changed but not its size or place (those damage the whole tree).
    /// </summary>
    public void DamageSurfaceArea(Surface surface, DamageRegion local)
    {
        if (RootOf(surface) is null)
        {
            return;
        }

        Rect bounds = surface.LastBounds;
        foreach (Rect rect in local.Rectangles)
        {
            Damage(rect.Offset(bounds.X, bounds.Y).Intersect(bounds));
        }
    }

    /// <summary>
    /// Damages where <paramref name="top"/> and the sub-surfaces under it were drawn last, when its tree is shown: the
    /// part of a tree that leaves it (a sub-surface detached with its own sub-surfaces). The rest of the tree stays as
    /// it was, so only what the leaving part covered is repainted.
    /// </summary>
    public void DamageSubtreeDrawn(Surface top)
    {
        if (RootOf(top) is null)
        {
            return;
        }

        int start = CollectTree(top, 0, 0);
        for (int i = start; i < _treeEntries.Count; i++)
        {
            Damage(_treeEntries[i].Surface.LastBounds);
        }

        ReleaseTree(start);
    }

    public void OnSurfaceDestroyed(Surface surface)
    {
        Damage(surface.LastBounds);
        surface.Role?.SurfaceDestroyed(surface);
        foreach (Surface child in surface.Stack.ToArray())
        {
            if (child != surface && child.AsSubsurface is { } subsurface)
            {
                subsurface.Detach();
            }
        }

        SurfaceRemoved?.Invoke(surface);
    }

    public void MapToplevel(Toplevel window)
    {
        int index = _windows.Count % 8;
        if (!window.IsMaximized && !window.IsFullscreen)
        {
            Rect geometry = window.XdgSurface.WindowGeometry;
            window.X = Math.Max(0, Math.Min((index * CascadeStep) + CascadeStep, Output.LogicalWidth - geometry.Width));
            window.Y = Math.Max(0, Math.Min((index * CascadeStep) + CascadeStep, Output.LogicalHeight - geometry.Height));
        }

        _windows.Add(window);
        Raise(window);
    }

    public void UnmapToplevel(Toplevel window)
    {
        ToplevelUnmapping?.Invoke(window);
        DamageToplevel(window);
        _windows.Remove(window);
        if (_unmappingClient)
        {
            // UnmapClient dismisses the orphans and reports the change once, for all the client's windows.
            return;
        }

        DismissOrphanPopups();
        StackChanged?.Invoke();
    }

    /// <summary>
    /// Unmaps every window and popup of <paramref name="client"/>, which is leaving, at once, and reports the change of
    /// stacking once: unmapped one by one as its objects are destroyed, each would make the seat look for the new top
    /// window and hit-test every window under the pointer again, and each would stay on screen until its turn came.
    /// </summary>
    public void UnmapClient(Client client)
    {
        bool any = false;
        _unmappingClient = true;
        try
        {
            for (int i = _windows.Count - 1; i >= 0; i = Math.Min(i - 1, _windows.Count - 1))
            {
                if (_windows[i].Resource.Client == client)
                {
                    _windows[i].Unmap();
                    any = true;
                }
            }
        }
        finally
        {
            _unmappingClient = false;
        }

        // Its popups are children of its own windows and popups, now hidden: orphans.
        if (any)
        {
            DismissOrphanPopups();
            StackChanged?.Invoke();
        }
    }

    public void MapPopup(Popup popup)
    {
        _popups.Add(popup);
        DamageSurfaceTree(popup.XdgSurface.Surface);
        StackChanged?.Invoke();
    }

    public void UnmapPopup(Popup popup)
    {
        // The popup's sub-surfaces go with it; popups above it lose their parent and are dismissed.
        DamageTreeAt(popup.XdgSurface.Surface, popup.SurfaceOrigin);
        _popups.Remove(popup);
        if (_dismissingOrphans)
        {
            // Dismissed by DismissOrphanPopups, which goes on from here and whose caller reports the change once.
            return;
        }

        DismissOrphanPopups();
        StackChanged?.Invoke();
    }

    /// <summary>The surface of the topmost mapped popup holding a grab (it has keyboard focus), if any.</summary>
    public Surface? TopGrabbingPopup()
    {
        for (int i = _popups.Count - 1; i >= 0; i--)
        {
            if (_popups[i].HasGrab)
            {
                return _popups[i].XdgSurface.Surface;
            }
        }

        return null;
    }

    /// <summary>Dismisses grabbing popups when a button is pressed outside them (the popup grab protocol).</summary>
    public void DismissPopupsOutside(Surface? target)
    {
        // Dismissing one popup dismisses the popups above it as well: the index is kept inside the shrinking list.
        for (int i = _popups.Count - 1; i >= 0; i = Math.Min(i - 1, _popups.Count - 1))
        {
            Popup popup = _popups[i];
            if (!popup.HasGrab || (target is not null && target.Resource.Client == popup.Resource.Client))
            {
                continue;
            }

            popup.Dismiss(sendDone: true);
        }
    }

    /// <summary>
    /// Output position of the wl_surface origin of a toplevel or popup: a popup's origin is its parent's plus its
    /// placement, so the chain of parents is walked up to the window. A loop, not a recursion: a popup's parent was
    /// constructed before it (see <see cref="Popup.MaxDepth"/>), so the chain ends, and its length is bounded.
    /// </summary>
    public static (int X, int Y) SurfaceOriginOf(XdgSurfaceRole role)
    {
        long x = 0;
        long y = 0;
        XdgSurfaceRole current = role;
        for (int depth = 0; current.Popup is { } popup && depth <= Popup.MaxDepth; depth++)
        {
            Rect parentGeometry = popup.Parent.WindowGeometry;
            Rect geometry = current.WindowGeometry;
            x += (long)parentGeometry.X + popup.Placement.X - geometry.X + popup.Offset.X;
            y += (long)parentGeometry.Y + popup.Placement.Y - geometry.Y + popup.Offset.Y;
            current = popup.Parent;
        }

        if (current.Toplevel is { } toplevel)
        {
            (int windowX, int windowY) = toplevel.SurfaceOrigin;
            x += windowX;
            y += windowY;
        }

        return (Rect.Saturate(x), Rect.Saturate(y));
    }

    /// <summary>The topmost surface under an output point that accepts input, with the point in its coordinates.</summary>
    public Surface? SurfaceAt(int x, int y, out int localX, out int localY)
    {
        for (int i = _popups.Count - 1; i >= 0; i--)
        {
            (int ox, int oy) = _popups[i].SurfaceOrigin;
            if (HitTree(_popups[i].XdgSurface.Surface, x - ox, y - oy, out Surface? hit, out localX, out localY))
            {
                return hit;
            }
        }

        for (int i = _windows.Count - 1; i >= 0; i--)
        {
            (int ox, int oy) = _windows[i].SurfaceOrigin;
            if (HitTree(_windows[i].XdgSurface.Surface, x - ox, y - oy, out Surface? hit, out localX, out localY))
            {
                return hit;
            }
        }

        (localX, localY) = (0, 0);
        return null;
    }

    public Toplevel? WindowOf(Surface surface) => RootOf(surface) is { Role.Toplevel: { } window } ? window : null;

    public void Raise(Toplevel window)
    {
        _windows.Remove(window);
        _windows.Add(window);
        DamageToplevel(window);
        StackChanged?.Invoke();

        // Like weston on click-to-activate: the window getting focus finds out whether its client still answers.
        window.XdgSurface.Shell.Ping();
    }

    /// <summary>Whether a popup's parents, up to a window, are all shown (a chain of at most <see cref="Popup.MaxDepth"/>).</summary>
    public static bool IsShown(Popup popup)
    {
        XdgSurfaceRole parent = popup.Parent;
        for (int depth = 0; parent.Popup is { } below; depth++)
        {
            if (!below.IsMapped || depth > Popup.MaxDepth)
            {
                return false;
            }

            parent = below.Parent;
        }

        return parent.Toplevel is { IsMapped: true };
    }

    /// <summary>
    /// Gives back the memory of a walk list that a huge tree grew, once it is empty again: what a client made the
    /// compositor hold for one walk does not stay after it.
    /// </summary>
    public static void Shrink<T>(List<T> list)
    {
        const int Kept = 16384;
        if (list.Count == 0 && list.Capacity > Kept)
        {
            list.Capacity = Kept;
        }
    }

    /// <summary>The topmost surface of a tree (root at the origin) under (x, y) that accepts input.</summary>
    private bool HitTree(Surface root, int x, int y, out Surface? hit, out int localX, out int localY)
    {
        int start = CollectTree(root, 0, 0);
        try
        {
            // Paint order backwards: topmost first.
            for (int i = _treeEntries.Count - 1; i >= start; i--)
            {
                TreeEntry entry = _treeEntries[i];
                int sx = Rect.Saturate((long)x - entry.X);
                int sy = Rect.Saturate((long)y - entry.Y);
                if (entry.Surface.HasContent && entry.Surface.ContainsInput(sx, sy))
                {
                    (hit, localX, localY) = (entry.Surface, sx, sy);
                    return true;
                }
            }
        }
        finally
        {
            ReleaseTree(start);
        }

        (hit, localX, localY) = (null, 0, 0);
        return false;
    }

    /// <summary>
    /// Appends the surfaces of the sub-surface tree of <paramref name="root"/> to <see cref="_treeEntries"/> in paint
    /// order (bottom to top), each with its origin, the root's at (<paramref name="x"/>, <paramref name="y"/>); returns
    /// where they start. Depth first with a stack of its own: a client may nest sub-surfaces as deep as it likes. The
    /// tree has no cycles (wl_subcompositor refuses a parent that is a descendant), and an entry is only followed from
    /// the surface that is its parent.
    /// </summary>
    private int CollectTree(Surface root, int x, int y)
    {
        int start = _treeEntries.Count;
        int bottom = _treeWalk.Count;
        _treeWalk.Add(new TreeEntry(root, x, y));
        while (_treeWalk.Count > bottom)
        {
            TreeEntry top = _treeWalk[^1];
            Surface surface = top.Surface;
            if (top.Next >= surface.Stack.Count)
            {
                _treeWalk.RemoveAt(_treeWalk.Count - 1);
                continue;
            }

            _treeWalk[^1] = top with { Next = top.Next + 1 };
            Surface entry = surface.Stack[top.Next];
            if (entry == surface)
            {
                _treeEntries.Add(top);
            }
            else if (entry.AsSubsurface is { } sub && sub.Parent == surface)
            {
                _treeWalk.Add(new TreeEntry(entry, Rect.Saturate((long)top.X + sub.X), Rect.Saturate((long)top.Y + sub.Y)));
            }
        }

        return start;
    }

    /// <summary>Where <paramref name="surface"/>'s origin is on the desktop (its root's origin plus the sub-surface offsets
    /// on the way), when its tree is shown; null when not.</summary>
    public (int X, int Y)? PositionOf(Surface surface)
    {
        if (RootOf(surface) is not { } root)
        {
            return null;
        }

        long x = root.Origin.X;
        long y = root.Origin.Y;
        for (Surface current = surface; current.AsSubsurface is { Parent: { } parent } sub; current = parent)
        {
            x += sub.X;
            y += sub.Y;
        }

        return (Rect.Saturate(x), Rect.Saturate(y));
    }

    /// <summary>The toplevel or popup at the root of a surface's sub-surface tree, with its surface origin; null when unmapped.</summary>
    private static (XdgSurfaceRole Role, (int X, int Y) Origin)? RootOf(Surface surface)
    {
        Surface root = surface;
        while (root.AsSubsurface is { Parent: { } parent })
        {
            root = parent;
        }

        if (root.AsSubsurface is not null || root.Role is not XdgSurfaceRole role)
        {
            return null;
        }

        // Mapped is the same as being in the scene's lists: mapping and unmapping change both together.
        if (role.Toplevel is { IsMapped: true } toplevel)
        {
            return (role, toplevel.SurfaceOrigin);
        }

        if (role.Popup is { IsMapped: true } popup)
        {
            return (role, popup.SurfaceOrigin);
        }

        return null;
    }

    /// <summary>Dismisses (popup_done) the mapped popups whose parent window or popup is no longer shown, topmost first.</summary>
    private void DismissOrphanPopups()
    {
        // One pass, top to bottom, and no nesting (a popup it unmaps does not start another pass): a popup is mapped
        // after its parent, so it lies above it in the list, and whether it is shown depends only on popups below it.
        // However many popups a client stacked on one that goes, the stack stays flat.
        if (_dismissingOrphans)
        {
            return;
        }

        _dismissingOrphans = true;
        try
        {
            for (int i = _popups.Count - 1; i >= 0; i = Math.Min(i - 1, _popups.Count - 1))
            {
                if (!IsShown(_popups[i]))
                {
                    _popups[i].Dismiss(sendDone: true);
                }
            }
        }
        finally
        {
            _dismissingOrphans = false;
        }
    }

    private void DamageToplevel(Toplevel window) => DamageRoot(window.XdgSurface, window.SurfaceOrigin);

    /// <summary>Damages a window's or popup's tree (drawn and now) and the trees of the popups above it.</summary>
    private void DamageRoot(XdgSurfaceRole role, (int X, int Y) origin)
    {
        DamageTreeAt(role.Surface, origin);
        foreach (Popup popup in _popups)
        {
            if (popup.IsAbove(role))
            {
                DamageTreeAt(popup.XdgSurface.Surface, popup.SurfaceOrigin);
            }
        }
    }

    /// <summary>Damages where a surface tree was drawn last and where it is with its root at <paramref name="origin"/>.</summary>
    private void DamageTreeAt(Surface root, (int X, int Y) origin)
    {
        Damage(root.LastBounds);
        int start = CollectTree(root, origin.X, origin.Y);
        for (int i = start; i < _treeEntries.Count; i++)
        {
            TreeEntry entry = _treeEntries[i];
            if (entry.Surface != root)
            {
                Damage(entry.Surface.LastBounds);
            }

            Damage(new Rect(entry.X, entry.Y, entry.Surface.Width, entry.Surface.Height));
        }

        ReleaseTree(start);
    }

    private void Damage(Rect area)
    {
        Rect clipped = area.Intersect(Desktop);
        if (!clipped.IsEmpty)
        {
            _damage.Add(clipped);
            Clock.Schedule();
        }
    }

    /// <summary>A refresh: repaints the damage; true when it did, or when a capture painted damage since the last refresh.</summary>
    private bool RepaintForRefresh()
    {
        bool painted = RepaintDamage() | _paintedByCapture;
        _paintedByCapture = false;
        return painted;
    }

    /// <summary>Repaints the damaged area (a refresh, or a screenshot wanting the latest state); false when nothing was damaged.</summary>
    private bool RepaintDamage()
    {
        if (_damage.IsEmpty)
        {
            return false;
        }

        // The rectangles do not overlap: each pixel is painted once.
        foreach (Rect clip in _damage.Rectangles)
        {
            Composite(clip);
        }

        _damage.Clear();
        return true;
    }

    /// <summary>
    /// Lays the shown trees out on the output, recording each surface's bounds, and draws them into the framebuffer
    /// within <paramref name="clip"/>. The clip is first cut into pieces (see <see cref="Occlude"/>), each drawn from
    /// the topmost surface that is opaque over all of it on (what lies below is hidden), or from the background when none
    /// is. The part of the clip on an output of a larger scale is drawn again into that output's pixels, each logical
    /// unit as scale × scale pixels.
    /// </summary>
    private void Composite(Rect clip)
    {
        int start = _treeEntries.Count;
        foreach (Toplevel window in _windows)
        {
            (int x, int y) = window.SurfaceOrigin;
            CollectTree(window.XdgSurface.Surface, x, y);
        }

        foreach (Popup popup in _popups)
        {
            (int x, int y) = popup.SurfaceOrigin;
            CollectTree(popup.XdgSurface.Surface, x, y);
        }

        for (int i = start; i < _treeEntries.Count; i++)
        {
            (Surface surface, int sx, int sy) = (_treeEntries[i].Surface, _treeEntries[i].X, _treeEntries[i].Y);
            surface.LastBounds = new Rect(sx, sy, surface.Width, surface.Height);
        }

        int pieces = Occlude(clip, start);
        for (int o = 0; o < Outputs.Count; o++)
        {
            // An output of scale 1 shows the logical framebuffer; one of a larger scale, pixels of its own.
            OutputInfo output = Outputs[o];
            Image? pixels = _scaledFramebuffers[o];
            for (int p = 0; p < pieces; p++)
            {
                (Rect piece, int first) = _pieces[p];
                Rect part = piece.Intersect(output.Area);
                if (part.IsEmpty)
                {
                    continue;
                }

                if (first < 0)
                {
                    Renderer.Fill(pixels ?? _framebuffer, pixels is null ? part : Renderer.ToPixels(part, output), _background);
                }

                for (int i = Math.Max(first, start); i < _treeEntries.Count; i++)
                {
                    TreeEntry entry = _treeEntries[i];
                    if (pixels is null)
                    {
                        Renderer.DrawSurface(_framebuffer, entry.Surface, entry.X, entry.Y, part);
                    }
                    else
                    {
                        Renderer.DrawSurfaceScaled(pixels, output, entry.Surface, entry.X, entry.Y, part);
                    }
                }
            }
        }

        ReleaseTree(start);
    }

    /// <summary>
    /// Cuts <paramref name="clip"/> into disjoint pieces in <see cref="_pieces"/> and returns how many: each with the
    /// index of the topmost laid-out surface (from <paramref name="start"/> in <see cref="_treeEntries"/>) whose opaque
    /// rectangles cover it, or −1 where none does (drawn from the background up). Surfaces are taken top to bottom and
    /// each opaque rectangle cut out of what is still uncovered. The work is bounded whatever the clients send: past
    /// <see cref="MaxCuts"/> cuts, or when a cut would leave more than <see cref="MaxUncovered"/> uncovered pieces, the
    /// rest is simply drawn from further down, which paints the same pixels (a surface's opaque rectangles are copied
    /// wherever it is drawn).
    /// </summary>
    private int Occlude(Rect clip, int start)
    {
        Span<Rect> uncovered = _uncovered;
        Span<Rect> fragments = stackalloc Rect[4];
        uncovered[0] = clip;
        int open = 1;
        int pieces = 0;
        int cuts = 0;
        for (int i = _treeEntries.Count - 1; i >= start && open > 0 && cuts < MaxCuts; i--)
        {
            Surface surface = _treeEntries[i].Surface;
            if (surface.OpaqueRectangles.IsEmpty || surface.LastBounds.Intersect(clip).IsEmpty)
            {
                continue;
            }

            foreach (Rect local in surface.OpaqueRectangles)
            {
                Rect opaque = local.Offset(_treeEntries[i].X, _treeEntries[i].Y);
                for (int u = 0; u < open && cuts < MaxCuts; u++)
                {
                    Rect covered = uncovered[u].Intersect(opaque);
                    if (covered.IsEmpty)
                    {
                        continue;
                    }

                    int n = RectArithmetic.Subtract(uncovered[u], opaque, fragments);
                    if (open - 1 + n > MaxUncovered)
                    {
                        continue;
                    }

                    cuts++;
                    _pieces[pieces++] = (covered, i);

                    // The uncovered piece is replaced by what is left of it; those fragments miss this rectangle.
                    uncovered[u] = uncovered[--open];
                    fragments[..n].CopyTo(uncovered[open..]);
                    open += n;
                    u--;
                }
            }
        }

        for (int u = 0; u < open; u++)
        {
            _pieces[pieces++] = (uncovered[u], -1);
        }

        return pieces;
    }

    /// <summary>Draws a tree into an image of its own (a capture): the scene's bounds stay as they are.</summary>
    private void DrawTree(Image target, Surface root, int x, int y, Rect clip)
    {
        int start = CollectTree(root, x, y);
        for (int i = start; i < _treeEntries.Count; i++)
        {
            Renderer.DrawSurface(target, _treeEntries[i].Surface, _treeEntries[i].X, _treeEntries[i].Y, clip);
        }

        ReleaseTree(start);
    }

    /// <summary>Drops the entries a walk added from <paramref name="start"/> on; see <see cref="Shrink{T}"/>.</summary>
    private void ReleaseTree(int start)
    {
        _treeEntries.RemoveRange(start, _treeEntries.Count - start);
        Shrink(_treeEntries);
        Shrink(_treeWalk);
    }

    /// <summary>A surface of a tree and its origin; while it is on the walk's stack, the index of its next stack entry.</summary>
    private readonly record struct TreeEntry(Surface Surface, int X, int Y, int Next = 0);
}
