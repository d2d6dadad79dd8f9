using System.Diagnostics;
using Wayland.Testing;

namespace Wayland.Client.Tests;

/// <summary>
/// Generated code needs no reflection: wl-info (client runtime + generated proxies for every protocol) is
/// published trimmed and self-contained, with trim-analysis warnings as errors, and the trimmed binary must
/// still talk to weston exactly like Debian's wayland-info.
/// </summary>
/// <remarks>
/// Not NativeAOT: with .NET 10, <c>PublishAot=true</c> restores the compiler (runtime.linux-x64.Microsoft.DotNet.ILCompiler,
/// which the package registry here has) and the NativeAOT runtime pack, which it has not: the publish stops at
/// "error NU1101: Unable to find package Microsoft.NETCore.App.Runtime.NativeAOT.linux-x64. No packages exist with
/// this id in source(s): nuget.org". Wayland.Wire, Protocols, Client, Server and wl-info set IsAotCompatible, so the
/// trim, single-file and AOT analyzers run on every build with their warnings as errors.
/// </remarks>
public class TrimmedPublishTests
{
    [Fact]
    public void Trimmed_wl_info_works_against_weston()
    {
        using TrimmedPublish wlInfo = TrimmedPublish.Get("tools/Wayland.Info/Wayland.Info.csproj", "wl-info", "WAYLAND_NET_TRIMMED_WL_INFO");
        using HeadlessWeston weston = HeadlessWeston.Start();
        ProcessStartInfo trimmed = new(wlInfo.Executable);
        weston.ApplyClientEnvironment(trimmed);
        (int ourExit, string ours, string ourErrors) = ProcessRunner.Run(trimmed, TimeSpan.FromSeconds(30));
        Assert.True(ourExit == 0, ourErrors);

        ProcessStartInfo reference = new("wayland-info");
        weston.ApplyClientEnvironment(reference);
        (_, string theirs, _) = ProcessRunner.Run(reference, TimeSpan.FromSeconds(30));

        static string[] InterfaceLines(string text) => text.Split('\n').Where(l => l.StartsWith("interface: ", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(InterfaceLines(theirs));
        Assert.Equal(InterfaceLines(theirs), InterfaceLines(ours));
        Assert.Contains("wl_shm formats: ARGB8888, XRGB8888", ours);
    }
}
