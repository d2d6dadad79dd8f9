using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Compositor;

/// <summary>Registers the small extension globals: viewporter, xdg-decoration, presentation-time, fractional-scale, single-pixel-buffer.</summary>
internal static class Extensions
{
    /// <summary>CLOCK_MONOTONIC, the clock presentation timestamps are given in.</summary>
    private const uint ClockMonotonic = 1;

    public static void Register(Wayland.Server.Display display, Output.OutputInfo output)
    {
        Viewporter viewporter = new();
        display.CreateGlobal<WpViewporter>(WpViewporterInterface.Version, manager => manager.Handler = viewporter);
        Decorations decorations = new();
        display.CreateGlobal<ZxdgDecorationManagerV1>(ZxdgDecorationManagerV1Interface.Version, manager => manager.Handler = decorations);
        Presentation presentation = new();
        display.CreateGlobal<WpPresentation>(WpPresentationInterface.Version, manager =>
        {
            manager.Handler = presentation;
            manager.SendClockId(ClockMonotonic);
        });
        FractionalScale fractional = new(output.Scale);
        display.CreateGlobal<WpFractionalScaleManagerV1>(WpFractionalScaleManagerV1Interface.Version, manager => manager.Handler = fractional);
        SinglePixel singlePixel = new();
        display.CreateGlobal<WpSinglePixelBufferManagerV1>(WpSinglePixelBufferManagerV1Interface.Version, manager => manager.Handler = singlePixel);
    }

    /// <summary>Sends wp_presentation_feedback.presented for the repaint at <paramref name="nanoseconds"/> (<see cref="PresentationNow"/>).</summary>
    public static void Presented(WpPresentationFeedback feedback, TimeSpan refresh, uint sequence, long nanoseconds)
    {
        if (feedback.IsDestroyed)
        {
            return;
        }

        ulong seconds = (ulong)(nanoseconds / 1_000_000_000);
        feedback.SendPresented((uint)(seconds >> 32), (uint)seconds, (uint)(nanoseconds % 1_000_000_000), (uint)refresh.TotalNanoseconds,
            0, sequence, WpPresentationFeedbackKind.Vsync);
        feedback.Destroy();
    }

    /// <summary>Now, on the clock <c>wp_presentation.clock_id</c> names (CLOCK_MONOTONIC), in nanoseconds.</summary>
    public static long PresentationNow() => (long)(System.Diagnostics.Stopwatch.GetTimestamp() * (1e9 / System.Diagnostics.Stopwatch.Frequency));
}
