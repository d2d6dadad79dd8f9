using Wayland.Client;
using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Client.Tests;

/// <summary>A minimal typed proxy for wl_compositor, until generated client classes exist.</summary>
internal sealed class TestCompositor : Proxy, IProxyFactory<TestCompositor>
{
    private TestCompositor()
        : base(WlCompositorInterface.Descriptor)
    {
    }

    static InterfaceDescriptor IProxyFactory<TestCompositor>.Interface => WlCompositorInterface.Descriptor;

    static TestCompositor IProxyFactory<TestCompositor>.Create() => new();
}
