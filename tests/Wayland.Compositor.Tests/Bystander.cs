using Wayland.Client;

namespace Wayland.Compositor.Tests;

/// <summary>
/// A well-behaved client with a mapped window, connected before a misbehaving one. Whatever the other client did, it
/// must still be served afterwards: a roundtrip is answered, and a new window is mapped, configured and drawn.
/// </summary>
internal sealed class Bystander : IDisposable
{
    private readonly CompositorSession _session;
    private readonly ManagedClient _client;
    private int _windows;

    private Bystander(CompositorSession session)
    {
        _session = session;
        _client = ManagedClient.Connect(session.SocketPath);
        Show();
    }

    /// <summary>Connects the bystander and maps its first window.</summary>
    public static Bystander Start(CompositorSession session) => new(session);

    /// <summary>The bystander is still served: a roundtrip, then a new window that is mapped and drawn on top.</summary>
    public void AssertServed()
    {
        _client.Roundtrip();
        Show();
    }

    public void Dispose() => _client.Dispose();

    private void Show()
    {
        string title = $"bystander {++_windows}";
        _client.MapWindow(title, _client.SolidBuffer(40, 30, Argb.Green));
        WindowInfo window = _session.WaitForWindow(title);
        Image screen = _session.Compositor.CaptureOutput();
        Assert.True(Argb.Green == screen.GetPixel(window.Bounds.X + 20, window.Bounds.Y + 15),
            $"the bystander's window {title} is not drawn ({CompositorSession.SaveForInspection(screen, "bystander")})");
    }
}
