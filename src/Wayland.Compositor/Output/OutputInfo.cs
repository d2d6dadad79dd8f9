namespace Wayland.Compositor.Output;

/// <summary>
/// One output of the compositor: its size in pixels, refresh rate, scale, and where it sits on the desktop (output
/// coordinates, which the scene composites in). Fixed for the compositor's lifetime.
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

    /// <summary>The output's area in output coordinates.</summary>
    public Rect Area => new(X, Y, Width, Height);

    /// <summary>The smallest rectangle from (0, 0) that holds every output: the scene's framebuffer.</summary>
    public static Rect Desktop(IReadOnlyList<OutputInfo> outputs)
    {
        int right = 0;
        int bottom = 0;
        foreach (OutputInfo output in outputs)
        {
            right = Math.Max(right, output.X + output.Width);
            bottom = Math.Max(bottom, output.Y + output.Height);
        }

        return new Rect(0, 0, right, bottom);
    }
}
