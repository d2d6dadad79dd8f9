using Wayland.Client;

namespace Wayland.Client.Tests;

public class ConnectTests
{
    private static Func<string, string?> Env(params (string Key, string Value)[] values) =>
        key => values.FirstOrDefault(v => v.Key == key).Value;

    [Fact]
    public void Relative_name_resolves_in_XDG_RUNTIME_DIR() =>
        Assert.Equal("/run/user/1000/wayland-1", SocketLocator.ResolvePath("wayland-1", Env(("XDG_RUNTIME_DIR", "/run/user/1000"))));

    [Fact]
    public void WAYLAND_DISPLAY_then_wayland_0_are_the_defaults()
    {
        Assert.Equal("/r/wayland-5", SocketLocator.ResolvePath(null, Env(("XDG_RUNTIME_DIR", "/r"), ("WAYLAND_DISPLAY", "wayland-5"))));
        Assert.Equal("/r/wayland-0", SocketLocator.ResolvePath(null, Env(("XDG_RUNTIME_DIR", "/r"))));
        Assert.Equal("/r/explicit", SocketLocator.ResolvePath("explicit", Env(("XDG_RUNTIME_DIR", "/r"), ("WAYLAND_DISPLAY", "wayland-5"))));
    }

    [Fact]
    public void Absolute_names_are_paths_and_need_no_runtime_dir() =>
        Assert.Equal("/tmp/sock", SocketLocator.ResolvePath("/tmp/sock", Env()));

    [Fact]
    public void Missing_or_relative_XDG_RUNTIME_DIR_is_a_clear_error()
    {
        WaylandConnectException missing = Assert.Throws<WaylandConnectException>(() => SocketLocator.ResolvePath("wayland-0", Env()));
        Assert.Contains("XDG_RUNTIME_DIR is not set", missing.Message);
        WaylandConnectException relative = Assert.Throws<WaylandConnectException>(() => SocketLocator.ResolvePath("wayland-0", Env(("XDG_RUNTIME_DIR", "run/user"))));
        Assert.Contains("not an absolute path", relative.Message);
    }

    [Fact]
    public void Paths_longer_than_sun_path_are_rejected()
    {
        string runtime = "/" + new string('r', 100);
        WaylandConnectException error = Assert.Throws<WaylandConnectException>(() => SocketLocator.ResolvePath("wayland-0", Env(("XDG_RUNTIME_DIR", runtime))));
        Assert.Contains("107 bytes", error.Message);
    }

    [Fact]
    public void Connecting_to_a_missing_socket_names_the_cause()
    {
        using Wayland.Testing.RuntimeDirectory runtime = Wayland.Testing.RuntimeDirectory.Create("connect");
        WaylandConnectException error = Assert.Throws<WaylandConnectException>(() => WaylandDisplay.Connect(Path.Combine(runtime.Path, "nothing-here")));
        Assert.Contains("no such socket", error.Message);
    }

    [Fact]
    public void Connecting_to_a_socket_nobody_listens_on_is_refused()
    {
        using Wayland.Testing.RuntimeDirectory runtime = Wayland.Testing.RuntimeDirectory.Create("connect");
        string bound = Path.Combine(runtime.Path, "bound");
        string path = Path.Combine(runtime.Path, "stale");
        using (System.Net.Sockets.Socket socket = new(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified))
        {
            socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(bound));

            // .NET unlinks the socket file it bound when the socket closes; a hard link keeps a stale one.
            (int exit, _, string stderr) = Wayland.Testing.ProcessRunner.Run(new System.Diagnostics.ProcessStartInfo("ln", [bound, path]), TimeSpan.FromSeconds(10));
            Assert.True(exit == 0, stderr);
        }

        WaylandConnectException error = Assert.Throws<WaylandConnectException>(() => WaylandDisplay.Connect(path));
        Assert.Contains("connection refused", error.Message);
    }

    [Theory]
    [InlineData("7", 7L)]
    [InlineData(" \t+12", 12L)]
    [InlineData("-1", -1L)]
    [InlineData("007", 7L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    public void WAYLAND_SOCKET_is_read_as_strtol_reads_base_10(string value, long expected)
    {
        Assert.True(SocketLocator.TryParseDescriptor(value, out long number));
        Assert.Equal(expected, number);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("12abc")]
    [InlineData("5 ")]
    [InlineData("+")]
    [InlineData("0x5")]
    [InlineData("9223372036854775808")]
    [InlineData("-9223372036854775809")]
    [InlineData("99999999999999999999999")]
    public void WAYLAND_SOCKET_values_libwayland_refuses_are_refused(string value) =>
        Assert.False(SocketLocator.TryParseDescriptor(value, out _));

    [Theory]
    [InlineData("abc")]
    [InlineData("3x")]
    public void A_WAYLAND_SOCKET_that_is_not_a_number_fails_stays_set_and_nothing_else_is_tried(string value)
    {
        // A socket somebody listens on: connecting to it by name would succeed (the kernel queues the
        // connection), so only a connect that really ignores the name fails here.
        using Wayland.Testing.RuntimeDirectory runtime = Wayland.Testing.RuntimeDirectory.Create("connect");
        string path = Path.Combine(runtime.Path, "listening");
        using System.Net.Sockets.Socket listener = new(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        listener.Listen(4);
        using (WaylandDisplay reachable = WaylandDisplay.Connect(path))
        {
            Assert.Null(reachable.Error);
        }

        Environment.SetEnvironmentVariable("WAYLAND_SOCKET", value);
        try
        {
            WaylandConnectException error = Assert.Throws<WaylandConnectException>(() => WaylandDisplay.Connect(path));
            Assert.Contains("WAYLAND_SOCKET is not a file descriptor number", error.Message);

            // libwayland returns before unsetenv: the variable is still there.
            Assert.Equal(value, Environment.GetEnvironmentVariable("WAYLAND_SOCKET"));
            Assert.Throws<WaylandConnectException>(() => WaylandDisplay.Connect());
        }
        finally
        {
            Environment.SetEnvironmentVariable("WAYLAND_SOCKET", null);
        }
    }

    [Theory]
    [InlineData("2147483647")]
    [InlineData("-1")]
    [InlineData("4294967296")]
    public void A_WAYLAND_SOCKET_number_that_is_no_open_descriptor_fails_and_is_unset(string value)
    {
        Wayland.Testing.OpenFds.Snapshot before = Wayland.Testing.OpenFds.Take();
        Environment.SetEnvironmentVariable("WAYLAND_SOCKET", value);
        try
        {
            WaylandConnectException error = Assert.Throws<WaylandConnectException>(() => WaylandDisplay.Connect());
            Assert.Contains("not an open descriptor", error.Message);

            // libwayland unsets the variable once it has read a number, whatever the descriptor is.
            Assert.Null(Environment.GetEnvironmentVariable("WAYLAND_SOCKET"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("WAYLAND_SOCKET", null);
        }

        Wayland.Testing.OpenFds.AssertUnchanged(before);
    }
}
