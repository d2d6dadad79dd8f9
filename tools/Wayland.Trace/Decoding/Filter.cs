using System.Globalization;

namespace Wayland.Trace.Decoding;

/// <summary>
/// <c>--filter</c>: comma-separated patterns of <c>interface</c>, <c>interface.message</c>, <c>interface#id</c> or
/// <c>#id</c>, with <c>*</c> and <c>?</c> wildcards; a leading <c>!</c> excludes. A message is shown when it matches a
/// pattern without <c>!</c> (or there is none) and matches no pattern with <c>!</c>. An interface alone means all its
/// messages. Example: <c>wl_surface.*,!wl_surface.damage*</c>.
/// </summary>
internal sealed class Filter
{
    private readonly List<Pattern> _include = [];
    private readonly List<Pattern> _exclude = [];

    private Filter()
    {
    }

    /// <summary>A filter that shows everything.</summary>
    public static Filter All { get; } = new();

    /// <summary>Whether some pattern names an object id (then the verdict cannot be cached per message).</summary>
    public bool UsesObjectIds { get; private set; }

    /// <summary>Parses a --filter value; null with an error message when it is malformed.</summary>
    public static Filter? Parse(string text, out string? error)
    {
        Filter filter = new();
        error = null;
        foreach (string raw in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            bool negate = raw.StartsWith('!');
            string body = negate ? raw[1..].Trim() : raw;
            string interfaceGlob = body;
            string messageGlob = "*";
            uint? objectId = null;
            int hash = body.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                if (!uint.TryParse(body.AsSpan(hash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out uint id) || id == 0)
                {
                    error = $"--filter: '{raw}': an object id after '#' must be a number from 1";
                    return null;
                }

                objectId = id;
                interfaceGlob = hash == 0 ? "*" : body[..hash];
            }
            else
            {
                int dot = body.IndexOf('.', StringComparison.Ordinal);
                if (dot >= 0)
                {
                    interfaceGlob = body[..dot];
                    messageGlob = body[(dot + 1)..];
                }
            }

            if (interfaceGlob.Length == 0 || messageGlob.Length == 0)
            {
                error = $"--filter: '{raw}' is not interface, interface.message, interface#id or #id";
                return null;
            }

            Pattern pattern = new(interfaceGlob, messageGlob, objectId);
            (negate ? filter._exclude : filter._include).Add(pattern);
            filter.UsesObjectIds |= objectId is not null;
        }

        if (filter._include.Count == 0 && filter._exclude.Count == 0)
        {
            error = "--filter needs at least one pattern";
            return null;
        }

        return filter;
    }

    /// <summary>Whether to show a decoded message (cached on it when no pattern names an object id).</summary>
    public bool Shows(TraceMessage message, uint objectId)
    {
        if (!UsesObjectIds)
        {
            if (message.FilterVerdict == 0)
            {
                message.FilterVerdict = Decide(message.Owner.Name, message.Name, objectId) ? (sbyte)1 : (sbyte)-1;
            }

            return message.FilterVerdict > 0;
        }

        return Decide(message.Owner.Name, message.Name, objectId);
    }

    /// <summary>Whether to show a message that could not be decoded (its names may be unknown).</summary>
    public bool Shows(string? interfaceName, string? messageName, uint objectId) =>
        Decide(interfaceName ?? "[unknown]", messageName ?? "[unknown]", objectId);

    private bool Decide(string interfaceName, string messageName, uint objectId) =>
        (_include.Count == 0 || AnyMatches(_include, interfaceName, messageName, objectId))
        && !AnyMatches(_exclude, interfaceName, messageName, objectId);

    private static bool AnyMatches(List<Pattern> patterns, string interfaceName, string messageName, uint objectId)
    {
        foreach (Pattern pattern in patterns)
        {
            if (pattern.Matches(interfaceName, messageName, objectId))
            {
                return true;
            }
        }

        return false;
    }

    private sealed record Pattern(string Interface, string Message, uint? ObjectId)
    {
        public bool Matches(string interfaceName, string messageName, uint objectId) =>
            (ObjectId is null || ObjectId == objectId) && Glob(Interface, interfaceName) && Glob(Message, messageName);
    }

    /// <summary>Shell-style match of <c>*</c> (any run) and <c>?</c> (one character).</summary>
    internal static bool Glob(ReadOnlySpan<char> pattern, ReadOnlySpan<char> text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == text[t]))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
