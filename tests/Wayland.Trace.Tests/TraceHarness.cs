using Wayland.Trace.Decoding;
using Wayland.Trace.Output;
using Wayland.Trace.Proxy;

namespace Wayland.Trace.Tests;

/// <summary>
/// wl-trace's proxy in this process, on a thread of its own: it listens on <see cref="ListenPath"/> and proxies to an
/// upstream socket, writing its trace to a file read by <see cref="Stop"/>.
/// </summary>
internal sealed class TraceHarness : IDisposable
{
    private readonly Thread _thread;
    private readonly string _outputPath;
    private readonly TraceProxy _proxy;
    private readonly TraceOutput _output;
    private volatile bool _stop;
    private volatile int _connections;
    private volatile int _clients;
    private string? _text;

    /// <param name="upstream">The compositor's socket.</param>
    /// <param name="listenPath">Where the proxy listens.</param>
    /// <param name="json">JSON Lines instead of text.</param>
    /// <param name="filter">A --filter.</param>
    /// <param name="summary">Counts only.</param>
    /// <param name="configure">Called before the proxy starts, on this thread (to lower its limits, say).</param>
    public TraceHarness(string upstream, string listenPath, bool json = false, string? filter = null, bool summary = false,
        Action<TraceProxy>? configure = null)
    {
        ListenPath = listenPath;
        _outputPath = listenPath + ".trace";
        ProtocolSet protocols = ProtocolSet.Load([]);
        _output = new TraceOutput(new FileStream(_outputPath, FileMode.Create, FileAccess.Write, FileShare.Read), ownsStream: true);
        Json = json ? new JsonLinesFormat(_output) : null;
        ITraceFormat? format = summary ? null : Json ?? (ITraceFormat)new WaylandDebugFormat(_output);
        Filter parsed = filter is null ? Filter.All : Filter.Parse(filter, out string? error) ?? throw new ArgumentException(error);
        Tracer = new Tracer(protocols, format, parsed);
        _proxy = new TraceProxy(Tracer, upstream, tagAll: true);
        configure?.Invoke(_proxy);
        _proxy.Listen(listenPath);
        _thread = new Thread(Run) { IsBackground = true, Name = "wl-trace test proxy" };
        _thread.Start();
    }

    public string ListenPath { get; }

    public Tracer Tracer { get; }

    private JsonLinesFormat? Json { get; }

    /// <summary>Connections being proxied (as of the last dispatch).</summary>
    public int Connections => _connections;

    /// <summary>Clients accepted so far.</summary>
    public int Clients => _clients;

    /// <summary>The trace written so far (lines are written after each dispatch).</summary>
    public string TextSoFar()
    {
        using FileStream stream = new(_outputPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using StreamReader reader = new(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Stops the proxy (closing every connection) and returns the trace.</summary>
    public string Stop()
    {
        if (_text is null)
        {
            _stop = true;
            _proxy.Loop.Wake();
            Assert.True(_thread.Join(TimeSpan.FromSeconds(20)), "the proxy thread did not stop");
            _text = File.ReadAllText(_outputPath);
            File.Delete(_outputPath);
        }

        return _text;
    }

    public void Dispose() => Stop();

    private void Run()
    {
        try
        {
            while (!_stop)
            {
                _proxy.Dispatch(100);
                _output.Flush();
                _connections = _proxy.ConnectionCount;
                _clients = _proxy.ClientCount;
            }
        }
        finally
        {
            _proxy.Dispose();
            if (Json is not null && Tracer.Format is null)
            {
                Json.Write(Tracer.Summary);
            }
            else if (Tracer.Format is null)
            {
                _output.Write(Tracer.Summary.ToText());
            }

            _output.Dispose();
        }
    }
}
