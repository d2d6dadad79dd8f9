using System.Diagnostics.Tracing;
using Wayland.Events;
using Wayland.Server;

namespace Consumer;

/// <summary>Both namespaces imported at once: EventSource is System.Diagnostics.Tracing's, unambiguously.</summary>
[EventSource(Name = "Consumer-Events")]
internal sealed class ConsumerEvents : EventSource
{
}

internal static class EventLoopCheck
{
    /// <summary>Polls a server event loop once with the TimeSpan timeout the client's Dispatch takes too.</summary>
    public static string Describe()
    {
        using ConsumerEvents events = new();
        using EventLoop loop = new();
        int dispatched = loop.Dispatch(TimeSpan.Zero);
        return $"{events.Name} and a server loop that dispatched {dispatched} events";
    }
}
