using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Shell;

/// <summary>An xdg_positioner: the rules that place a popup relative to its parent's window geometry.</summary>
internal sealed class Positioner : XdgPositioner.IHandler
{
    public int Width { get; private set; }

    public int Height { get; private set; }

    public Rect AnchorRect { get; private set; }

    public XdgPositionerAnchor Anchor { get; private set; }

    public XdgPositionerGravity Gravity { get; private set; }

    public XdgPositionerConstraintAdjustment Adjustment { get; private set; }

    public int OffsetX { get; private set; }

    public int OffsetY { get; private set; }

    /// <summary>Whether set_size and set_anchor_rect were both called (a popup needs both).</summary>
    public bool IsComplete => Width > 0 && Height > 0 && _anchorRectSet;

    private bool _anchorRectSet;

    /// <summary>A copy: get_popup and reposition take the positioner's state at the time of the request.</summary>
    /// <summary>The positioner behind an xdg_positioner (its handler).</summary>
    public static Positioner Of(XdgPositioner resource) => (Positioner)resource.Handler!;

    public Positioner Snapshot() => (Positioner)MemberwiseClone();

    /// <summary>
    /// The popup's rectangle relative to the parent's window geometry, flipped when it would leave
    /// <paramref name="bounds"/> (also parent-relative) and flipping is allowed, then slid when sliding is allowed.
    /// </summary>
    public Rect Place(Rect bounds)
    {
        Rect placed = PlaceWith(Anchor, Gravity);
        if (placed.X < bounds.X || placed.Right > bounds.Right)
        {
            if (Adjustment.HasFlag(XdgPositionerConstraintAdjustment.FlipX))
            {
                Rect flipped = PlaceWith(FlipHorizontal(Anchor), FlipHorizontal(Gravity));
                if (flipped.X >= bounds.X && flipped.Right <= bounds.Right)
                {
                    placed = placed with { X = flipped.X };
                }
            }

            if (Adjustment.HasFlag(XdgPositionerConstraintAdjustment.SlideX))
            {
                placed = placed with { X = Math.Max(bounds.X, Math.Min(placed.X, Rect.Saturate((long)bounds.Right - placed.Width))) };
            }
        }

        if (placed.Y < bounds.Y || placed.Bottom > bounds.Bottom)
        {
            if (Adjustment.HasFlag(XdgPositionerConstraintAdjustment.FlipY))
            {
                Rect flipped = PlaceWith(FlipVertical(Anchor), FlipVertical(Gravity));
                if (flipped.Y >= bounds.Y && flipped.Bottom <= bounds.Bottom)
                {
                    placed = placed with { Y = flipped.Y };
                }
            }

            if (Adjustment.HasFlag(XdgPositionerConstraintAdjustment.SlideY))
            {
                placed = placed with { Y = Math.Max(bounds.Y, Math.Min(placed.Y, Rect.Saturate((long)bounds.Bottom - placed.Height))) };
            }
        }

        return placed;
    }

    private Rect PlaceWith(XdgPositionerAnchor anchor, XdgPositionerGravity gravity)
    {
        // In 64 bits: every term is a client's int, and the sum is held within int at the end.
        Rect a = AnchorRect;
        long x = anchor switch
        {
            XdgPositionerAnchor.Left or XdgPositionerAnchor.TopLeft or XdgPositionerAnchor.BottomLeft => a.X,
            XdgPositionerAnchor.Right or XdgPositionerAnchor.TopRight or XdgPositionerAnchor.BottomRight => (long)a.X + a.Width,
            _ => (long)a.X + (a.Width / 2),
        };
        long y = anchor switch
        {
            XdgPositionerAnchor.Top or XdgPositionerAnchor.TopLeft or XdgPositionerAnchor.TopRight => a.Y,
            XdgPositionerAnchor.Bottom or XdgPositionerAnchor.BottomLeft or XdgPositionerAnchor.BottomRight => (long)a.Y + a.Height,
            _ => (long)a.Y + (a.Height / 2),
        };

        // The gravity says which way the popup extends from the anchor point.
        x += gravity switch
        {
            XdgPositionerGravity.Left or XdgPositionerGravity.TopLeft or XdgPositionerGravity.BottomLeft => -Width,
            XdgPositionerGravity.Right or XdgPositionerGravity.TopRight or XdgPositionerGravity.BottomRight => 0,
            _ => -Width / 2,
        };
        y += gravity switch
        {
            XdgPositionerGravity.Top or XdgPositionerGravity.TopLeft or XdgPositionerGravity.TopRight => -Height,
            XdgPositionerGravity.Bottom or XdgPositionerGravity.BottomLeft or XdgPositionerGravity.BottomRight => 0,
            _ => -Height / 2,
        };
        return new Rect(Rect.Saturate(x + OffsetX), Rect.Saturate(y + OffsetY), Width, Height);
    }

    private static XdgPositionerAnchor FlipHorizontal(XdgPositionerAnchor anchor) => anchor switch
    {
        XdgPositionerAnchor.Left => XdgPositionerAnchor.Right,
        XdgPositionerAnchor.Right => XdgPositionerAnchor.Left,
        XdgPositionerAnchor.TopLeft => XdgPositionerAnchor.TopRight,
        XdgPositionerAnchor.TopRight => XdgPositionerAnchor.TopLeft,
        XdgPositionerAnchor.BottomLeft => XdgPositionerAnchor.BottomRight,
        XdgPositionerAnchor.BottomRight => XdgPositionerAnchor.BottomLeft,
        _ => anchor,
    };

    private static XdgPositionerGravity FlipHorizontal(XdgPositionerGravity gravity) => (XdgPositionerGravity)FlipHorizontal((XdgPositionerAnchor)gravity);

    private static XdgPositionerAnchor FlipVertical(XdgPositionerAnchor anchor) => anchor switch
    {
        XdgPositionerAnchor.Top => XdgPositionerAnchor.Bottom,
        XdgPositionerAnchor.Bottom => XdgPositionerAnchor.Top,
        XdgPositionerAnchor.TopLeft => XdgPositionerAnchor.BottomLeft,
        XdgPositionerAnchor.BottomLeft => XdgPositionerAnchor.TopLeft,
        XdgPositionerAnchor.TopRight => XdgPositionerAnchor.BottomRight,
        XdgPositionerAnchor.BottomRight => XdgPositionerAnchor.TopRight,
        _ => anchor,
    };

    private static XdgPositionerGravity FlipVertical(XdgPositionerGravity gravity) => (XdgPositionerGravity)FlipVertical((XdgPositionerAnchor)gravity);

    void XdgPositioner.IHandler.SetSize(XdgPositioner resource, int width, int height)
    {
        if (width <= 0 || height <= 0)
        {
            resource.PostError((uint)XdgPositionerError.InvalidInput, $"xdg_positioner#{resource.Id}: size {width}x{height} is not positive");
            return;
        }

        (Width, Height) = (width, height);
    }

    void XdgPositioner.IHandler.SetAnchorRect(XdgPositioner resource, int x, int y, int width, int height)
    {
        if (width < 0 || height < 0)
        {
            resource.PostError((uint)XdgPositionerError.InvalidInput, $"xdg_positioner#{resource.Id}: anchor rect {width}x{height} is negative");
            return;
        }

        AnchorRect = new Rect(x, y, width, height);
        _anchorRectSet = true;
    }

    void XdgPositioner.IHandler.SetAnchor(XdgPositioner resource, XdgPositionerAnchor anchor)
    {
        if ((uint)anchor > (uint)XdgPositionerAnchor.BottomRight)
        {
            resource.PostError((uint)XdgPositionerError.InvalidInput, $"xdg_positioner#{resource.Id}: {(uint)anchor} is not an anchor");
            return;
        }

        Anchor = anchor;
    }

    void XdgPositioner.IHandler.SetGravity(XdgPositioner resource, XdgPositionerGravity gravity)
    {
        if ((uint)gravity > (uint)XdgPositionerGravity.BottomRight)
        {
            resource.PostError((uint)XdgPositionerError.InvalidInput, $"xdg_positioner#{resource.Id}: {(uint)gravity} is not a gravity");
            return;
        }

        Gravity = gravity;
    }

    void XdgPositioner.IHandler.SetConstraintAdjustment(XdgPositioner resource, uint constraintAdjustment) =>
        Adjustment = (XdgPositionerConstraintAdjustment)constraintAdjustment;

    void XdgPositioner.IHandler.SetOffset(XdgPositioner resource, int x, int y) => (OffsetX, OffsetY) = (x, y);
}
