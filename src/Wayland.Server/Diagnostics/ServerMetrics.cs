using System.Diagnostics.Metrics;

namespace Wayland.Server.Diagnostics;

/// <summary>
/// The display's instruments on the <see cref="Display.MeterName"/> meter. Adding to an instrument without tags
/// allocates nothing, listened to or not, so the request and event paths stay allocation-free.
/// </summary>
internal sealed class ServerMetrics : IDisposable
{
    private readonly Meter _meter;
    private readonly bool _ownsMeter;

    /// <param name="factory">Creates the meter; null: a meter of our own.</param>
    /// <param name="clientCount">Reads the number of clients connected now (called on the listener's thread: it only reads a count).</param>
    public ServerMetrics(IMeterFactory? factory, Func<long> clientCount)
    {
        string? version = typeof(ServerMetrics).Assembly.GetName().Version?.ToString();
        if (factory is null)
        {
            _meter = new Meter(Display.MeterName, version);
            _ownsMeter = true;
        }
        else
        {
            _meter = factory.Create(new MeterOptions(Display.MeterName) { Version = version });
        }

        // Observed rather than added up, so a tool that attaches later still sees the clients connected before it.
        _meter.CreateObservableUpDownCounter("wayland.server.active_clients", clientCount, "{client}", "Clients connected now.");
        MessagesReceived = _meter.CreateCounter<long>("wayland.server.messages.received", "{message}", "Requests received from clients.");
        BytesReceived = _meter.CreateCounter<long>("wayland.server.bytes.received", "By", "Bytes of requests received from clients.");
        MessagesSent = _meter.CreateCounter<long>("wayland.server.messages.sent", "{message}", "Events queued for clients.");
        BytesSent = _meter.CreateCounter<long>("wayland.server.bytes.sent", "By", "Bytes of events queued for clients.");
        ProtocolErrors = _meter.CreateCounter<long>("wayland.server.protocol_errors", "{error}",
            "Protocol errors posted to clients (each disconnects its client); tagged with the interface (wayland.interface).");
        DispatchYields = _meter.CreateCounter<long>("wayland.server.dispatch.yields", "{yield}",
            "Times a client's requests took longer than the dispatch slice and the rest waited for the loop's next turn.");
        ShmBytesRead = _meter.CreateCounter<long>("wayland.server.shm.bytes_read", "By",
            "Bytes of shm buffers copied out of clients' files (pools not sealed against shrinking are read this way).");
        ClientsShed = _meter.CreateCounter<long>("wayland.server.clients.shed", "{client}",
            "Clients disconnected, or connections refused, because the process's descriptors or memory mappings were nearly used up; tagged with the resource (wayland.resource).");
    }

    public Meter Meter => _meter;

    public Counter<long> MessagesReceived { get; }

    public Counter<long> BytesReceived { get; }

    public Counter<long> MessagesSent { get; }

    public Counter<long> BytesSent { get; }

    public Counter<long> ProtocolErrors { get; }

    public Counter<long> DispatchYields { get; }

    public Counter<long> ShmBytesRead { get; }

    public Counter<long> ClientsShed { get; }

    public void Dispose()
    {
        // A meter from a factory belongs to the factory (disposed with it).
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }
}
