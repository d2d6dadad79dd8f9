using System.Globalization;
using System.Text;

namespace Wayland.Trace.Decoding;

/// <summary>Who is on the client end of a proxied connection: pid from SO_PEERCRED and its command name.</summary>
internal sealed class TraceClient
{
    private readonly string _text;

    public TraceClient(int number, int processId, string command, bool tagged)
    {
        Number = number;
        ProcessId = processId;
        Command = command;
        Tagged = tagged;
        // A process names itself (prctl, /proc/PID/comm): escaped in the text format, as strings are.
        _text = $"{Output.TextEscape.Escape(command)}[{processId.ToString(CultureInfo.InvariantCulture)}]";
        TagUtf8 = Encoding.UTF8.GetBytes($"{{{_text}}} ");
        CommandUtf8 = Encoding.UTF8.GetBytes(command);
    }

    /// <summary>1 for the first connection, and so on.</summary>
    public int Number { get; }

    public int ProcessId { get; }

    /// <summary>The process's command name (<c>/proc/PID/comm</c>), or "?" when it is gone already; as the process
    /// set it (<see cref="ToString"/> and <see cref="TagUtf8"/> escape it).</summary>
    public string Command { get; }

    public byte[] CommandUtf8 { get; }

    /// <summary>Whether text lines name this client (<c>{foot[1234]} </c> where libwayland prints its queue name).</summary>
    public bool Tagged { get; }

    public byte[] TagUtf8 { get; }

    /// <summary>The command name of <paramref name="processId"/>, or "?".</summary>
    public static string CommandOf(int processId)
    {
        try
        {
            return processId > 0 ? File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/comm").TrimEnd('\n') : "?";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }

    /// <summary><c>command[pid]</c>, the command escaped for the text format.</summary>
    public override string ToString() => _text;
}
