using Microsoft.Extensions.Logging;

namespace Wayland.Server.Diagnostics;

/// <summary>The server's log messages (source-generated: no formatting or boxing unless the level is enabled).</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Warning, "{Client}: {Resource}.{Event} does not fit in the outgoing buffer ({Waiting} bytes waiting, at most {Max}); disconnecting it")]
    public static partial void EventDoesNotFit(ILogger logger, string client, string resource, string @event, int waiting, int max);

    [LoggerMessage(2, LogLevel.Warning, "{Client}: cannot queue {Resource}.{Event}: {Reason}; disconnecting it")]
    public static partial void CannotQueueEvent(ILogger logger, string client, string resource, string @event, string reason);

    [LoggerMessage(3, LogLevel.Information, "{Reason} (pid {Pid}); disconnecting the client")]
    public static partial void ClientFailed(ILogger logger, string reason, int pid);

    [LoggerMessage(4, LogLevel.Debug, "{Client}: protocol error {Code} on {Interface}#{Id}: {Message}")]
    public static partial void ProtocolError(ILogger logger, string client, uint code, string @interface, uint id, string message);

    [LoggerMessage(5, LogLevel.Error, "{Context} threw")]
    public static partial void HandlerThrew(ILogger logger, string context, Exception exception);

    [LoggerMessage(6, LogLevel.Error, "failed to accept a client: {Reason}")]
    public static partial void AcceptFailed(ILogger logger, string reason);

    [LoggerMessage(7, LogLevel.Warning, "failed to create a client: {Reason}")]
    public static partial void ClientNotCreated(ILogger logger, string reason);

    [LoggerMessage(8, LogLevel.Warning, "{Count} more log messages caused by {Source} were suppressed (at most {Limit} every {Seconds} s)")]
    public static partial void Suppressed(ILogger logger, long count, string source, int limit, double seconds);

    [LoggerMessage(9, LogLevel.Warning, "{Client}: {Interface}#{Id} would be object {Count}, over the limit of {Limit}; posting no_memory")]
    public static partial void ObjectLimit(ILogger logger, string client, string @interface, uint id, int count, int limit);

    [LoggerMessage(10, LogLevel.Warning, "{Resource} nearly used up ({Detail}): disconnecting the {Count} clients of process {Pid}, which held {Held}")]
    public static partial void Shed(ILogger logger, string resource, string detail, int count, int pid, int held);

    [LoggerMessage(11, LogLevel.Warning, "{Resource} nearly used up ({Detail}): {What} of process {Pid} refused")]
    public static partial void ShedRefused(ILogger logger, string resource, string detail, string what, int pid);
}
