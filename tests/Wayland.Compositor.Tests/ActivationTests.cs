using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Testing;

namespace Wayland.Compositor.Tests;

/// <summary>
/// xdg-activation-v1 with a libwayland peer (tests/native/xdg-peer activation): it maps windows A and B, then tries
/// an unknown token, a token it got while focused, and that token again, and reports after each step which of its
/// windows the compositor's configure events call activated.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ActivationTests
{
    [Fact]
    public void A_token_from_the_focused_client_activates_a_window_once_and_unknown_tokens_do_nothing()
    {
        CompositorSession.Run("activation", session =>
        {
            using ClientProcess peer = session.Launch(NativePeers.Path("xdg-peer"), ["activation"]);
            session.WaitUntil(() => peer.Output.Contains("reused ", StringComparison.Ordinal),
                () => $"the peer to finish its steps\n{peer.Describe()}");
            string[] lines = peer.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

            // B, mapped last, has the focus; an unknown token changes nothing.
            Assert.Contains("bogus A=0 B=1", lines);
            // A token made while B was focused activates A.
            Assert.Contains("valid A=1 B=0", lines);
            // Used once, it is no good any more: B stays inactive.
            Assert.Contains("reused A=1 B=0", lines);
            Assert.Equal(["B", "A"], session.Compositor.GetWindows().Select(w => w.Title));
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void A_token_from_the_api_lets_an_unfocused_client_activate_its_window_once()
    {
        CompositorSession.Run("activation-api", session =>
        {
            using ManagedClient below = ManagedClient.Connect(session.SocketPath);
            using ManagedClient above = ManagedClient.Connect(session.SocketPath);
            TestWindow first = below.MapWindow("first", below.SolidBuffer(50, 50, Argb.Blue));
            above.MapWindow("second", above.SolidBuffer(50, 50, Argb.Red));
            session.WaitUntil(() => TopTitle(session) == "second", "the second window on top");
            XdgActivationV1 activation = below.Own(below.Globals.Bind<XdgActivationV1>());

            // A token the unfocused client asks for itself is made, but activates nothing.
            XdgActivationTokenV1 request = below.Own(activation.GetActivationToken());
            string? own = null;
            request.Done += (_, token) => own = token;
            request.SetSurface(first.Surface);
            request.Commit();
            below.DispatchUntil(() => own is not null, "the token's done event");
            activation.Activate(own!, first.Surface);
            below.Roundtrip();
            Assert.Equal("second", TopTitle(session));

            // One from the compositor's API does, once.
            string token = session.Compositor.CreateActivationToken();
            activation.Activate(token, first.Surface);
            below.Roundtrip();
            Assert.Equal("first", TopTitle(session));
            Assert.True(session.Compositor.ActivateWindow(session.WaitForWindow("second").Id));
            activation.Activate(token, first.Surface);
            below.Roundtrip();
            Assert.Equal("second", TopTitle(session));

            // Committing a token request twice is a protocol error.
            request.Commit();
            Wayland.Wire.WaylandProtocolException error = below.ExpectProtocolError();
            Assert.Equal(("xdg_activation_token_v1", request.Id, (uint)XdgActivationTokenV1Error.AlreadyUsed), (error.InterfaceName, error.ObjectId, error.Code));
            session.WaitForProtocolError();
        });
    }

    private static string? TopTitle(CompositorSession session) => session.Compositor.GetWindows()[^1].Title;
}
