using System.Diagnostics;
using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Wayland.Client.Protocol;
using Wayland.Testing;
using ClientDisplay = Wayland.Client.WaylandDisplay;

namespace Wayland.Server.Tests;

/// <summary>
/// Limits for the whole process (<see cref="Display.MaxDescriptors"/>, <see cref="Shm.MaxPools"/>): a libwayland client
/// in another process (tests/native/descriptor-hog) opens connection after connection, each within every per-client
/// limit, to fill the server's descriptor table or its memory mappings. The server must disconnect that process, serve
/// a bystander throughout, and end with the descriptors it started with.
/// </summary>
public sealed class ProcessLimitsTests
{
    [Fact]
    public void The_default_descriptor_limit_keeps_a_reserve_and_nonsense_is_refused()
    {
        Assert.Equal(1024 - 128, Display.DefaultMaxDescriptorsFor(1024));
        Assert.Equal(20_000 - 2_500, Display.DefaultMaxDescriptorsFor(20_000));
        Assert.Equal(1_048_576 - 4_096, Display.DefaultMaxDescriptorsFor(1_048_576));
        Assert.Equal(256 - 64, Display.DefaultMaxDescriptorsFor(256));
        Assert.Equal(1024 - 128, Display.DefaultMaxDescriptorsFor(-1));
        using Display display = new();
        Assert.True(display.MaxDescriptors > 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => display.MaxDescriptors = 63);
        Shm shm = new(display);
        Assert.True(shm.MaxPools > 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => shm.MaxPools = -1);
    }

    [Fact]
    public async Task A_process_filling_the_descriptor_table_with_connections_is_disconnected_and_others_are_served()
    {
        HogResult result = await RunHog(
            display => display.MaxDescriptors = LowestFreeDescriptor() + 160,
            connections: 300,
            pools: 0);

        // 300 connections need 600 descriptors: the server must have made room by dropping the hog's connections.
        Assert.True(result.NoMemory > 0, $"no connection of the hog was disconnected: {result}");
        Assert.True(result.Opened + result.NoMemory + result.Refused == 300, result.ToString());
        Assert.Equal(result.Opened, result.Alive);
    }

    [Fact]
    public async Task A_process_filling_the_descriptor_table_with_pools_is_disconnected_and_others_are_served()
    {
        HogResult result = await RunHog(
            display => display.MaxDescriptors = LowestFreeDescriptor() + 250,
            connections: 6,
            pools: 100);

        Assert.True(result.NoMemory > 0, $"no connection of the hog was disconnected: {result}");
        Assert.Equal(result.Opened, result.Alive);
    }

    [Fact]
    public async Task A_process_mapping_more_pools_than_the_display_allows_is_disconnected_and_others_may_still_map()
    {
        HogResult result = await RunHog(
            display => { },
            connections: 6,
            pools: 60,
            shm => shm.MaxPools = 150);

        // 360 pools over 6 connections, 60 each (within the per-client limit): the server keeps at most 150.
        Assert.True(result.NoMemory > 0, $"no connection of the hog was disconnected: {result}");
        Assert.True(result.Opened <= 2, $"more than 150 pools were kept: {result}");
    }

    /// <summary>
    /// Runs the hog against a display set up by <paramref name="configure"/>, with a bystander (this process) that
    /// roundtrips before, while the hog holds what it could, and after, and maps a pool at the end.
    /// </summary>
    private static async Task<HogResult> RunHog(Action<Display> configure, int connections, int pools, Action<Shm>? configureShm = null)
    {
        OpenFds.Snapshot before = OpenFds.Take();
        HogResult result;
        using (RuntimeDirectory runtime = RuntimeDirectory.Create("process-limits"))
        using (Display display = new())
        {
            Shm shm = new(display);
            configureShm?.Invoke(shm);
            string socket = display.AddSocket(Path.Combine(runtime.Path, "wayland-hog"));
            configure(display);
            Task server = display.RunAsync();
            try
            {
                using ClientDisplay bystander = ClientDisplay.Connect(socket);
                WlShm? clientShm = null;
                WlRegistry registry = bystander.GetRegistry();
                registry.Global += (_, name, iface, version) =>
                {
                    if (iface == "wl_shm")
                    {
                        clientShm = registry.Bind<WlShm>(name, 1);
                    }
                };
                bystander.Roundtrip();

                ProcessStartInfo info = new(NativePeers.Path("descriptor-hog"),
                    ["--socket", socket, "--connections", connections.ToString(CultureInfo.InvariantCulture), "--pools", pools.ToString(CultureInfo.InvariantCulture)])
                {
                    RedirectStandardInput = true,
                    RedirectStandardOutput = true,
                    UseShellExecute = false,
                };
                Process hog = Process.Start(info) ?? throw new InvalidOperationException("descriptor-hog did not start");
                try
                {
                    string first = ReadLine(hog);
                    Assert.False(server.IsCompleted, "the display stopped");
                    bystander.Roundtrip(); // served while the hog holds what it could keep

                    hog.StandardInput.Close();
                    string second = ReadLine(hog);
                    Assert.True(hog.WaitForExit(TimeSpan.FromSeconds(30)), "descriptor-hog did not exit");
                    Assert.Equal(0, hog.ExitCode);
                    result = HogResult.Parse(first, second);
                }
                finally
                {
                    PeerProcess.Stop(hog);
                }

                // The bystander can still map a pool of its own.
                using (SafeFileHandle memfd = SealedFile(4096))
                {
                    Assert.NotNull(clientShm);
                    clientShm.CreatePool(memfd, 4096).Dispose();
                }

                bystander.Roundtrip();
                Assert.Null(bystander.Error);
                Assert.False(server.IsCompleted, "the display stopped");
            }
            finally
            {
                display.Terminate();
                await server.WaitAsync(TimeSpan.FromSeconds(30));
            }
        }

        OpenFds.AssertUnchanged(before);
        return result;
    }

    /// <summary>The peer's next line of output, within a minute. Read on the test's own thread: a thread-pool thread
    /// started for an asynchronous read would keep a descriptor of its own open past the test.</summary>
    private static string ReadLine(Process peer)
    {
        string? line = null;
        Thread reader = new(() => line = peer.StandardOutput.ReadLine());
        reader.Start();
        if (!reader.Join(TimeSpan.FromMinutes(1)))
        {
            PeerProcess.Stop(peer);
            reader.Join();
            throw new TimeoutException("descriptor-hog said nothing for a minute");
        }

        return line ?? string.Empty;
    }

    /// <summary>The number the next descriptor opened would get: every one below it is in use.</summary>
    private static int LowestFreeDescriptor()
    {
        using FileStream probe = new("/dev/null", FileMode.Open, FileAccess.Read);
        return (int)probe.SafeFileHandle.DangerousGetHandle();
    }

    private static SafeFileHandle SealedFile(long size)
    {
        string path = Path.Combine("/dev/shm", $"process-limits-{Environment.ProcessId}-{Guid.NewGuid():N}");
        SafeFileHandle file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite);
        File.Delete(path);
        RandomAccess.SetLength(file, size);
        return file;
    }

    private sealed record HogResult(int Opened, int Refused, int NoMemory, int Alive)
    {
        public static HogResult Parse(string first, string second)
        {
            string[] a = first.Split(' ');
            string[] b = second.Split(' ');
            Assert.True(a is ["opened", _, "refused", _, "no_memory", _] && b is ["alive", _], $"descriptor-hog said '{first}' and '{second}'");
            return new HogResult(int.Parse(a[1], CultureInfo.InvariantCulture), int.Parse(a[3], CultureInfo.InvariantCulture),
                int.Parse(a[5], CultureInfo.InvariantCulture), int.Parse(b[1], CultureInfo.InvariantCulture));
        }
    }
}
