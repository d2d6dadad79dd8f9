using System.Diagnostics;
using Wayland.Testing;

namespace Wayland.Client.Tests;

/// <summary>The C# wl-info tool (tools/Wayland.Info) against Debian's wayland-info, on the same weston.</summary>
public class WlInfoToolTests
{
    [Fact]
    public void Wl_info_prints_the_same_interface_lines_as_wayland_info()
    {
        using HeadlessWeston weston = HeadlessWeston.Start();

        ProcessStartInfo theirsInfo = new("wayland-info");
        weston.ApplyClientEnvironment(theirsInfo);
        (int theirExit, string theirs, string theirErrors) = ProcessRunner.Run(theirsInfo, TimeSpan.FromSeconds(30));
        Assert.True(theirExit == 0, theirErrors);

        ProcessStartInfo oursInfo = new("dotnet", [Path.Combine(AppContext.BaseDirectory, "wl-info.dll")]);
        weston.ApplyClientEnvironment(oursInfo);
        (int ourExit, string ours, string ourErrors) = ProcessRunner.Run(oursInfo, TimeSpan.FromSeconds(30));
        Assert.True(ourExit == 0, ourErrors);

        static string[] InterfaceLines(string output) =>
            output.Split('\n').Where(l => l.StartsWith("interface: ", StringComparison.Ordinal)).ToArray();

        Assert.NotEmpty(InterfaceLines(theirs));
        Assert.Equal(InterfaceLines(theirs), InterfaceLines(ours));
        Assert.Contains("wl_shm formats: ARGB8888, XRGB8888", ours);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_exits_zero_with_the_usage_on_stdout(string argument)
    {
        (int exit, string stdout, string stderr) = RunWlInfo(argument);
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.StartsWith("usage: wl-info [-d|--display NAME_OR_PATH]", stdout, StringComparison.Ordinal);
        Assert.Contains("--version", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_prints_the_package_version()
    {
        (int exit, string stdout, _) = RunWlInfo("--version");
        Assert.Equal(0, exit);
        string expected = typeof(WaylandDisplay).Assembly.GetName().Version!.ToString(3);
        Assert.StartsWith($"wl-info {expected}", stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--display")]
    [InlineData("extra")]
    public void Bad_arguments_exit_2_with_the_usage_on_stderr(string argument)
    {
        (int exit, string stdout, string stderr) = RunWlInfo(argument);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith("wl-info: ", stderr, StringComparison.Ordinal);
        Assert.Contains("usage: wl-info", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-d", "")]
    [InlineData("--display", " ")]
    public void An_empty_or_blank_display_is_a_bad_argument(string option, string value)
    {
        (int exit, string stdout, string stderr) = RunWlInfo(option, value);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.StartsWith($"wl-info: {option} needs a socket name or path, not '{value}'\n", stderr, StringComparison.Ordinal);
    }

    private static (int Exit, string Stdout, string Stderr) RunWlInfo(params string[] arguments)
    {
        using RuntimeDirectory runtime = RuntimeDirectory.Create("wl-info");
        ProcessStartInfo info = new("dotnet", [Path.Combine(AppContext.BaseDirectory, "wl-info.dll"), .. arguments]);
        runtime.Apply(info);
        return ProcessRunner.Run(info, TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(">/dev/full", "--help")]
    [InlineData(">&-", "--version")]
    [InlineData(">/dev/full", null)]
    [InlineData(">&-", null)]
    public void Output_that_cannot_be_written_is_reported_and_exits_1(string redirection, string? argument)
    {
        // Without an argument: the report of a compositor's globals.
        using HeadlessWeston weston = HeadlessWeston.Start();
        (int exit, string stdout, string stderr) = RunWlInfoInShell(weston, redirection, argument is null ? [] : [argument]);
        Assert.True(exit == 1, $"exit status {exit}: {stderr}");
        Assert.Equal("", stdout);
        Assert.StartsWith("wl-info: cannot write to standard output: ", stderr, StringComparison.Ordinal);
        if (redirection == ">/dev/full")
        {
            Assert.Equal("wl-info: cannot write to standard output: No space left on device\n", stderr);
        }
    }

    [Fact]
    public void With_standard_error_closed_a_missing_compositor_still_exits_1()
    {
        (int exit, _, _) = RunWlInfoInShell(null, "2>&-", ["--display", "nothing-here"]);
        Assert.Equal(1, exit);
    }

    /// <summary>wl-info run by /bin/sh with <paramref name="redirection"/> (to close or replace a standard stream).</summary>
    private static (int Exit, string Stdout, string Stderr) RunWlInfoInShell(HeadlessWeston? weston, string redirection, string[] arguments)
    {
        using RuntimeDirectory runtime = RuntimeDirectory.Create("wl-info");
        ProcessStartInfo info = new("/bin/sh", ["-c", $"exec \"$@\" {redirection}", "sh", "dotnet", Path.Combine(AppContext.BaseDirectory, "wl-info.dll"), .. arguments]);
        runtime.Apply(info);
        weston?.ApplyClientEnvironment(info);
        return ProcessRunner.Run(info, TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("a-directory", "it is a directory, not a socket")]
    [InlineData("a-file", "it is a file, not a socket")]
    public void Wl_info_says_what_is_at_the_path_when_it_is_not_a_socket(string name, string says)
    {
        // connect refuses these as it refuses a socket nobody listens on; "nobody is listening" would mislead.
        using RuntimeDirectory runtime = RuntimeDirectory.Create("wl-info");
        Directory.CreateDirectory(Path.Combine(runtime.Path, "a-directory"));
        File.WriteAllText(Path.Combine(runtime.Path, "a-file"), "");
        ProcessStartInfo info = new("dotnet", [Path.Combine(AppContext.BaseDirectory, "wl-info.dll"), "--display", name]);
        runtime.Apply(info);
        (int exit, _, string errors) = ProcessRunner.Run(info, TimeSpan.FromSeconds(30));
        Assert.Equal(1, exit);
        Assert.Equal($"wl-info: cannot connect to the Wayland compositor at {Path.Combine(runtime.Path, name)}: {says}\n", errors);
    }

    [Fact]
    public void Wl_info_explains_a_missing_compositor()
    {
        using RuntimeDirectory runtime = RuntimeDirectory.Create("wl-info");
        ProcessStartInfo info = new("dotnet", [Path.Combine(AppContext.BaseDirectory, "wl-info.dll"), "--display", "nothing-here"]);
        runtime.Apply(info);
        (int exit, _, string errors) = ProcessRunner.Run(info, TimeSpan.FromSeconds(30));
        Assert.Equal(1, exit);
        Assert.Contains("no such socket", errors);
    }
}
