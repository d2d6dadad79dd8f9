using System.Reflection;
using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Scanner.Tests;

/// <summary>What the generated Wayland.Protocols code exposes: constants, lazily linked descriptors, enums.</summary>
public class GeneratedDescriptorTests
{
    [Fact]
    public void Constants_DescribeTheInterface()
    {
        Assert.Equal("wl_surface", WlSurfaceInterface.Name);
        Assert.Equal(5u, WlSurfaceInterface.Version);
        Assert.Equal(10, WlSurfaceInterface.Requests.Offset);
        Assert.Equal(5u, WlSurfaceInterface.Requests.OffsetSince);
        Assert.Equal(0, WlSurfaceInterface.Events.Enter);
        Assert.Equal(0, WlRegistryInterface.Requests.Bind);
        Assert.Equal(1, WlDisplayInterface.Events.DeleteId);
        Assert.Equal("set_buffer_scale", WlSurfaceInterface.Descriptor.Requests[WlSurfaceInterface.Requests.SetBufferScale].Name);
        Assert.Equal(WlSurfaceInterface.Requests.SetBufferScaleSince, WlSurfaceInterface.Descriptor.Requests[WlSurfaceInterface.Requests.SetBufferScale].Since);
    }

    [Fact]
    public void Destructors_AreMarked()
    {
        Assert.True(WlSurfaceInterface.Descriptor.Requests[WlSurfaceInterface.Requests.Destroy].IsDestructor);
        Assert.False(WlSurfaceInterface.Descriptor.Requests[WlSurfaceInterface.Requests.Commit].IsDestructor);
        Assert.True(XdgToplevelInterface.Descriptor.Requests[XdgToplevelInterface.Requests.Destroy].IsDestructor);
    }

    [Fact]
    public void CrossProtocolReferences_ResolveToTheSameDescriptorInstance()
    {
        ArgumentDescriptor surface = XdgWmBaseInterface.Descriptor.Requests[XdgWmBaseInterface.Requests.GetXdgSurface].Arguments[1];
        Assert.Equal("wl_surface", surface.InterfaceName);
        Assert.Same(WlSurfaceInterface.Descriptor, surface.Interface);

        // A cycle: wl_display creates wl_registry and wl_callback; descriptors link lazily.
        Assert.Same(WlRegistryInterface.Descriptor, WlDisplayInterface.Descriptor.Requests[WlDisplayInterface.Requests.GetRegistry].Arguments[0].Interface);
        Assert.Same(WlCallbackInterface.Descriptor, WlSurfaceInterface.Descriptor.Requests[WlSurfaceInterface.Requests.Frame].Arguments[0].Interface);
    }

    [Fact]
    public void XdgShellUnstableV5_LivesInItsOwnNamespace_AndLinksToItsOwnXdgSurface()
    {
        ArgumentDescriptor id = Wayland.Protocols.XdgShellUnstableV5.XdgShellInterface.Descriptor
            .Requests[Wayland.Protocols.XdgShellUnstableV5.XdgShellInterface.Requests.GetXdgSurface].Arguments[0];
        Assert.Same(Wayland.Protocols.XdgShellUnstableV5.XdgSurfaceInterface.Descriptor, id.Interface);
        Assert.NotSame(XdgSurfaceInterface.Descriptor, id.Interface);
        Assert.Same(WlSurfaceInterface.Descriptor, Wayland.Protocols.XdgShellUnstableV5.XdgShellInterface.Descriptor
            .Requests[Wayland.Protocols.XdgShellUnstableV5.XdgShellInterface.Requests.GetXdgSurface].Arguments[1].Interface);
    }

    [Fact]
    public void EveryObjectArgumentOfEveryGeneratedInterface_IsLinked()
    {
        var descriptors = AllDescriptors().ToList();
        Assert.True(descriptors.Count >= 120, $"found {descriptors.Count} descriptor classes");
        foreach ((Type type, InterfaceDescriptor descriptor) in descriptors)
        {
            Assert.Equal((string)type.GetField("Name")!.GetValue(null)!, descriptor.Name);
            Assert.Equal((uint)type.GetField("Version")!.GetValue(null)!, descriptor.Version);
            foreach (MessageDescriptor message in descriptor.Requests.Concat(descriptor.Events))
            {
                foreach (ArgumentDescriptor argument in message.Arguments.Where(a => a.InterfaceName is not null))
                {
                    Assert.True(argument.Interface is not null, $"{descriptor.Name}.{message.Name}.{argument.Name} is not linked to {argument.InterfaceName}");
                    Assert.Equal(argument.InterfaceName, argument.Interface.Name);
                }
            }
        }
    }

    [Fact]
    public void Enums_AreTypedWithUIntValues_AndBitfieldsAreFlags()
    {
        Assert.Equal(typeof(uint), Enum.GetUnderlyingType(typeof(WlShmFormat)));
        Assert.Equal(0u, (uint)WlShmFormat.Argb8888);
        Assert.Equal(1u, (uint)WlShmFormat.Xrgb8888);
        Assert.Equal(0x20203843u, (uint)WlShmFormat.C8);
        Assert.Equal(1u, (uint)WlOutputTransform.Transform90);
        Assert.Equal(5u, (uint)WlOutputTransform.Flipped90);
        Assert.NotNull(typeof(WlOutputMode).GetCustomAttribute<FlagsAttribute>());
        Assert.NotNull(typeof(WlSeatCapability).GetCustomAttribute<FlagsAttribute>());
        Assert.Null(typeof(WlOutputTransform).GetCustomAttribute<FlagsAttribute>());
        Assert.Equal(WlSeatCapability.Pointer | WlSeatCapability.Keyboard, (WlSeatCapability)3u);
        // Open enums (unknown values through the wire) are OpenEnumWireTests.
    }

    [Fact]
    public void GeneratedTypes_CarryTheGeneratedCodeAttribute()
    {
        Assert.NotNull(typeof(WlSurfaceInterface).GetCustomAttribute<System.CodeDom.Compiler.GeneratedCodeAttribute>());
        Assert.NotNull(typeof(WlShmFormat).GetCustomAttribute<System.CodeDom.Compiler.GeneratedCodeAttribute>());
    }

    internal static IEnumerable<(Type Type, InterfaceDescriptor Descriptor)> AllDescriptors() =>
        typeof(WlSurfaceInterface).Assembly.GetTypes()
            .Where(t => t.IsClass && t.IsAbstract && t.IsSealed && t.GetField("Descriptor") is not null)
            .Select(t => (t, (InterfaceDescriptor)t.GetField("Descriptor")!.GetValue(null)!));
}
