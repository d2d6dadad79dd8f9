using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Output;

/// <summary>The one output: wl_output (geometry, mode, scale, name, description) and zxdg_output_manager_v1.</summary>
internal sealed class OutputProtocol : ZxdgOutputManagerV1.IHandler
{
    /// <summary>Physical size reported for the output (a 96 dpi panel).</summary>
    private const double MillimetresPerPixel = 25.4 / 96;

    public const string Name = "HEADLESS-1";

    private readonly OutputInfo _output;

    private OutputProtocol(OutputInfo output) => _output = output;

    public static void Register(Display display, OutputInfo info)
    {
        OutputProtocol output = new(info);
        display.CreateGlobal<WlOutput>(WlOutputInterface.Version, output.Describe);
        display.CreateGlobal<ZxdgOutputManagerV1>(ZxdgOutputManagerV1Interface.Version, manager => manager.Handler = output);
    }

    private string Description => $"Wayland.NET headless output {_output.Width}x{_output.Height}";

    private void Describe(WlOutput output)
    {
        int width = _output.Width;
        int height = _output.Height;
        output.SendGeometry(0, 0, (int)(width * MillimetresPerPixel), (int)(height * MillimetresPerPixel), WlOutputSubpixel.Unknown,
            "Wayland.NET", "Headless", WlOutputTransform.Normal);
        output.SendMode(WlOutputMode.Current | WlOutputMode.Preferred, width, height, _output.RefreshMilliHertz);
        if (output.Version >= WlOutputInterface.Events.ScaleSince)
        {
            output.SendScale(_output.Scale);
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
        int scale = _output.Scale;
        id.SendLogicalPosition(0, 0);
        id.SendLogicalSize(_output.Width / scale, _output.Height / scale);
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
