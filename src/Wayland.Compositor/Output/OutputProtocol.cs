using Wayland.Protocols;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Output;

/// <summary>The one output: wl_output (geometry, mode, scale, name, description) and zxdg_output_manager_v1.</summary>
internal sealed class OutputProtocol : ZxdgOutputManagerV1.IHandler
{
    /// <summary>Physical size reported for the output (a 96 dpi panel).</summary>
    private const double MillimetresPerPixel = 25.4 / 96;

    public const string Name = "HEADLESS-1";

    private readonly HeadlessCompositor _compositor;

    private OutputProtocol(HeadlessCompositor compositor) => _compositor = compositor;

    public static void Register(HeadlessCompositor compositor)
    {
        OutputProtocol output = new(compositor);
        compositor.Display.CreateGlobal<WlOutput>(WlOutputInterface.Version, output.Describe);
        compositor.Display.CreateGlobal<ZxdgOutputManagerV1>(ZxdgOutputManagerV1Interface.Version, manager => manager.Handler = output);
    }

    private string Description => $"Wayland.NET headless output {_compositor.OutputWidth}x{_compositor.OutputHeight}";

    private void Describe(WlOutput output)
    {
        int width = _compositor.OutputWidth;
        int height = _compositor.OutputHeight;
        output.SendGeometry(0, 0, (int)(width * MillimetresPerPixel), (int)(height * MillimetresPerPixel), WlOutputSubpixel.Unknown,
            "Wayland.NET", "Headless", WlOutputTransform.Normal);
        output.SendMode(WlOutputMode.Current | WlOutputMode.Preferred, width, height, _compositor.Options.RefreshMilliHertz);
        if (output.Version >= WlOutputInterface.Events.ScaleSince)
        {
            output.SendScale(_compositor.Options.Scale);
        }

        if (output.Version >= WlOutputInterface.Events.NameSince)
        {
            output.SendName(Name);
            output.SendDescription(Description);
        }

        if (output.Version >= WlOutputInterface.Events.DoneSince)
        {
            output.SendDone();
        }
    }

    void ZxdgOutputManagerV1.IHandler.GetXdgOutput(ZxdgOutputManagerV1 resource, ZxdgOutputV1 id, WlOutput output)
    {
        int scale = _compositor.Options.Scale;
        id.SendLogicalPosition(0, 0);
        id.SendLogicalSize(_compositor.OutputWidth / scale, _compositor.OutputHeight / scale);
        if (id.Version >= ZxdgOutputV1Interface.Events.NameSince)
        {
            id.SendName(Name);
            id.SendDescription(Description);
        }

        // From version 3 wl_output.done ends the batch; before, zxdg_output_v1.done does.
        if (id.Version >= 3 && output.Version >= WlOutputInterface.Events.DoneSince)
        {
            output.SendDone();
        }
        else
        {
#pragma warning disable CS0618 // zxdg_output_v1.done is deprecated from version 3; older clients still wait for it.
            id.SendDone();
#pragma warning restore CS0618
        }
    }
}
