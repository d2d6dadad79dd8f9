using System.Globalization;
using System.Text;

namespace Wayland.Trace.Decoding;

/// <summary>
/// <c>--summary</c>: counts per interface.message in each direction (the counters live on <see cref="TraceMessage"/>),
/// bytes and descriptors passed through, messages that could not be decoded, protocol errors, clients and duration.
/// </summary>
internal sealed class Summary
{
    private readonly HashSet<TraceMessage> _seen = [];
    private readonly DateTime _start = DateTime.UtcNow;

    public long[] Bytes { get; } = new long[2];

    public long[] Fds { get; } = new long[2];

    public long[] Undecoded { get; } = new long[2];

    /// <summary>How many lines of <see cref="Errors"/> and <see cref="Notes"/> are kept; the rest are counted.</summary>
    public const int MaxKept = 100;

    /// <summary>The protocol errors seen.</summary>
    public KeptLines Errors { get; } = new();

    /// <summary>The notes of wl-trace's own (see <see cref="Tracer.Note"/>).</summary>
    public KeptLines Notes { get; } = new();

    public int Clients { get; set; }

    /// <summary>Counts one message shown by the filter.</summary>
    public void Count(in TracedMessage message)
    {
        TraceMessage? traced = message.Message;
        if (message.Status != DecodeStatus.Decoded || traced is null)
        {
            Undecoded[message.IsRequest ? 0 : 1]++;
            return;
        }

        if (traced.Count++ == 0)
        {
            _seen.Add(traced);
        }

        traced.Bytes += message.Bytes.Length;
        if (!message.IsRequest && traced.Name == "error" && traced.Owner.Name == "wl_display")
        {
            uint objectId = message.Values[0].Value;
            TraceInterface? target = message.Objects.Find(objectId, out _);
            uint code = message.Values[1].Value;
            string name = Output.WaylandDebugFormat.ErrorName(target, code) is { } known ? $"{known} ({code})" : $"error {code}";
            ReadOnlySpan<byte> text = message.Values[2].Length > 0 ? message.Bytes.Slice(message.Values[2].Offset, message.Values[2].Length) : default;
            Errors.Add($"{message.Client}: {target?.Name ?? "[unknown]"}#{objectId}: {name}: \"{Output.TextEscape.Escape(text)}\"");
        }
    }

    /// <summary>Keeps a note of wl-trace's own.</summary>
    public void Note(string text) => Notes.Add(text);

    /// <summary>Counts bytes and descriptors passed through (whether or not they were shown).</summary>
    public void Passed(bool request, int bytes, int fds)
    {
        Bytes[request ? 0 : 1] += bytes;
        Fds[request ? 0 : 1] += fds;
    }

    /// <summary>The summary as text lines.</summary>
    public string ToText()
    {
        StringBuilder text = new();
        CultureInfo c = CultureInfo.InvariantCulture;
        double seconds = (DateTime.UtcNow - _start).TotalSeconds;
        text.Append(c, $"wl-trace summary: {Clients} client(s), {seconds:F3} s\n");
        for (int d = 0; d < 2; d++)
        {
            bool request = d == 0;
            long messages = 0;
            foreach (TraceMessage m in _seen)
            {
                messages += m.IsRequest == request ? m.Count : 0;
            }

            text.Append(c, $"{(request ? "requests" : "events  ")}: {messages} messages, {Bytes[d]} bytes, {Fds[d]} fds, {Undecoded[d]} not decoded\n");
        }

        Errors.AppendTo(text, "protocol errors");
        if (Notes.Count > 0)
        {
            Notes.AppendTo(text, "notes");
        }

        text.Append("    count      bytes  message\n");
        foreach (TraceMessage m in Sorted())
        {
            text.Append(c, $"{m.Count,9} {m.Bytes,10}  {(m.IsRequest ? "-> " : "<- ")}{m.Owner.Name}.{m.Name}\n");
        }

        return text.ToString();
    }

    /// <summary>The summary as one JSON object (for --json).</summary>
    public void WriteJson(System.Text.Json.Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteStartObject("summary");
        json.WriteNumber("clients", Clients);
        json.WriteNumber("seconds", Math.Round((DateTime.UtcNow - _start).TotalSeconds, 6));
        for (int d = 0; d < 2; d++)
        {
            json.WriteStartObject(d == 0 ? "requests" : "events");
            json.WriteNumber("bytes", Bytes[d]);
            json.WriteNumber("fds", Fds[d]);
            json.WriteNumber("undecoded", Undecoded[d]);
            json.WriteStartObject("messages");
            foreach (TraceMessage m in Sorted())
            {
                if (m.IsRequest == (d == 0))
                {
                    json.WriteNumber($"{m.Owner.Name}.{m.Name}", m.Count);
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        Errors.WriteTo(json, "errors");
        Notes.WriteTo(json, "notes");
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private List<TraceMessage> Sorted()
    {
        List<TraceMessage> list = [.. _seen];
        list.Sort((a, b) => b.Count != a.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.ToString(), b.ToString()));
        return list;
    }

    /// <summary>Lines of the summary of which the first <see cref="MaxKept"/> are kept and all are counted, so that a
    /// long run's summary does not grow without end.</summary>
    internal sealed class KeptLines
    {
        private readonly List<string> _kept = [];

        /// <summary>Lines added, including those not kept.</summary>
        public long Count { get; private set; }

        public void Add(string line)
        {
            if (Count++ < MaxKept)
            {
                _kept.Add(line);
            }
        }

        /// <summary>A heading with the count, then the kept lines indented, then how many more there were.</summary>
        public void AppendTo(StringBuilder text, string heading)
        {
            CultureInfo c = CultureInfo.InvariantCulture;
            text.Append(c, $"{heading}: {Count}\n");
            foreach (string line in _kept)
            {
                text.Append("  ").Append(line).Append('\n');
            }

            if (Count > _kept.Count)
            {
                text.Append(c, $"  ({Count - _kept.Count} more)\n");
            }
        }

        /// <summary>An array of the kept lines, and a last one saying how many more there were.</summary>
        public void WriteTo(System.Text.Json.Utf8JsonWriter json, string name)
        {
            json.WriteStartArray(name);
            foreach (string line in _kept)
            {
                json.WriteStringValue(line);
            }

            if (Count > _kept.Count)
            {
                json.WriteStringValue($"({(Count - _kept.Count).ToString(CultureInfo.InvariantCulture)} more)");
            }

            json.WriteEndArray();
        }
    }
}
