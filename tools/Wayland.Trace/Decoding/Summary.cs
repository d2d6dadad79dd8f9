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

    /// <summary>The first <see cref="MaxKept"/> protocol errors.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>Protocol errors seen, including those not kept.</summary>
    public long ErrorCount { get; private set; }

    /// <summary>The first <see cref="MaxKept"/> notes of wl-trace's own (see <see cref="Tracer.Note"/>).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Notes made, including those not kept.</summary>
    public long NoteCount { get; private set; }

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
            if (ErrorCount++ < MaxKept)
            {
                Errors.Add($"{message.Client}: {target?.Name ?? "[unknown]"}#{objectId}: {name}: \"{Output.TextEscape.Escape(text)}\"");
            }
        }
    }

    /// <summary>Keeps a note of wl-trace's own.</summary>
    public void Note(string text)
    {
        if (NoteCount++ < MaxKept)
        {
            Notes.Add(text);
        }
    }

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

        AppendLines(text, "protocol errors", Errors, ErrorCount);
        if (NoteCount > 0)
        {
            AppendLines(text, "notes", Notes, NoteCount);
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

        WriteLines(json, "errors", Errors, ErrorCount);
        WriteLines(json, "notes", Notes, NoteCount);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void AppendLines(StringBuilder text, string heading, List<string> kept, long count)
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        text.Append(c, $"{heading}: {count}\n");
        foreach (string line in kept)
        {
            text.Append("  ").Append(line).Append('\n');
        }

        if (count > kept.Count)
        {
            text.Append(c, $"  ({count - kept.Count} more)\n");
        }
    }

    private static void WriteLines(System.Text.Json.Utf8JsonWriter json, string name, List<string> kept, long count)
    {
        json.WriteStartArray(name);
        foreach (string line in kept)
        {
            json.WriteStringValue(line);
        }

        if (count > kept.Count)
        {
            json.WriteStringValue($"({(count - kept.Count).ToString(CultureInfo.InvariantCulture)} more)");
        }

        json.WriteEndArray();
    }

    private List<TraceMessage> Sorted()
    {
        List<TraceMessage> list = [.. _seen];
        list.Sort((a, b) => b.Count != a.Count ? b.Count.CompareTo(a.Count) : string.CompareOrdinal(a.ToString(), b.ToString()));
        return list;
    }
}
