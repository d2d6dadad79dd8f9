namespace Wayland.Compositor;

/// <summary>One output of a <see cref="HeadlessCompositor"/> with several (<see cref="HeadlessCompositorOptions.Outputs"/>).</summary>
public sealed class HeadlessOutputOptions
{
    /// <summary>Width in pixels (default 1024).</summary>
    public int Width { get; set; } = 1024;

    /// <summary>Height in pixels (default 768).</summary>
    public int Height { get; set; } = 768;

    /// <summary>
    /// Integer output scale (default 1), advertised through wl_output.scale and composited: the output covers its
    /// width and height divided by the scale in logical units, and buffers of that scale are drawn pixel for pixel.
    /// </summary>
    public int Scale { get; set; } = 1;

    /// <summary>Left edge in logical coordinates (the first output must be at 0, 0).</summary>
    public int X { get; set; }

    /// <summary>Top edge in logical coordinates.</summary>
    public int Y { get; set; }

    internal void Validate(int index)
    {
        string name = $"Outputs[{index}]";
        ArgumentOutOfRangeException.ThrowIfLessThan(Width, 1, $"{name}.{nameof(Width)}");
        ArgumentOutOfRangeException.ThrowIfLessThan(Height, 1, $"{name}.{nameof(Height)}");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Width, 16384, $"{name}.{nameof(Width)}");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Height, 16384, $"{name}.{nameof(Height)}");
        ArgumentOutOfRangeException.ThrowIfLessThan(Scale, 1, $"{name}.{nameof(Scale)}");
        ArgumentOutOfRangeException.ThrowIfNegative(X, $"{name}.{nameof(X)}");
        ArgumentOutOfRangeException.ThrowIfNegative(Y, $"{name}.{nameof(Y)}");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(X + Width, 16384, $"{name}.{nameof(X)}");
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Y + Height, 16384, $"{name}.{nameof(Y)}");
        if (index == 0 && (X != 0 || Y != 0))
        {
            throw new ArgumentOutOfRangeException($"{name}.{nameof(X)}", "the first output must be at (0, 0): windows are placed on it");
        }
    }
}
