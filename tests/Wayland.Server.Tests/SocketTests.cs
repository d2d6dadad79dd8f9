using Wayland.Interop;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>The cases of libwayland's tests/socket-test.c, plus lock-file and stale-socket handling.</summary>
public sealed class SocketTests : IDisposable
{
    private readonly OpenFds.Snapshot _fdsBefore = OpenFds.Take();
    private readonly RuntimeDirectory _runtime = RuntimeDirectory.Create("server-socket");

    public void Dispose()
    {
        _runtime.Dispose();
        OpenFds.AssertUnchanged(_fdsBefore);
    }

    [Fact]
    public void AddSocket_creates_the_socket_and_its_lock_in_XDG_RUNTIME_DIR_and_removes_both_on_dispose()
    {
        string path;
        using (Display display = new())
        {
            path = display.AddSocketCore("wayland-test-0", Env);
            Assert.Equal(Path.Combine(_runtime.Path, "wayland-test-0"), path);
            Assert.True(IsSocket(path));
            Assert.True(File.Exists(path + ".lock"));
            // Nothing else: the temporary name the socket was bound under before it listened is gone.
            Assert.Equal(["wayland-test-0", "wayland-test-0.lock"], Directory.GetFileSystemEntries(_runtime.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }

        Assert.False(Exists(path));
        Assert.False(File.Exists(path + ".lock"));
    }

    [Fact]
    public void The_socket_file_appears_only_once_its_socket_listens()
    {
        // A program waiting for the socket file (as scripts and test harnesses do) must be able to connect as soon as it
        // sees it. Bound and then listening on the path itself, a connection in between would be refused.
        string path = Path.Combine(_runtime.Path, "wayland-ready");
        int refused = 0, accepted = 0;
        // Odd while a display is being disposed. A connect that found the file just before it was removed is refused
        // once the socket closes: that is the teardown, not the start, and is not counted.
        int teardown = 0;
        using CancellationTokenSource stop = new();
        Thread watcher = new(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using System.Net.Sockets.Socket probe = new(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
                int before = Volatile.Read(ref teardown);
                try
                {
                    probe.Connect(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
                    Interlocked.Increment(ref accepted);
                }
                catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionRefused)
                {
                    if (before % 2 == 0 && Volatile.Read(ref teardown) == before)
                    {
                        refused++; // no display was being disposed meanwhile
                    }
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // not there yet, or already removed
                }
            }
        });
        watcher.Start();
        try
        {
            // At least 2000 times, and on until the watcher has connected a few times (it may be starved of a core).
            for (int i = 0; i < 2000 || (Volatile.Read(ref accepted) < 10 && i < 100_000); i++)
            {
                Display display = new();
                display.AddSocketCore("wayland-ready", Env);
                Interlocked.Increment(ref teardown);
                display.Dispose(); // removes the socket file, then closes the socket
                Interlocked.Increment(ref teardown);
            }
        }
        finally
        {
            stop.Cancel();
            watcher.Join();
        }

        Assert.True(accepted > 0, "the watcher never connected, so it proves nothing");
        Assert.Equal(0, refused);
    }

    [Fact]
    public void A_path_too_long_for_the_temporary_name_is_bound_directly()
    {
        // 107 bytes is the most sun_path holds; the temporary name is longer than the path, so this one is bound as is.
        string name = new('s', 107 - _runtime.Path.Length - 1);
        using Display display = new();
        string path = display.AddSocketCore(name, Env);
        Assert.True(IsSocket(path));
        using RawClient client = new(UnixSocket.Connect(path));
        client.Roundtrip(display);
    }

    [Fact]
    public void A_second_server_on_the_same_name_fails_and_the_first_survives()
    {
        using Display first = new();
        string path = first.AddSocketCore("wayland-test-0", Env);
        using (Display second = new())
        {
            WaylandIOException error = Assert.Throws<WaylandIOException>(() => second.AddSocketCore("wayland-test-0", Env));
            Assert.Equal(Errno.EAGAIN, error.Errno);
            Assert.Contains("maybe another compositor is running", error.Message);
        }

        // The same display cannot add it twice either, and the socket is still there and serving.
        Assert.Throws<WaylandIOException>(() => first.AddSocketCore("wayland-test-0", Env));
        Assert.True(IsSocket(path));
        Assert.True(File.Exists(path + ".lock"));
        using RawClient client = new(UnixSocket.Connect(path));
        client.Roundtrip(first);
    }

    [Fact]
    public void AddSocketAuto_returns_wayland_0_to_wayland_32_then_fails()
    {
        using Display display = new();
        for (int i = 0; i <= Display.MaxAutoSocketNumber; i++)
        {
            string name = display.AddSocketAutoCore(Env);
            Assert.Equal($"wayland-{i}", name);
            Assert.True(IsSocket(Path.Combine(_runtime.Path, name)));
        }

        Assert.Throws<WaylandIOException>(() => display.AddSocketAutoCore(Env));
        Assert.Throws<WaylandIOException>(() => display.AddSocketAutoCore(Env));
        Assert.True(IsSocket(Path.Combine(_runtime.Path, "wayland-32")));
    }

    [Fact]
    public void AddSocketAuto_skips_names_another_server_holds()
    {
        using Display other = new();
        Assert.Equal("wayland-0", other.AddSocketAutoCore(Env));
        using Display display = new();
        Assert.Equal("wayland-1", display.AddSocketAutoCore(Env));
    }

    [Fact]
    public void An_absolute_path_needs_no_XDG_RUNTIME_DIR()
    {
        string path = Path.Combine(_runtime.Path, "wayland-absolute-0");
        using (Display display = new())
        {
            Assert.Equal(path, display.AddSocketCore(path, _ => null));
            using RawClient client = new(UnixSocket.Connect(path));
            client.Roundtrip(display);
        }

        Assert.False(Exists(path));
    }

    [Fact]
    public void A_missing_or_relative_XDG_RUNTIME_DIR_is_a_clear_error()
    {
        using Display display = new();
        WaylandIOException missing = Assert.Throws<WaylandIOException>(() => display.AddSocketCore("wayland-0", _ => null));
        Assert.Equal(Errno.ENOENT, missing.Errno);
        Assert.Contains("XDG_RUNTIME_DIR is not set", missing.Message);
        WaylandIOException relative = Assert.Throws<WaylandIOException>(() => display.AddSocketCore("wayland-0", _ => "run/user"));
        Assert.Contains("not an absolute path", relative.Message);
        Assert.Throws<WaylandIOException>(() => display.AddSocketAutoCore(_ => null));
    }

    [Fact]
    public void A_path_longer_than_sun_path_is_refused()
    {
        using Display display = new();
        string name = new('a', 120);
        WaylandIOException error = Assert.Throws<WaylandIOException>(() => display.AddSocketCore(name, Env));
        Assert.Equal(Errno.ENAMETOOLONG, error.Errno);
        Assert.Contains("exceeds 108 bytes", error.Message);
    }

    [Fact]
    public void Null_uses_WAYLAND_DISPLAY_then_wayland_0()
    {
        using Display display = new();
        Assert.EndsWith("/from-env", display.AddSocketCore(null, key => key == "WAYLAND_DISPLAY" ? "from-env" : Env(key)));
        Assert.EndsWith("/wayland-0", display.AddSocketCore(null, Env));
    }

    [Fact]
    public void A_stale_socket_is_replaced_under_the_lock()
    {
        string path = Path.Combine(_runtime.Path, "wayland-stale");
        int stale = ServerSocketOps.Listen(path, out _);
        Assert.True(stale >= 0);
        LibC.Close(stale); // the socket file stays behind, as after a crash
        Assert.True(IsSocket(path));
        using Display display = new();
        display.AddSocketCore("wayland-stale", Env);
        using RawClient client = new(UnixSocket.Connect(path));
        client.Roundtrip(display);
    }

    [Fact]
    public void Temporary_names_left_by_processes_no_longer_running_are_removed()
    {
        // A process killed between bind and link leaves its socket's temporary name behind: .NAME.PID.N.new.
        int gone = PidOfAnExitedProcess();
        string Named(string name, int pid, int n) => Path.Combine(_runtime.Path, $".{name}.{pid}.{n}.new");
        string stale = Named("wayland-leftover", gone, 1);
        string running = Named("wayland-leftover", 1, 1); // pid 1 always runs
        string notASocket = Named("wayland-leftover", gone, 2);
        string otherName = Named("wayland-other", gone, 1);
        foreach (string socket in new[] { stale, running, otherName })
        {
            int fd = ServerSocketOps.Listen(socket, out _);
            Assert.True(fd >= 0);
            LibC.Close(fd); // the socket file stays behind
            Assert.True(IsSocket(socket));
        }

        File.WriteAllText(notASocket, "not a socket");

        using Display display = new();
        display.AddSocketCore("wayland-leftover", Env);
        Assert.False(Exists(stale));
        Assert.True(IsSocket(running));
        Assert.True(File.Exists(notASocket));
        Assert.True(IsSocket(otherName));
        using RawClient client = new(UnixSocket.Connect(Path.Combine(_runtime.Path, "wayland-leftover")));
        client.Roundtrip(display);
    }

    private static int PidOfAnExitedProcess()
    {
        using System.Diagnostics.Process process = System.Diagnostics.Process.Start("true");
        process.WaitForExit();
        return process.Id;
    }

    [Fact]
    public void AddSocketFd_accepts_on_an_already_listening_socket_and_unlinks_nothing()
    {
        string path = Path.Combine(_runtime.Path, "wayland-fd");
        int fd = ServerSocketOps.Listen(path, out _);
        Assert.True(fd >= 0);
        using (Display display = new())
        {
            List<Client> created = [];
            display.ClientCreated += created.Add;
            display.AddSocketFd(new SafeFdHandle(fd));
            using RawClient client = new(UnixSocket.Connect(path));
            client.Roundtrip(display);
            Client server = Assert.Single(created);
            Assert.Equal(Environment.ProcessId, server.ProcessId);
        }

        Assert.True(IsSocket(path));
        File.Delete(path);
    }

    [Fact]
    public void AddSocketFd_refuses_what_is_not_a_socket()
    {
        using Display display = new();
        using SafeFdHandle memfd = TestSupport.Memfd(0);
        using SafeFdHandle copy = memfd.Duplicate();
        Assert.Throws<ArgumentException>(() => display.AddSocketFd(copy));
    }

    [Fact]
    public void A_client_that_disconnects_is_destroyed()
    {
        using Display display = new();
        string path = display.AddSocketCore("wayland-test-0", Env);
        List<string> events = [];
        display.ClientCreated += client =>
        {
            client.Destroying += _ => events.Add("destroying");
            client.Destroyed += _ => events.Add("destroyed");
        };
        RawClient raw = new(UnixSocket.Connect(path));
        raw.Roundtrip(display);
        Assert.Single(display.Clients);
        raw.Dispose();
        display.Dispatch(TimeSpan.FromMilliseconds(100));
        Assert.Empty(display.Clients);
        Assert.Equal(["destroying", "destroyed"], events);
    }

    private static bool IsSocket(string path) =>
        ServerSocketOps.LinkMode(path, out uint mode, out _) == 0 && (mode & Native.S_IFMT) == Native.S_IFSOCK;

    private static bool Exists(string path) => ServerSocketOps.LinkMode(path, out _, out _) == 0;

    private string? Env(string key) => key == "XDG_RUNTIME_DIR" ? _runtime.Path : null;
}
