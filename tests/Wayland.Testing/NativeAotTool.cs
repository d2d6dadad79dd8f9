using System.Diagnostics;

namespace Wayland.Testing;

/// <summary>
/// A tool published as a NativeAOT executable (<c>-p:NativeAotPublish=true</c>): the proof that the tools and the
/// generated code need no reflection, and the binary users get. scripts/test.sh publishes every tool once, with
/// scripts/publish-aot.sh, before the test projects start (they run in parallel, and NativeAOT compilation on two
/// busy cores can outlast the hang timeout), and names the folder in WAYLAND_NET_AOT_DIR; a test run on its own
/// publishes into a temporary directory, removed on dispose.
/// </summary>
public sealed class NativeAotTool : IDisposable
{
    /// <summary>The environment variable that names the folder scripts/publish-aot.sh wrote.</summary>
    public const string DirectoryVariable = "WAYLAND_NET_AOT_DIR";

    private readonly string? _ownOutput;

    private NativeAotTool(string executable, string? ownOutput)
    {
        Executable = executable;
        _ownOutput = ownOutput;
    }

    /// <summary>The published executable.</summary>
    public string Executable { get; }

    /// <param name="project">The project, relative to the repository root.</param>
    /// <param name="executableName">The published program's file name.</param>
    public static NativeAotTool Get(string project, string executableName)
    {
        string? prebuilt = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrEmpty(prebuilt))
        {
            string path = System.IO.Path.Combine(prebuilt, executableName);
            return File.Exists(path) ? new NativeAotTool(path, ownOutput: null)
                : throw new FileNotFoundException($"{DirectoryVariable} names a folder without {executableName}", path);
        }

        string output = Directory.CreateTempSubdirectory("aot-publish-").FullName;
        ProcessStartInfo publish = new("dotnet",
            ["publish", System.IO.Path.Combine(NativePeers.RepositoryRoot, project), "-c", "Release", "-p:NativeAotPublish=true", "-o", output, "--nologo",
             // No compiler or MSBuild servers: they would outlive the publish and hold its output pipes.
             "--disable-build-servers", "-p:UseSharedCompilation=false", "-nodeReuse:false"]);
        publish.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        (int exit, string stdout, string stderr) = ProcessRunner.Run(publish, TimeSpan.FromMinutes(8));
        string executable = System.IO.Path.Combine(output, executableName);
        if (exit != 0 || !File.Exists(executable))
        {
            Directory.Delete(output, recursive: true);
            throw new InvalidOperationException($"NativeAOT publish of {project} failed ({exit}):\n{stdout}\n{stderr}");
        }

        return new NativeAotTool(executable, output);
    }

    public void Dispose()
    {
        if (_ownOutput is not null)
        {
            Directory.Delete(_ownOutput, recursive: true);
        }
    }
}
