namespace Wayland.Scanner.Tests;

public class NamingTests
{
    [Theory]
    [InlineData("wl_surface", "WlSurface")]
    [InlineData("zwp_linux_dmabuf_v1", "ZwpLinuxDmabufV1")]
    [InlineData("get_xdg_surface", "GetXdgSurface")]
    [InlineData("argb8888", "Argb8888")]
    [InlineData("flipped_90", "Flipped90")]
    [InlineData("XRGB2101010", "XRGB2101010")]
    [InlineData("_leading", "Leading")]
    public void PascalCase(string name, string expected) => Assert.Equal(expected, Naming.ToPascalCase(name));

    [Fact]
    public void TypeNames()
    {
        Assert.Equal("WlSurfaceInterface", Naming.DescriptorClassName("wl_surface"));
        Assert.Equal("WlShmFormat", Naming.EnumTypeName("wl_shm", "format"));
        Assert.Equal("Transform90", Naming.EnumMemberName("transform", "90"));
        Assert.Equal("Argb8888", Naming.EnumMemberName("format", "argb8888"));
    }

    [Theory]
    [InlineData("wl_surface", true, true)]
    [InlineData("_x", true, true)]
    [InlineData("90", false, true)]
    [InlineData("wl-surface", false, false)]
    [InlineData("", false, false)]
    [InlineData("wl surface", false, false)]
    [InlineData("café", false, false)]
    public void Identifiers(string name, bool standalone, bool trailing)
    {
        Assert.Equal(standalone, Naming.IsStandaloneIdentifier(name));
        Assert.Equal(trailing, Naming.IsTrailingIdentifier(name));
    }

    [Theory]
    [InlineData("Wayland.Protocols", true)]
    [InlineData("My_Ns.V2", true)]
    [InlineData("My..Ns", false)]
    [InlineData("My.class", false)]
    [InlineData("1Ns", false)]
    public void Namespaces(string ns, bool valid) => Assert.Equal(valid, Naming.IsValidNamespace(ns));
}
