using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Wire;
using ServerCompositor = Wayland.Server.Protocol.WlCompositor;
using ServerDisplay = Wayland.Server.Display;
using ServerOutput = Wayland.Server.Protocol.WlOutput;
using ServerPointer = Wayland.Server.Protocol.WlPointer;
using ServerSeat = Wayland.Server.Protocol.WlSeat;
using ServerShell = Wayland.Server.Protocol.WlShell;
using ServerShellSurface = Wayland.Server.Protocol.WlShellSurface;
using ServerSurface = Wayland.Server.Protocol.WlSurface;

namespace Wayland.Scanner.Tests;

/// <summary>
/// Open enums through the wire: enum values the protocol does not define, sent by a generated server resource,
/// reach a generated client proxy's handler with the same number, and the other way round for requests. Our
/// client and our server in one process over a socketpair, both sides' code generated from wayland.xml.
/// </summary>
public class OpenEnumWireTests
{
    // int enums (wl_output.subpixel, wl_output.transform) with the top bit set, so a sign mix-up would show.
    private const uint Subpixel = 0x8000_0007;
    private const uint Transform = 0xdead_beef;

    // uint enums: wl_pointer.button_state, wl_shell_surface.fullscreen_method; bitfields with undefined bits:
    // wl_output.mode (current | preferred | bit 31), wl_shell_surface.transient (inactive | bit 30).
    private const uint ButtonState = 0xcafe;
    private const uint FullscreenMethod = 0xfeed_face;
    private const uint ModeFlags = 0x8000_0003;
    private const uint TransientFlags = 0x4000_0001;

    [Fact]
    public async Task Unknown_enum_values_survive_events_from_generated_resources_to_generated_proxies()
    {
        await OverSocketPair(
            server =>
            {
                server.CreateGlobal<ServerOutput>(4, output =>
                {
                    output.SendGeometry(0, 0, 300, 200, (WlOutputSubpixel)Subpixel, "make", "model", (WlOutputTransform)Transform);
                    output.SendMode((WlOutputMode)ModeFlags, 640, 480, 60000);
                    output.SendDone();
                });
                server.CreateGlobal<ServerSeat>(5, seat => seat.Handler = new SeatHandler());
            },
            (display, globals) =>
            {
                using WlOutput output = globals.Bind<WlOutput>(4);
                using WlSeat seat = globals.Bind<WlSeat>(5);
                (WlOutputSubpixel Subpixel, WlOutputTransform Transform)? geometry = null;
                WlOutputMode? mode = null;
                WlPointerButtonState? state = null;
                output.Geometry += (_, _, _, _, _, subpixel, _, _, transform) => geometry = (subpixel, transform);
                output.Mode += (_, flags, _, _, _) => mode = flags;
                using WlPointer pointer = seat.GetPointer();
                pointer.Button += (_, _, _, _, buttonState) => state = buttonState;

                display.Roundtrip();

                Assert.NotNull(geometry);
                Assert.Equal(Subpixel, (uint)geometry.Value.Subpixel);
                Assert.Equal(Transform, (uint)geometry.Value.Transform);
                Assert.Equal(ModeFlags, (uint?)mode);
                Assert.True(mode!.Value.HasFlag(WlOutputMode.Current | WlOutputMode.Preferred));
                Assert.Equal(ButtonState, (uint?)state);
                return Task.CompletedTask;
            });
    }

    [Fact]
    public async Task Unknown_enum_values_survive_requests_from_generated_proxies_to_generated_resources()
    {
        var handler = new ShellHandler();
        await OverSocketPair(
            server =>
            {
                server.CreateGlobal<ServerCompositor>(4, compositor => compositor.Handler = handler);
                server.CreateGlobal<ServerShell>(1, shell => shell.Handler = handler);
            },
            async (display, globals) =>
            {
                using WlCompositor compositor = globals.Bind<WlCompositor>(4);
                using WlShell shell = globals.Bind<WlShell>(1);
                using WlSurface parent = compositor.CreateSurface();
                using WlSurface surface = compositor.CreateSurface();
                using WlShellSurface shellSurface = shell.GetShellSurface(surface);

                surface.SetBufferTransform((WlOutputTransform)Transform);
                shellSurface.SetFullscreen((WlShellSurfaceFullscreenMethod)FullscreenMethod, 0, null);
                shellSurface.SetTransient(parent, 1, 2, (WlShellSurfaceTransient)TransientFlags);
                display.Roundtrip();

                Assert.Equal(Transform, (uint)await handler.Transform.Task.WaitAsync(TimeSpan.FromSeconds(10)));
                Assert.Equal(FullscreenMethod, (uint)await handler.Method.Task.WaitAsync(TimeSpan.FromSeconds(10)));
                WlShellSurfaceTransient flags = await handler.Flags.Task.WaitAsync(TimeSpan.FromSeconds(10));
                Assert.Equal(TransientFlags, (uint)flags);
                Assert.True(flags.HasFlag(WlShellSurfaceTransient.Inactive));
            });
    }

    /// <summary>Runs <paramref name="client"/> against a server set up by <paramref name="setup"/>, whose loop runs on its own thread.</summary>
    private static async Task OverSocketPair(Action<ServerDisplay> setup, Func<WaylandDisplay, WaylandGlobals, Task> client)
    {
        using ServerDisplay server = new();
        setup(server);
        (SafeFdHandle clientEnd, SafeFdHandle serverEnd) = UnixSocket.CreatePair();
        server.CreateClient(serverEnd);
        Task loop = server.RunAsync();
        try
        {
            using WaylandDisplay display = WaylandDisplay.ConnectTo(clientEnd);
            using WaylandGlobals globals = WaylandGlobals.Create(display);
            await client(display, globals);
        }
        finally
        {
            server.Terminate();
            await loop.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private sealed class SeatHandler : ServerSeat.IHandler
    {
        public void GetPointer(ServerSeat resource, ServerPointer id) =>
            id.SendButton(1, 2, 0x110, (WlPointerButtonState)ButtonState);
    }

    private sealed class ShellHandler : ServerCompositor.IHandler, ServerSurface.IHandler, ServerShell.IHandler, ServerShellSurface.IHandler
    {
        public TaskCompletionSource<WlOutputTransform> Transform { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<WlShellSurfaceFullscreenMethod> Method { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<WlShellSurfaceTransient> Flags { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void CreateSurface(ServerCompositor resource, ServerSurface id) => id.Handler = this;

        public void SetBufferTransform(ServerSurface resource, WlOutputTransform transform) => Transform.TrySetResult(transform);

        public void GetShellSurface(ServerShell resource, ServerShellSurface id, ServerSurface surface) => id.Handler = this;

        public void SetFullscreen(ServerShellSurface resource, WlShellSurfaceFullscreenMethod method, uint framerate, ServerOutput? output) =>
            Method.TrySetResult(method);

        public void SetTransient(ServerShellSurface resource, ServerSurface parent, int x, int y, WlShellSurfaceTransient flags) =>
            Flags.TrySetResult(flags);
    }
}
