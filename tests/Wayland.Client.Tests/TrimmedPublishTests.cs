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
        // scripts/test.sh publishes once before the test projects start (they run in parallel, and a Release
        // build plus trimming on two busy cores can outlast the hang timeout); on its own the test publishes.
        string? prebuilt = Environment.GetEnvironmentVariable("WAYLAND_NET_TRIMMED_WL_INFO");
        bool ownOutput = string.IsNullOrEmpty(prebuilt);
        string output = ownOutput ? Directory.CreateTempSubdirectory("wl-info-trimmed-").FullName : Path.GetDirectoryName(prebuilt)!;
        try
        {
            if (ownOutput)
            {
                string project = Path.Combine(NativePeers.RepositoryRoot, "tools", "Wayland.Info", "Wayland.Info.csproj");
                ProcessStartInfo publish = new("dotnet",
                    ["publish", project, "-c", "Release", "-p:TrimmedPublish=true", "-o", output, "--nologo",
                     // No compiler or MSBuild servers: they would outlive the publish and hold its output pipes.
                     "--disable-build-servers", "-p:UseSharedCompilation=false", "-nodeReuse:false"]);
                publish.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
                (int exit, string stdout, string stderr) = ProcessRunner.Run(publish, TimeSpan.FromMinutes(8));
                Assert.True(exit == 0, $"trimmed publish failed:\n{stdout}\n{stderr}");
            }

            Assert.True(File.Exists(Path.Combine(output, "wl-info")), $"no trimmed wl-info in {output}");
            using HeadlessWeston weston = HeadlessWeston.Start();
            ProcessStartInfo trimmed = new(Path.Combine(output, "wl-info"));
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
        finally
        {
            if (ownOutput)
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }
}
