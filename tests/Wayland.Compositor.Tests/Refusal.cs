using Wayland.Wire;

namespace Wayland.Compositor.Tests;

/// <summary>A client's mistake, sent on the real wire next to a <see cref="Bystander"/>, and the error it must get.</summary>
internal static class Refusal
{
    /// <summary>
    /// Runs <paramref name="misbehave"/> with a client of its own next to a bystander. It sends the mistake and returns
    /// the error it must get (interface, object id, code); the client must be told exactly that, the compositor must
    /// record exactly that, descriptors must be back where they were, and the bystander must still be served.
    /// </summary>
    /// <param name="purpose">Names the test's runtime directory.</param>
    /// <param name="misbehave">Sends the mistake; returns the error it must get.</param>
    /// <param name="onDestroyedObject">
    /// The mistake is a destructor request (destroyed too early): the client has let go of the object by the time the
    /// error arrives, so it sees the code about object 0 of no interface, as a libwayland client does.
    /// </param>
    public static void Expect(string purpose, Func<ManagedClient, (string Interface, uint ObjectId, uint Code)> misbehave, bool onDestroyedObject = false) =>
        CompositorSession.Run(purpose, session =>
        {
            using Bystander bystander = Bystander.Start(session);
            (string Interface, uint ObjectId, uint Code) expected;
            WaylandProtocolException error;
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                expected = misbehave(client);
                error = client.ExpectProtocolError();
            }

            (string? Interface, uint ObjectId, uint Code) told = onDestroyedObject ? (null, 0, expected.Code) : expected;
            Assert.True(told == (error.InterfaceName, error.ObjectId, error.Code),
                $"expected {told.Interface}#{told.ObjectId} error {told.Code}, got {error.InterfaceName}#{error.ObjectId} error {error.Code}: {error.ErrorMessage}");
            Wayland.Server.ClientError recorded = session.WaitForProtocolError();
            Assert.Equal(expected, (recorded.Interface, recorded.ObjectId, recorded.Code));
            bystander.AssertServed();
        });
}
