using System.Globalization;
using Wayland.Client.Tests.WireTest.Client;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Client.Tests;

/// <summary>
/// Generated client proxies against libwayland's marshalling: each request of tests/native/protocols/wire-test.xml,
/// sent through a generated method and the client runtime, must put on the socket exactly the bytes that
/// libwayland-client put there for the same call (tests/native/wire-golden), with the same number of fds.
/// </summary>
public class GeneratedRequestBytesTests
{
    private static readonly Lazy<Dictionary<string, (byte[] Bytes, int Fds)>> Golden = new(() =>
    {
        (int exit, string stdout, string stderr) = ProcessRunner.Run(new System.Diagnostics.ProcessStartInfo(NativePeers.Path("wire-golden")), TimeSpan.FromMinutes(1));
        Assert.True(exit == 0, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' '))
            .ToDictionary(p => p[0], p => (Convert.FromHexString(p[2]), int.Parse(p[3]["fds=".Length..], CultureInfo.InvariantCulture)));
    });

    [Fact]
    public void Every_generated_request_matches_libwayland_byte_for_byte()
    {
        // Run the C peer first: the runtime keeps a pipe open once it has started any child process.
        _ = Golden.Value;
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        (SafeFdHandle ours, SafeFdHandle peer) = UnixSocket.CreatePair();
        using (Connection reader = new(peer))
        using (WaylandDisplay display = WaylandDisplay.ConnectTo(ours))
        using (FileStream devNull = new("/dev/null", FileMode.Open, FileAccess.Read))
        {
            WltTypes types = display.CreateProxy<WltTypes>(1);
            Assert.Equal(2u, types.Id);
            byte[] eight = [1, 2, 3, 4, 5, 6, 7, 8];

            void Check(string name, Action send)
            {
                send();
                display.Flush();
                Assert.True(UnixSocket.Wait(reader.Socket, writable: false, TimeSpan.FromSeconds(5)));
                while (reader.Read() == ReadResult.Data)
                {
                }

                (byte[] expected, int fds) = Golden.Value[name];
                Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(reader.IncomingBytes));
                Assert.Equal(fds, reader.IncomingFds);
                reader.CloseFds(reader.IncomingFds);
                reader.Consume(reader.IncomingBytes.Length);
            }

            Check("ints_basic", () => types.Ints(0, -1, int.MinValue, int.MaxValue));
            Check("uints_basic", () => types.Uints(0, uint.MaxValue));
            Check("fixed_basic", () => types.Fixeds(1.5, -1.5, -300, 1 / 256.0));
            Check("str_empty", () => types.Str(""));
            for (int n = 1; n <= 8; n++)
            {
                string text = "abcdefgh"[..n];
                Check($"str_len{n}", () => types.Str(text));
            }

            Check("str_utf8", () => types.Str("héllo wörld ✓"));
            Check("str_null", () => types.StrNullable(null));
            Check("obj_self", () => types.Obj(types));
            Check("obj_null", () => types.ObjNullable(null));
            WltTypes? created = null;
            Check("new_typed", () => created = types.NewTyped());
            Assert.Equal(3u, created!.Id);
            WltTypes? bound = null;
            Check("new_untyped", () => bound = types.NewUntyped<WltTypes>(1));
            Assert.Equal(4u, bound!.Id);
            Check("arr_empty", () => types.Arr([]));
            foreach (int n in new[] { 1, 3, 4, 5, 8 })
            {
                Check($"arr_{n}", () => types.Arr(eight.AsSpan(0, n)));
            }

            Check("fd_one", () => types.Fd(devNull.SafeFileHandle));
            Check("mixed", () => types.Mixed(-7, "mix", devNull.SafeFileHandle, [0xAA, 0xBB, 0xCC], 42, devNull.SafeFileHandle));
            Check("nop", () => types.Nop());
            Check("destroy", () => created.Dispose());
            Assert.True(created.IsDestroyed);
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }
}
