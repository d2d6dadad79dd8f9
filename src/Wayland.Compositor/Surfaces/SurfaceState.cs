using Wayland.Compositor.Rendering;
using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Surfaces;

/// <summary>The double-buffered state of a wl_surface: pending until commit, then current (or cached, for a synchronized sub-surface).</summary>
internal sealed class SurfaceState
{
    public bool BufferAttached { get; set; }

    public WlBuffer? Buffer { get; set; }

    /// <summary>wl_surface.offset (or attach's x, y before version 5): where the new content's top-left goes, relative to the old one's.</summary>
    public int Dx { get; set; }

    public int Dy { get; set; }

    /// <summary>wl_surface.damage: surface-local rectangles.</summary>
    public DamageRegion SurfaceDamage { get; } = new();

    /// <summary>wl_surface.damage_buffer: buffer rectangles.</summary>
    public DamageRegion BufferDamage { get; } = new();

    /// <summary>Whether either kind of damage was given.</summary>
    public bool Damaged => !SurfaceDamage.IsEmpty || !BufferDamage.IsEmpty;

    public List<WlCallback> FrameCallbacks { get; } = [];

    public List<WpPresentationFeedback> Feedbacks { get; } = [];

    public bool InputRegionSet { get; set; }

    /// <summary>Null means infinite (the default input region).</summary>
    public Region? InputRegion { get; set; }

    public bool OpaqueRegionSet { get; set; }

    /// <summary>wl_surface.set_opaque_region in surface-local coordinates; null means empty (nothing promised opaque).</summary>
    public Region? OpaqueRegion { get; set; }

    public bool ScaleSet { get; set; }

    public int Scale { get; set; } = 1;

    public bool TransformSet { get; set; }

    public WlOutputTransform Transform { get; set; }

    public bool SourceSet { get; set; }

    public bool DestinationSet { get; set; }

    /// <summary>wp_viewport source rectangle in surface-local (post scale/transform) coordinates; width &lt; 0 means unset.</summary>
    public (double X, double Y, double Width, double Height) Source { get; set; } = (-1, -1, -1, -1);

    /// <summary>wp_viewport destination size; (-1, -1) means unset.</summary>
    public (int Width, int Height) Destination { get; set; } = (-1, -1);

    /// <summary>Moves everything set here onto <paramref name="target"/> and resets this state to "nothing pending".</summary>
    public void MoveTo(SurfaceState target)
    {
        if (BufferAttached)
        {
            // A buffer committed into a sub-surface's cache and replaced there before it was shown is done with.
            if (target.BufferAttached && target.Buffer is { IsDestroyed: false } replaced && replaced != Buffer)
            {
                replaced.SendRelease();
            }

            target.BufferAttached = true;
            target.Buffer = Buffer;
        }

        // Offsets are relative to the previous buffer: successive commits (into a sub-surface's cache) add up.
        target.Dx = Rect.Saturate((long)target.Dx + Dx);
        target.Dy = Rect.Saturate((long)target.Dy + Dy);

        target.SurfaceDamage.Add(SurfaceDamage);
        target.BufferDamage.Add(BufferDamage);
        target.FrameCallbacks.AddRange(FrameCallbacks);
        target.Feedbacks.AddRange(Feedbacks);
        if (InputRegionSet)
        {
            target.InputRegionSet = true;
            target.InputRegion = InputRegion;
        }

        if (OpaqueRegionSet)
        {
            target.OpaqueRegionSet = true;
            target.OpaqueRegion = OpaqueRegion;
        }

        if (ScaleSet)
        {
            target.ScaleSet = true;
            target.Scale = Scale;
        }

        if (TransformSet)
        {
            target.TransformSet = true;
            target.Transform = Transform;
        }

        if (SourceSet)
        {
            target.SourceSet = true;
            target.Source = Source;
        }

        if (DestinationSet)
        {
            target.DestinationSet = true;
            target.Destination = Destination;
        }

        Reset();
    }

    /// <summary>Drops everything set here (a discarded sub-surface cache); its buffer, if any, is released.</summary>
    public void Discard()
    {
        if (Buffer is { IsDestroyed: false } buffer)
        {
            buffer.SendRelease();
        }

        Reset();
    }

    private void Reset()
    {
        BufferAttached = false;
        Buffer = null;
        Dx = 0;
        Dy = 0;
        SurfaceDamage.Clear();
        BufferDamage.Clear();
        FrameCallbacks.Clear();
        Feedbacks.Clear();
        InputRegionSet = false;
        OpaqueRegionSet = false;
        OpaqueRegion = null;
        ScaleSet = false;
        TransformSet = false;
        SourceSet = false;
        DestinationSet = false;
    }
}
