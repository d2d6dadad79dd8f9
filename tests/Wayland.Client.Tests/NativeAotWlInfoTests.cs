using System.Diagnostics;
using Wayland.Testing;

namespace Wayland.Client.Tests;

/// <summary>
/// wl-info as a NativeAOT executable (client runtime + generated proxies for every protocol, compiled ahead of time
/// with trimming; the AOT and trim analyzers run with warnings as errors) talks to weston exactly like Debian's
/// wayland-info, answers --help and --version as the JIT build does, and its output lands in order in a file that
/// a shell redirected for several commands.
/// </summary>
public class NativeAotWlInfoTests
{
    [Fact]
    public void Native_wl_info_works_against_weston()
    {
        using NativeAotTool wlInfo = NativeAotTool.Get("tools/Wayland.Info/Wayland.Info.csproj", "wl-info");
        // An ELF executable on its own: no managed wl-info.dll beside it for a host to load.
        Assert.Equal("\u007fELF"u8.ToArray(), File.ReadAllBytes(wlInfo.Executable)[..4]);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(wlInfo.Executable)!, "wl-info.dll")));

        using HeadlessWeston weston = HeadlessWeston.Start();
        ProcessStartInfo native = new(wlInfo.Executable);
        weston.ApplyClientEnvironment(native);
        (int ourExit, string ours, string ourErrors) = ProcessRunner.Run(native, TimeSpan.FromSeconds(30));
        Assert.True(ourExit == 0, ourErrors);

        ProcessStartInfo reference = new("wayland-info");
        weston.ApplyClientEnvironment(reference);
        (_, string theirs, _) = ProcessRunner.Run(reference, TimeSpan.FromSeconds(30));

        static string[] InterfaceLines(string text) => text.Split('\n').Where(l => l.StartsWith("interface: ", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(InterfaceLines(theirs));
        Assert.Equal(InterfaceLines(theirs), InterfaceLines(ours));
        Assert.Contains("wl_shm formats: ARGB8888, XRGB8888", ours);

        // Written straight to the descriptors, the output still shares a redirected file's offset with the shell.
        string file = Path.Combine(weston.Runtime.Path, "shared.txt");
        ProcessStartInfo shared = new("/bin/sh", ["-c", $"{{ echo before; '{wlInfo.Executable}' --version; '{wlInfo.Executable}'; echo after; }} > '{file}'"]);
        weston.ApplyClientEnvironment(shared);
        (int sharedExit, _, string sharedErrors) = ProcessRunner.Run(shared, TimeSpan.FromSeconds(30));
        Assert.True(sharedExit == 0, sharedErrors);
        string[] lines = File.ReadAllText(file).Split('\n');
        Assert.Equal("before", lines[0]);
        Assert.StartsWith("wl-info ", lines[1], StringComparison.Ordinal);
        Assert.Equal(InterfaceLines(ours), lines.Skip(2).Where(l => l.StartsWith("interface: ", StringComparison.Ordinal)));
        Assert.Equal(["after", ""], lines[^2..]);

        (int helpExit, string help, _) = ProcessRunner.Run(new ProcessStartInfo(wlInfo.Executable, ["--help"]), TimeSpan.FromSeconds(30));
        Assert.Equal(0, helpExit);
        Assert.StartsWith("usage: wl-info", help, StringComparison.Ordinal);
        (int versionExit, string version, _) = ProcessRunner.Run(new ProcessStartInfo(wlInfo.Executable, ["--version"]), TimeSpan.FromSeconds(30));
        Assert.Equal(0, versionExit);
        Assert.Matches(@"^wl-info \d+\.\d+\.\d+", version);
    }
}
