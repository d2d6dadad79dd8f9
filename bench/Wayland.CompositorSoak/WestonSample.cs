namespace Wayland.CompositorSoak;

/// <summary>One reading of weston (its CPU) and of the client (its CPU, and the frame callbacks it received so far).</summary>
internal sealed record WestonSample(TimeSpan Elapsed, TimeSpan Cpu, TimeSpan ClientCpu, long Frames);
