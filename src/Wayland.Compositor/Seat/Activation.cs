using System.Security.Cryptography;
using Wayland.Compositor.Surfaces;
using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;

namespace Wayland.Compositor.Seat;

/// <summary>
/// xdg_activation_v1: a client that has the keyboard focus may pass it on. It asks for a token
/// (get_activation_token, commit: done with the token), hands the token to another client or keeps it, and
/// activate(token, surface) raises and focuses that surface's window. A token is good once, and only when its
/// request was committed by the client that had the keyboard focus then (or it came from the compositor's API);
/// clients without focus still get a token, which activates nothing, as the protocol allows. Activation with an
/// unknown or used token, or of a surface that is not a mapped window, is ignored.
/// </summary>
internal sealed class Activation : XdgActivationV1.IHandler
{
    /// <summary>Tokens kept at most; the oldest unused one is forgotten beyond that.</summary>
    private const int MaxTokens = 256;

    private readonly SeatProtocol _seat;
    private readonly Scene _scene;
    /// <summary>The good tokens, oldest first.</summary>
    private readonly List<string> _tokens = [];

    public Activation(SeatProtocol seat, Scene scene)
    {
        _seat = seat;
        _scene = scene;
    }

    /// <summary>Makes a new token that is good for one activation.</summary>
    public string IssueToken()
    {
        string token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        if (_tokens.Count >= MaxTokens)
        {
            _tokens.RemoveAt(0);
        }

        _tokens.Add(token);
        return token;
    }

    void XdgActivationV1.IHandler.GetActivationToken(XdgActivationV1 resource, XdgActivationTokenV1 id) => id.Handler = new TokenRequest(this);

    void XdgActivationV1.IHandler.Activate(XdgActivationV1 resource, string token, WlSurface surface)
    {
        if (!_tokens.Remove(token) || _scene.WindowOf(Surface.Of(surface)) is not { } window)
        {
            return;
        }

        _scene.Raise(window);
    }

    /// <summary>One xdg_activation_token_v1: collects its serial, app id and surface until commit, then answers done.</summary>
    private sealed class TokenRequest(Activation activation) : XdgActivationTokenV1.IHandler
    {
        private bool _committed;

        void XdgActivationTokenV1.IHandler.SetSerial(XdgActivationTokenV1 resource, uint serial, WlSeat seat) => CheckNotCommitted(resource);

        void XdgActivationTokenV1.IHandler.SetAppId(XdgActivationTokenV1 resource, string appId) => CheckNotCommitted(resource);

        void XdgActivationTokenV1.IHandler.SetSurface(XdgActivationTokenV1 resource, WlSurface surface) => CheckNotCommitted(resource);

        void XdgActivationTokenV1.IHandler.Commit(XdgActivationTokenV1 resource)
        {
            if (!CheckNotCommitted(resource))
            {
                return;
            }

            _committed = true;
            bool focused = activation._seat.KeyboardFocusClient == resource.Client;
            string token = focused ? activation.IssueToken() : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            resource.SendDone(token);
        }

        private bool CheckNotCommitted(XdgActivationTokenV1 resource)
        {
            if (_committed)
            {
                resource.PostError((uint)XdgActivationTokenV1Error.AlreadyUsed, $"xdg_activation_token_v1#{resource.Id} was already committed");
                return false;
            }

            return true;
        }
    }
}
