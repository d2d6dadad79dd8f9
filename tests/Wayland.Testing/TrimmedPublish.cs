using System.Diagnostics;

namespace Wayland.Testing;

/// <summary>
/// A tool published trimmed and self-contained (<c>-p:TrimmedPublish=true</c>), the proof that generated code needs
/// no reflection. scripts/test.sh publishes once before the test projects start (they run in parallel, and a
/// Release build plus trimming on two busy cores can outlast the hang timeout) and names the result in an
/// environment variable; a test run on its own publishes into a temporary directory, removed on dispose.
/// </summary>
public sealed class TrimmedPublish : IDisposable
{
    private readonly bool _ownOutput;

    private TrimmedPublish(string executable, bool ownOutput)
    {
        Executable = executable;
        _ownOutput = ownOutput;
    }

    /// <summary>The published executable.</summary>
    public string Executable { get; }

    /// <param name="project">The project, relative to the repository root.</param>
    /// <param name="executableName">The published program's file name.</param>
    /// <param name="prebuiltVariable">The environment variable scripts/test.sh sets to the prebuilt program.</param>
    public static TrimmedPublish Get(string project, string executableName, string prebuiltVariable)
    {
        string? prebuilt = Environment.GetEnvironmentVariable(prebuiltVariable);
        if (!string.IsNullOrEmpty(prebuilt))
        {
            return File.Exists(prebuilt) ? new TrimmedPublish(prebuilt, ownOutput: false)
                : throw new FileNotFoundException($"{prebuiltVariable} names a program that does not exist", prebuilt);
        }

        string output = Directory.CreateTempSubdirectory("trimmed-publish-").FullName;
        ProcessStartInfo publish = new("dotnet",
            ["publish", System.IO.Path.Combine(NativePeers.RepositoryRoot, project), "-c", "Release", "-p:TrimmedPublish=true", "-o", output, "--nologo",
             // No compiler or MSBuild servers: they would outlive the publish and hold its output pipes.
             "--disable-build-servers", "-p:UseSharedCompilation=false", "-nodeReuse:false"]);
        publish.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        (int exit, string stdout, string stderr) = ProcessRunner.Run(publish, TimeSpan.FromMinutes(8));
        string executable = System.IO.Path.Combine(output, executableName);
        if (exit != 0 || !File.Exists(executable))
        {
            Directory.Delete(output, recursive: true);
            throw new InvalidOperationException($"trimmed publish of {project} failed ({exit}):\n{stdout}\n{stderr}");
        }

        return new TrimmedPublish(executable, ownOutput: true);
    }

    public void Dispose()
    {
        if (_ownOutput)
        {
            Directory.Delete(System.IO.Path.GetDirectoryName(Executable)!, recursive: true);
        }
    }
}
