using System.Diagnostics;
using Wayland.Compositor.Rendering;
using Wayland.Compositor.Shell;
using Wayland.Compositor.Surfaces;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor;

/// <summary>The scene: stacking of windows and popups, damage, and the refresh-paced repaint.</summary>
public sealed partial class HeadlessCompositor
{
    /// <summary>Offset between successive new windows (cascading placement).</summary>
    private const int CascadeStep = 32;

    private readonly Image _framebuffer;
    private readonly TimeSpan _frameInterval;
    private readonly TimerEventSource _frameTimer;
    private readonly List<Toplevel> _windows = [];
    private readonly List<Popup> _popups = [];
    private readonly List<WlCallback> _frameCallbacks = [];
    private readonly List<WpPresentationFeedback> _feedbacks = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _nextFrame;
    private Rect _damage;
    private long _framesRendered;
    private long _frameCallbacksDone;
    private uint _frameSequence;

    /// <summary>The mapped windows, bottom to top.</summary>
    public IReadOnlyList<WindowInfo> GetWindows() => Invoke(() =>
    {
        List<WindowInfo> windows = new(_windows.Count);
        foreach (Toplevel window in _windows)
        {
            windows.Add(Describe(window));
        }

        return (IReadOnlyList<WindowInfo>)windows;
    });

    /// <summary>A copy of the output as it is now (pending damage is repainted first).</summary>
    public Image CaptureOutput() => Invoke(() =>
    {
        RepaintDamage();
        return _framebuffer.Crop(0, 0, _framebuffer.Width, _framebuffer.Height);
    });

    /// <summary>One window on its own (with its sub-surfaces, not popups or overlapping windows), transparent around it.</summary>
    /// <returns>Null when no mapped window has that id.</returns>
    public Image? CaptureWindow(int windowId) => Invoke(() =>
    {
        if (FindWindow(windowId) is not { } window)
        {
            return null;
        }

        Rect bounds = window.Bounds;
        Image image = new(Math.Max(1, bounds.Width), Math.Max(1, bounds.Height));
        (int x, int y) = window.SurfaceOrigin;
        DrawTree(image, window.XdgSurface.Surface, x - bounds.X, y - bounds.Y, new Rect(0, 0, image.Width, image.Height));
        return image;
    });

    /// <summary>Raises a window to the top and gives it keyboard focus.</summary>
    /// <returns>False when no mapped window has that id.</returns>
    public bool ActivateWindow(int windowId) => Invoke(() =>
    {
        if (FindWindow(windowId) is not { } window)
        {
            return false;
        }

        Raise(window);
        return true;
    });

    /// <summary>Moves a window's top-left corner (window geometry) to (x, y) in output coordinates.</summary>
    public bool MoveWindow(int windowId, int x, int y) => Invoke(() =>
    {
        if (FindWindow(windowId) is not { } window)
        {
            return false;
        }

        // Its popups move with it: where the window and they were drawn, and where they are now.
        DamageToplevel(window);
        (window.X, window.Y) = (x, y);
        DamageToplevel(window);
        _seat.RefreshPointerFocus();
        return true;
    });

    /// <summary>
    /// Sends xdg_wm_base.ping to the client of a window (through the xdg_wm_base the window was made with) unless a
    /// ping is outstanding there already. The compositor pings by itself whenever a window is raised and focused (a
    /// click, <see cref="ActivateWindow"/>, mapping). An answer missing after <see cref="PingTimeout"/> raises
    /// <see cref="ClientUnresponsive"/>.
    /// </summary>
    /// <returns>False when no mapped window has that id.</returns>
    public bool Ping(int windowId) => Invoke(() =>
    {
        if (FindWindow(windowId) is not { } window)
        {
            return false;
        }

        window.XdgSurface.Shell.Ping();
        return true;
    });

    /// <summary>Asks a window to close (xdg_toplevel.close); the client decides.</summary>
    public bool CloseWindow(int windowId) => Invoke(() =>
    {
        if (FindWindow(windowId) is not { Resource.IsDestroyed: false } window)
        {
            return false;
        }

        window.Resource.SendClose();
        return true;
    });

    /// <summary>Asks a window to take the given size (configure); the client decides.</summary>
    public bool ResizeWindow(int windowId, int width, int height) => Invoke(() =>
    {
        if (FindWindow(windowId) is not { } window)
        {
            return false;
        }

        window.RequestedSize = (width, height);
        window.SendConfigure();
        return true;
    });

    internal void QueueFrameCallbacks(List<WlCallback> callbacks, List<WpPresentationFeedback> feedbacks)
    {
        if (callbacks.Count == 0 && feedbacks.Count == 0)
        {
            return;
        }

        _frameCallbacks.AddRange(callbacks);
        _feedbacks.AddRange(feedbacks);
        _metrics.Committed();
        ScheduleFrame();
    }

    /// <summary>
    /// Damages where the tree of the mapped window or popup holding <paramref name="surface"/> was drawn and where it
    /// is now, and the same for the popups above it (they move with it); nothing when that tree is not shown.
    /// </summary>
    internal void DamageSurfaceTree(Surface surface)
    {
        if (RootOf(surface) is { } root)
        {
            DamageRoot(root.Role, root.Origin);
        }
    }

    internal void OnSurfaceDestroyed(Surface surface)
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

        _seat.SurfaceGone(surface);
    }

    internal void MapToplevel(Toplevel window)
    {
        int index = _windows.Count % 8;
        if (!window.IsMaximized && !window.IsFullscreen)
        {
            Rect geometry = window.XdgSurface.WindowGeometry;
            window.X = Math.Max(0, Math.Min((index * CascadeStep) + CascadeStep, OutputWidth - geometry.Width));
            window.Y = Math.Max(0, Math.Min((index * CascadeStep) + CascadeStep, OutputHeight - geometry.Height));
        }

        _windows.Add(window);
        Raise(window);
    }

    internal void UnmapToplevel(Toplevel window)
    {
        DamageToplevel(window);
        _windows.Remove(window);
        DismissOrphanPopups();
        _seat.FocusChanged(TopWindow());
        _seat.RefreshPointerFocus();
    }

    internal void MapPopup(Popup popup)
    {
        _popups.Add(popup);
        DamageSurfaceTree(popup.XdgSurface.Surface);
        _seat.FocusChanged(TopWindow());
        _seat.RefreshPointerFocus();
    }

    internal void UnmapPopup(Popup popup)
    {
        // The popup's sub-surfaces go with it; popups above it lose their parent and are dismissed.
        DamageTreeAt(popup.XdgSurface.Surface, popup.SurfaceOrigin);
        _popups.Remove(popup);
        DismissOrphanPopups();
        _seat.FocusChanged(TopWindow());
        _seat.RefreshPointerFocus();
    }

    /// <summary>The surface of the topmost mapped popup holding a grab (it has keyboard focus), if any.</summary>
    internal Surface? TopGrabbingPopup()
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
    internal void DismissPopupsOutside(Surface? target)
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

    /// <summary>Output position of the wl_surface origin of a toplevel or popup.</summary>
    internal (int X, int Y) SurfaceOriginOf(XdgSurfaceRole role) =>
        role.Toplevel is { } toplevel ? toplevel.SurfaceOrigin : role.Popup is { } popup ? popup.SurfaceOrigin : (0, 0);

    /// <summary>The topmost surface under an output point that accepts input, with the point in its coordinates.</summary>
    internal Surface? SurfaceAt(int x, int y, out int localX, out int localY)
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

    internal Toplevel? WindowOf(Surface surface) => RootOf(surface) is { Role.Toplevel: { } window } ? window : null;

    internal Toplevel? TopWindow() => _windows.Count > 0 ? _windows[^1] : null;

    internal void Raise(Toplevel window)
    {
        _windows.Remove(window);
        _windows.Add(window);
        DamageToplevel(window);
        _seat.FocusChanged(window);
        _seat.RefreshPointerFocus();

        // Like weston on click-to-activate: the window getting focus finds out whether its client still answers.
        window.XdgSurface.Shell.Ping();
    }

    private static bool HitTree(Surface surface, int x, int y, out Surface? hit, out int localX, out int localY)
    {
        for (int i = surface.Stack.Count - 1; i >= 0; i--)
        {
            Surface entry = surface.Stack[i];
            if (entry == surface)
            {
                if (surface.HasContent && surface.ContainsInput(x, y))
                {
                    (hit, localX, localY) = (surface, x, y);
                    return true;
                }
            }
            else if (entry.AsSubsurface is { } sub && HitTree(entry, x - sub.X, y - sub.Y, out hit, out localX, out localY))
            {
                return true;
            }
        }

        (hit, localX, localY) = (null, 0, 0);
        return false;
    }

    private WindowInfo Describe(Toplevel window)
    {
        Client client = window.Resource.Client;
        return new WindowInfo(window.Id, window.Title, window.AppId, client.ProcessId, window.Bounds, window.IsActivated, window.IsMaximized,
            window.IsFullscreen, !window.XdgSurface.Shell.IsUnresponsive);
    }

    private Toplevel? FindWindow(int id) => _windows.Find(w => w.Id == id);

    /// <summary>The toplevel or popup at the root of a surface's sub-surface tree, with its surface origin; null when unmapped.</summary>
    private (XdgSurfaceRole Role, (int X, int Y) Origin)? RootOf(Surface surface)
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

        if (role.Toplevel is { IsMapped: true } toplevel && _windows.Contains(toplevel))
        {
            return (role, toplevel.SurfaceOrigin);
        }

        if (role.Popup is { IsMapped: true } popup && _popups.Contains(popup))
        {
            return (role, popup.SurfaceOrigin);
        }

        return null;
    }

    /// <summary>Whether a popup's parents, up to a window, are all shown.</summary>
    private bool IsShown(Popup popup)
    {
        XdgSurfaceRole parent = popup.Parent;
        while (parent.Popup is { } below)
        {
            if (!below.IsMapped || !_popups.Contains(below))
            {
                return false;
            }

            parent = below.Parent;
        }

        return parent.Toplevel is { IsMapped: true } window && _windows.Contains(window);
    }

    /// <summary>Dismisses (popup_done) the mapped popups whose parent window or popup is no longer shown, topmost first.</summary>
    private void DismissOrphanPopups()
    {
        // Dismissing one unmaps it, which dismisses those above it: the index is kept inside the shrinking list.
        for (int i = _popups.Count - 1; i >= 0; i = Math.Min(i - 1, _popups.Count - 1))
        {
            if (!IsShown(_popups[i]))
            {
                _popups[i].Dismiss(sendDone: true);
            }
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
        AddTreeBounds(root, origin.X, origin.Y);
    }

    private void AddTreeBounds(Surface surface, int x, int y)
    {
        foreach (Surface entry in surface.Stack)
        {
            if (entry == surface)
            {
                Damage(new Rect(x, y, surface.Width, surface.Height));
            }
            else if (entry.AsSubsurface is { } sub)
            {
                Damage(entry.LastBounds);
                AddTreeBounds(entry, x + sub.X, y + sub.Y);
            }
        }
    }

    private void Damage(Rect area)
    {
        Rect clipped = area.Intersect(new Rect(0, 0, OutputWidth, OutputHeight));
        if (!clipped.IsEmpty)
        {
            _damage = _damage.Union(clipped);
            ScheduleFrame();
        }
    }

    /// <summary>Arms the refresh timer for the next refresh boundary (the timer only runs while there is work).</summary>
    private void ScheduleFrame()
    {
        if (_frameTimer.IsArmed)
        {
            return;
        }

        TimeSpan now = _clock.Elapsed;
        if (_nextFrame < now)
        {
            // Idle for a while: the next refresh starts a new cadence from now.
            _nextFrame = now + _frameInterval;
        }

        _frameTimer.Update(Math.Max(1, (int)Math.Ceiling((_nextFrame - now).TotalMilliseconds)));
    }

    private void OnFrameTimer()
    {
        _nextFrame += _frameInterval;
        bool repainted = RepaintDamage();
        if (repainted)
        {
            Interlocked.Increment(ref _framesRendered);
        }

        // Sending events and destroying resources never dispatches requests, so no commit can add to these lists
        // while they are completed here; the next commit schedules the next refresh.
        uint time = (uint)_clock.ElapsedMilliseconds;
        _frameSequence++;
        foreach (WlCallback callback in _frameCallbacks)
        {
            if (!callback.IsDestroyed)
            {
                callback.SendDone(time);
                callback.Destroy();
                Interlocked.Increment(ref _frameCallbacksDone);
            }
        }

        _frameCallbacks.Clear();
        foreach (WpPresentationFeedback feedback in _feedbacks)
        {
            Extensions.Presented(feedback, _frameInterval, _frameSequence);
        }

        _feedbacks.Clear();
        _metrics.Presented(repainted);
    }

    /// <summary>Repaints the damaged area (a refresh, or a screenshot wanting the latest state); false when nothing was damaged.</summary>
    private bool RepaintDamage()
    {
        if (_damage.IsEmpty)
        {
            return false;
        }

        Rect clip = _damage;
        _damage = default;
        Renderer.Fill(_framebuffer, clip, _options.Background);
        foreach (Toplevel window in _windows)
        {
            (int x, int y) = window.SurfaceOrigin;
            DrawTree(_framebuffer, window.XdgSurface.Surface, x, y, clip);
        }

        foreach (Popup popup in _popups)
        {
            (int x, int y) = popup.SurfaceOrigin;
            DrawTree(_framebuffer, popup.XdgSurface.Surface, x, y, clip);
        }

        return true;
    }

    private void DrawTree(Image target, Surface surface, int x, int y, Rect clip)
    {
        foreach (Surface entry in surface.Stack)
        {
            if (entry == surface)
            {
                if (target == _framebuffer)
                {
                    surface.LastBounds = new Rect(x, y, surface.Width, surface.Height);
                }

                Renderer.DrawSurface(target, surface, x, y, clip);
            }
            else if (entry.AsSubsurface is { } sub)
            {
                DrawTree(target, entry, x + sub.X, y + sub.Y, clip);
            }
        }
    }
}
