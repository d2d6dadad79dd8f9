using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Fuzz;

/// <summary>
/// The interfaces the hostile connections speak: wl_display and every interface reachable from the globals the headless
/// compositor offers (core, xdg-shell and its extensions) through the generated descriptors (requests' and events'
/// object and new_id arguments).
/// </summary>
internal static class FuzzProtocol
{
    /// <summary>Globals a hostile connection binds when the server advertises them.</summary>
    internal static readonly InterfaceDescriptor[] Globals =
    [
        WlCompositorInterface.Descriptor, WlSubcompositorInterface.Descriptor, WlShmInterface.Descriptor, WlSeatInterface.Descriptor,
        WlOutputInterface.Descriptor, WlDataDeviceManagerInterface.Descriptor, XdgWmBaseInterface.Descriptor,
        WpViewporterInterface.Descriptor, ZxdgDecorationManagerV1Interface.Descriptor, WpPresentationInterface.Descriptor,
        WpFractionalScaleManagerV1Interface.Descriptor, WpSinglePixelBufferManagerV1Interface.Descriptor,
        XdgActivationV1Interface.Descriptor, ZwpPrimarySelectionDeviceManagerV1Interface.Descriptor,
        ZxdgOutputManagerV1Interface.Descriptor,
    ];

    /// <summary>Every interface by name.</summary>
    internal static readonly IReadOnlyDictionary<string, InterfaceDescriptor> Interfaces = Collect();

    private static Dictionary<string, InterfaceDescriptor> Collect()
    {
        Dictionary<string, InterfaceDescriptor> all = [];
        Stack<InterfaceDescriptor> pending = new([WlDisplayInterface.Descriptor, .. Globals]);
        while (pending.TryPop(out InterfaceDescriptor? descriptor))
        {
            if (!all.TryAdd(descriptor.Name, descriptor))
            {
                continue;
            }

            foreach (MessageDescriptor message in descriptor.Requests.Concat(descriptor.Events))
            {
                foreach (ArgumentDescriptor argument in message.Arguments)
                {
                    if (argument.Interface is { } referenced && !all.ContainsKey(referenced.Name))
                    {
                        pending.Push(referenced);
                    }
                }
            }
        }

        return all;
    }
}
