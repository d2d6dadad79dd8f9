using System.Diagnostics;
using Wayland.Demo;
using Wayland.Testing;
using Wayland.Wire;

// Wayland for .NET — wire-level demo.
// Starts weston headless in a private XDG_RUNTIME_DIR (or uses --socket PATH), then, with nothing but the
// managed wire core: lists the globals, binds wl_shm and lists its formats, and passes a memfd to the
// compositor with wl_shm.create_pool (SCM_RIGHTS), proven accepted by a round trip with no error.
// WAYLAND_DEBUG=1 prints every message in libwayland's format.
string? socketPath = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--socket" && i + 1 < args.Length)
    {
        socketPath = args[++i];
    }
    else
    {
        Console.Error.WriteLine("usage: Wayland.Demo [--socket PATH]");
        return 2;
    }
}

using HeadlessWeston? weston = socketPath is null ? HeadlessWeston.Start() : null;
socketPath ??= weston!.SocketPath;
Console.WriteLine($"compositor socket: {socketPath}{(weston is null ? "" : " (weston --backend=headless-backend.so)")}");

Stopwatch clock = Stopwatch.StartNew();
using WireSession session = new(UnixSocket.Connect(socketPath), ProtocolLogger.FromEnvironment(server: false));
List<(uint Name, string Interface, uint Version)> globals = [];
List<uint> formats = [];
string? error = null;
bool synced = false;

void OnEvent(uint id, InterfaceDescriptor target, in MessageArguments e)
{
    switch (target.Name, e.Descriptor.Name)
    {
        case ("wl_registry", "global"):
            globals.Add((e.GetUInt(0), e.GetString(1)!, e.GetUInt(2)));
            break;
        case ("wl_shm", "format"):
            formats.Add(e.GetUInt(0));
            break;
        case ("wl_callback", "done"):
            // The id stays taken until the compositor's delete_id: reusing it earlier would
            // let that late delete_id free whatever object got the id next.
            synced = true;
            break;
        case ("wl_display", "error"):
            error = $"protocol error {e.GetUInt(1)} on object {e.GetObjectId(0)}: {e.GetString(2)}";
            synced = true;
            break;
        case ("wl_display", "delete_id"):
            session.Forget(e.GetUInt(0));
            break;
    }
}

void Roundtrip()
{
    synced = false;
    uint callback = session.NewObject(CoreProtocol.Callback);
    session.Send(1, 0, (ref MessageWriter w) => w.WriteNewId(callback));
    session.DispatchUntil(() => synced, OnEvent, TimeSpan.FromSeconds(10));
    if (error is not null)
    {
        throw new WaylandException(error);
    }
}

uint registry = session.NewObject(CoreProtocol.Registry);
session.Send(1, 1, (ref MessageWriter w) => w.WriteNewId(registry));
Roundtrip();
TimeSpan firstRoundtrip = clock.Elapsed;

(uint shmName, _, _) = globals.Find(g => g.Interface == "wl_shm");
if (shmName == 0)
{
    Console.Error.WriteLine("the compositor has no wl_shm");
    return 1;
}

uint shm = session.NewObject(CoreProtocol.Shm);
session.Send(registry, 0, (ref MessageWriter w) =>
{
    w.WriteUInt(shmName);
    w.WriteUntypedNewId("wl_shm", 1, shm);
});
Roundtrip();

// Pass a 64 KiB memfd to the compositor; it mmaps it. A clean round trip afterwards proves it accepted the fd.
const int poolSize = 64 * 1024;
using (FileStream memory = SharedMemory.Create(poolSize))
{
    uint pool = session.NewObject(CoreProtocol.ShmPool);
    int fd = (int)memory.SafeFileHandle.DangerousGetHandle();
    session.Send(shm, 0, (ref MessageWriter w) =>
    {
        w.WriteNewId(pool);
        w.WriteFd(fd);
        w.WriteInt(poolSize);
    });
    session.Send(pool, 1, (ref MessageWriter w) => { });
    Roundtrip();
}

Console.WriteLine($"{globals.Count} globals:");
foreach ((uint name, string iface, uint version) in globals)
{
    Console.WriteLine($"  {name,3}  {iface,-40} v{version}");
}

Console.WriteLine($"wl_shm formats: {string.Join(", ", formats.Select(f => f switch { 0 => "ARGB8888", 1 => "XRGB8888", _ => $"0x{f:x8}" }))}");
Console.WriteLine($"wl_shm.create_pool with a {poolSize}-byte memfd: accepted");
Console.WriteLine($"first round trip {firstRoundtrip.TotalMilliseconds:F2} ms, total {clock.Elapsed.TotalMilliseconds:F2} ms");
return 0;
