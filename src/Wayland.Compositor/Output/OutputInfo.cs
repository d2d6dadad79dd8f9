namespace Wayland.Compositor.Output;

/// <summary>What the compositor's one output is: its size in pixels, refresh rate and scale. Fixed for its lifetime.</summary>
internal sealed record OutputInfo(int Width, int Height, int RefreshMilliHertz, int Scale)
{
    public static OutputInfo From(HeadlessCompositorOptions options) =>
        new(options.Width, options.Height, options.RefreshMilliHertz, options.Scale);

    /// <summary>The whole output, in output coordinates.</summary>
    public Rect Area => new(0, 0, Width, Height);
}
