using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Output;

/// <summary>
/// The outputs: one wl_output global each (geometry, mode, scale, name, description), the handler of its bound
/// resources, and zxdg_output_manager_v1, which finds the output of a wl_output through that handler.
/// </summary>
internal sealed class OutputProtocol : WlOutput.IHandler
{
    /// <summary>Physical size reported for an output (a 96 dpi panel).</summary>
    private const double MillimetresPerPixel = 25.4 / 96;

    private readonly OutputInfo _output;

    private OutputProtocol(OutputInfo output) => _output = output;

    public static void Register(Display display, IReadOnlyList<OutputInfo> outputs)
    {
        foreach (OutputInfo info in outputs)
        {
            OutputProtocol output = new(info);
            display.CreateGlobal<WlOutput>(WlOutputInterface.Version, output.Describe);
        }

        XdgOutputs xdgOutputs = new();
        display.CreateGlobal<ZxdgOutputManagerV1>(ZxdgOutputManagerV1Interface.Version, manager => manager.Handler = xdgOutputs);
    }

    private string Description => $"Wayland.NET headless output {_output.Width}x{_output.Height}";

    private void Describe(WlOutput output)
    {
        output.Handler = this;
        int width = _output.Width;
        int height = _output.Height;
        output.SendGeometry(_output.X, _output.Y, (int)(width * MillimetresPerPixel), (int)(height * MillimetresPerPixel), WlOutputSubpixel.Unknown,
            "Wayland.NET", "Headless", WlOutputTransform.Normal);
        output.SendMode(WlOutputMode.Current | WlOutputMode.Preferred, width, height, _output.RefreshMilliHertz);
        if (output.Version >= WlOutputInterface.Events.ScaleSince)
        {
            output.SendScale(_output.Scale);
        }

        if (output.Version >= WlOutputInterface.Events.NameSince)
        {
            output.SendName(_output.Name);
            output.SendDescription(Description);
        }

        if (output.Version >= WlOutputInterface.Events.DoneSince)
        {
            output.SendDone();
        }
    }

    /// <summary>zxdg_output_manager_v1: each xdg_output tells its wl_output's logical position and size.</summary>
    private sealed class XdgOutputs : ZxdgOutputManagerV1.IHandler
    {
        void ZxdgOutputManagerV1.IHandler.GetXdgOutput(ZxdgOutputManagerV1 resource, ZxdgOutputV1 id, WlOutput output)
        {
            if (output.Handler is not OutputProtocol { _output: { } info } protocol)
            {
                return;
            }

            id.SendLogicalPosition(info.X, info.Y);
            id.SendLogicalSize(info.LogicalWidth, info.LogicalHeight);
            if (id.Version >= ZxdgOutputV1Interface.Events.NameSince)
            {
                id.SendName(info.Name);
                id.SendDescription(protocol.Description);
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
}
