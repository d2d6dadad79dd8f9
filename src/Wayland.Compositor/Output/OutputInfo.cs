namespace Wayland.Compositor.Output;

/// <summary>
/// One output of the compositor: its mode in pixels, refresh rate, scale, and where it sits on the desktop (logical
/// coordinates, which the scene lays windows out in). An output of scale N covers its mode divided by N in logical
/// units, as xdg_output tells. Fixed for the compositor's lifetime.
/// </summary>
internal sealed record OutputInfo(int Width, int Height, int RefreshMilliHertz, int Scale, int X = 0, int Y = 0, string Name = "HEADLESS-1")
{
    /// <summary>The outputs the options describe: <see cref="HeadlessCompositorOptions.Outputs"/>, or one from the single-output properties.</summary>
    public static IReadOnlyList<OutputInfo> From(HeadlessCompositorOptions options)
    {
        if (options.Outputs.Count == 0)
        {
            return [new(options.Width, options.Height, options.RefreshMilliHertz, options.Scale)];
        }

        List<OutputInfo> outputs = new(options.Outputs.Count);
        for (int i = 0; i < options.Outputs.Count; i++)
        {
            HeadlessOutputOptions output = options.Outputs[i];
            outputs.Add(new(output.Width, output.Height, options.RefreshMilliHertz, output.Scale, output.X, output.Y, $"HEADLESS-{i + 1}"));
        }

        return outputs;
    }

    /// <summary>Width in logical units: the mode's width divided by the scale.</summary>
    public int LogicalWidth => Width / Scale;

    /// <summary>Height in logical units: the mode's height divided by the scale.</summary>
    public int LogicalHeight => Height / Scale;

    /// <summary>The output's area in logical coordinates.</summary>
    public Rect Area => new(X, Y, LogicalWidth, LogicalHeight);

    /// <summary>The smallest rectangle from (0, 0) that holds every output's logical area: the scene's framebuffer.</summary>
    public static Rect Desktop(IReadOnlyList<OutputInfo> outputs)
    {
        int right = 0;
        int bottom = 0;
        foreach (OutputInfo output in outputs)
        {
            right = Math.Max(right, output.Area.Right);
            bottom = Math.Max(bottom, output.Area.Bottom);
        }

        return new Rect(0, 0, right, bottom);
    }
}
