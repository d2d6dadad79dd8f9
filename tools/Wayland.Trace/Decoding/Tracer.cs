using Wayland.Trace.Output;

namespace Wayland.Trace.Decoding;

/// <summary>What every connection shares: the protocols, the clock of the current batch, the filter, the output format and the summary.</summary>
internal sealed class Tracer
{
    public Tracer(ProtocolSet protocols, ITraceFormat? format, Filter filter)
    {
        Protocols = protocols;
        Format = format;
        Filter = filter;
    }

    public ProtocolSet Protocols { get; }

    /// <summary>Where lines go; null when only a summary is wanted.</summary>
    public ITraceFormat? Format { get; }

    public Filter Filter { get; }

    public Summary Summary { get; } = new();

    /// <summary>When the data being decoded arrived (set once per receive, shared by the messages it held).</summary>
    public DateTime Now { get; private set; } = DateTime.UtcNow;

    /// <summary>Reads the clock: call once per receive.</summary>
    public void Tick() => Now = DateTime.UtcNow;

    public void Emit(in TracedMessage message)
    {
        bool shown = message.Message is not null && message.Status == DecodeStatus.Decoded
            ? Filter.Shows(message.Message, message.ObjectId)
            : ReferenceEquals(Filter, Filter.All) || Filter.Shows(message.Interface?.Name, message.Message?.Name, message.ObjectId);
        if (!shown)
        {
            return;
        }

        Summary.Count(message);
        Format?.Write(message, Now);
    }

    /// <summary>Something wl-trace itself has to say: a line of the trace, or with <c>--summary</c> a line of the
    /// summary unless it is <paramref name="routine"/> (a client connected or left, which the summary counts anyway).</summary>
    public void Note(TraceClient? client, string text, bool routine = false)
    {
        if (Format is { } format)
        {
            format.Note(client, text, DateTime.UtcNow);
        }
        else if (!routine)
        {
            Summary.Note(text);
        }
    }
}
