using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary><c>wl_compositor</c> in the generated shape, with no surfaces (enough to be listed and bound).</summary>
internal sealed class TestCompositor : Resource, IResourceFactory<TestCompositor>
{
    private TestCompositor()
        : base(WlCompositorInterface.Descriptor)
    {
    }

    static InterfaceDescriptor IResourceFactory<TestCompositor>.Interface => WlCompositorInterface.Descriptor;

    static TestCompositor IResourceFactory<TestCompositor>.Create() => new();
}

/// <summary><c>wl_subcompositor</c>, listed only.</summary>
internal sealed class TestSubcompositor : Resource, IResourceFactory<TestSubcompositor>
{
    private TestSubcompositor()
        : base(WlSubcompositorInterface.Descriptor)
    {
    }

    static InterfaceDescriptor IResourceFactory<TestSubcompositor>.Interface => WlSubcompositorInterface.Descriptor;

    static TestSubcompositor IResourceFactory<TestSubcompositor>.Create() => new();
}

/// <summary><c>xdg_wm_base</c>, listed only.</summary>
internal sealed class TestWmBase : Resource, IResourceFactory<TestWmBase>
{
    private TestWmBase()
        : base(XdgWmBaseInterface.Descriptor)
    {
    }

    static InterfaceDescriptor IResourceFactory<TestWmBase>.Interface => XdgWmBaseInterface.Descriptor;

    static TestWmBase IResourceFactory<TestWmBase>.Create() => new();
}

/// <summary><c>wl_output</c> in the generated shape: sends its description on bind.</summary>
internal sealed class TestOutput : Resource, IResourceFactory<TestOutput>
{
    private TestOutput()
        : base(WlOutputInterface.Descriptor)
    {
    }

    static InterfaceDescriptor IResourceFactory<TestOutput>.Interface => WlOutputInterface.Descriptor;

    static TestOutput IResourceFactory<TestOutput>.Create() => new();

    /// <summary>Sends what a compositor sends when an output is bound: geometry, mode, then scale, name,
    /// description and done as the version allows.</summary>
    internal void Describe()
    {
        Span<byte> buffer = stackalloc byte[512];
        MessageWriter writer = new(buffer, Id, WlOutputInterface.Events.Geometry);
        writer.WriteInt(10);
        writer.WriteInt(20);
        writer.WriteInt(300);
        writer.WriteInt(200);
        writer.WriteInt((int)WlOutputSubpixel.HorizontalRgb);
        writer.WriteString("Wayland.NET");
        writer.WriteString("Test Monitor");
        writer.WriteInt((int)WlOutputTransform.Normal);
        SendEvent(WlOutputInterface.Events.Geometry, writer.Finish(), default);

        writer = new MessageWriter(buffer, Id, WlOutputInterface.Events.Mode);
        writer.WriteUInt((uint)(WlOutputMode.Current | WlOutputMode.Preferred));
        writer.WriteInt(1024);
        writer.WriteInt(768);
        writer.WriteInt(60000);
        SendEvent(WlOutputInterface.Events.Mode, writer.Finish(), default);

        if (Version >= WlOutputInterface.Events.ScaleSince)
        {
            writer = new MessageWriter(buffer, Id, WlOutputInterface.Events.Scale);
            writer.WriteInt(2);
            SendEvent(WlOutputInterface.Events.Scale, writer.Finish(), default);
        }

        if (Version >= WlOutputInterface.Events.NameSince)
        {
            writer = new MessageWriter(buffer, Id, WlOutputInterface.Events.Name);
            writer.WriteString("TEST-1");
            SendEvent(WlOutputInterface.Events.Name, writer.Finish(), default);
            writer = new MessageWriter(buffer, Id, WlOutputInterface.Events.Description);
            writer.WriteString("A test output");
            SendEvent(WlOutputInterface.Events.Description, writer.Finish(), default);
        }

        if (Version >= WlOutputInterface.Events.DoneSince)
        {
            writer = new MessageWriter(buffer, Id, WlOutputInterface.Events.Done);
            SendEvent(WlOutputInterface.Events.Done, writer.Finish(), default);
        }
    }
}
