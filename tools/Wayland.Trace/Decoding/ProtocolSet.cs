using System.Reflection;
using Wayland.Scanner.Diagnostics;
using Wayland.Scanner.Model;
using Wayland.Scanner.Parsing;
using Wayland.Tools;
using Wayland.Wire;

namespace Wayland.Trace.Decoding;

/// <summary>
/// Every interface wl-trace can decode, read from protocol XML when it starts: the XML built into wl-trace (the
/// repository's vendored wayland.xml and wayland-protocols), the system's (<c>/usr/share/wayland</c>,
/// <c>/usr/share/wayland-protocols</c>) and the user's (<c>--protocols</c>). One definition per interface name wins:
/// the user's always; otherwise the highest version, then stable over staging over unstable, then the system's.
/// </summary>
internal sealed class ProtocolSet
{
    /// <summary>Where the system keeps protocol XML.</summary>
    public static readonly string[] SystemDirectories = ["/usr/share/wayland", "/usr/share/wayland-protocols"];

    private const string ResourcePrefix = "protocols/";
    private readonly Dictionary<string, TraceInterface> _interfaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Candidate> _chosen = new(StringComparer.Ordinal);

    private ProtocolSet()
    {
    }

    /// <summary>Interfaces by name.</summary>
    public IReadOnlyDictionary<string, TraceInterface> Interfaces => _interfaces;

    /// <summary>Files that could not be read or parsed, with why (wl-trace warns and carries on).</summary>
    public List<string> Problems { get; } = [];

    /// <summary>wl_display: object 1 of every connection.</summary>
    public TraceInterface Display => _interfaces.TryGetValue("wl_display", out TraceInterface? display)
        ? display
        : throw new InvalidOperationException("no protocol XML defines wl_display");

    /// <summary>Loads the built-in, system (unless <paramref name="useSystem"/> is false) and user protocol XML.</summary>
    /// <param name="userPaths">Files or directories (searched recursively for *.xml) given with --protocols.</param>
    /// <param name="useSystem">Whether to read the system directories.</param>
    public static ProtocolSet Load(IEnumerable<string> userPaths, bool useSystem = true)
    {
        ProtocolSet set = new();
        Dictionary<string, string> systemTexts = new(StringComparer.Ordinal);
        if (useSystem)
        {
            foreach (string directory in SystemDirectories)
            {
                foreach (string file in XmlFiles(directory, set.Problems))
                {
                    string? text = set.Read(file);
                    if (text is not null)
                    {
                        systemTexts[Path.GetRelativePath(directory, file)] = text;
                        set.Add(file, text, Tier.System);
                    }
                }
            }
        }

        Assembly assembly = typeof(ProtocolSet).Assembly;
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            using Stream stream = assembly.GetManifestResourceStream(resource)!;
            using StreamReader reader = new(stream);
            string text = reader.ReadToEnd();
            string relative = resource[ResourcePrefix.Length..];
            // The vendored files are mostly byte-identical to the system's: parse each text once.
            if (systemTexts.TryGetValue(relative, out string? same) && same == text)
            {
                continue;
            }

            set.Add("(built in) " + relative, text, Tier.BuiltIn);
        }

        foreach (string path in userPaths)
        {
            IEnumerable<string> files = File.Exists(path) ? [path] : XmlFiles(path, set.Problems, required: true);
            foreach (string file in files)
            {
                string? text = set.Read(file);
                if (text is not null)
                {
                    set.Add(file, text, Tier.User);
                }
            }
        }

        set.Build();
        return set;
    }

    /// <summary>Builds a set from XML texts alone (for tests).</summary>
    public static ProtocolSet FromTexts(params (string Name, string Xml)[] files)
    {
        ProtocolSet set = new();
        foreach ((string name, string xml) in files)
        {
            set.Add(name, xml, Tier.User);
        }

        set.Build();
        return set;
    }

    public TraceInterface? Find(string name) => _interfaces.GetValueOrDefault(name);

    private static IEnumerable<string> XmlFiles(string directory, List<string> problems, bool required = false)
    {
        if (!Directory.Exists(directory))
        {
            if (required)
            {
                problems.Add($"{directory}: no such file or directory");
            }

            return [];
        }

        string[] files = Directory.GetFiles(directory, "*.xml", SearchOption.AllDirectories);
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    private string? Read(string file)
    {
        try
        {
            string? text = ProtocolFile.Read(file);
            if (text is null)
            {
                Problems.Add($"{file}: {ProtocolLimits.TooLargeMessage}");
            }

            return text;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Problems.Add($"{file}: {e.Message}");
            return null;
        }
    }

    private void Add(string path, string text, Tier tier)
    {
        DiagnosticBag diagnostics = new();
        ProtocolModel? model = ProtocolParser.Parse(new ProtocolSource(path, text, null), "Wayland.Trace", diagnostics);
        foreach (ScanDiagnostic diagnostic in diagnostics.Items)
        {
            if (diagnostic.IsError)
            {
                Problems.Add(diagnostic.Format());
            }
        }

        if (model is null)
        {
            return;
        }

        int stability = path.Contains("/stable/", StringComparison.Ordinal) || path.EndsWith("wayland.xml", StringComparison.Ordinal) ? 2
            : path.Contains("/staging/", StringComparison.Ordinal) ? 1
            : 0;
        foreach (InterfaceModel candidate in model.Interfaces)
        {
            Candidate offered = new(candidate, tier, stability);
            if (!_chosen.TryGetValue(candidate.Name, out Candidate? current) || offered.Beats(current))
            {
                _chosen[candidate.Name] = offered;
            }
        }
    }

    /// <summary>Turns the chosen models into decoding tables and links interfaces and enums across them.</summary>
    private void Build()
    {
        List<(TraceArgument Argument, string Owner)> links = [];
        foreach ((string name, Candidate chosen) in _chosen)
        {
            InterfaceModel model = chosen.Model;
            TraceInterface traced = new(name, Math.Max(1, model.Version), model.Protocol.Source.Path);
            foreach (EnumModel enumModel in model.Enums)
            {
                List<(string, uint)> entries = [];
                foreach (EntryModel entry in enumModel.Entries)
                {
                    entries.Add((entry.Name, entry.Value));
                }

                traced.Enums[enumModel.Name] = new TraceEnum($"{name}.{enumModel.Name}", enumModel.IsBitfield, entries);
            }

            traced.Requests = Messages(traced, model.Requests, isRequest: true, links);
            traced.Events = Messages(traced, model.Events, isRequest: false, links);
            _interfaces[name] = traced;
        }

        foreach ((TraceArgument argument, string owner) in links)
        {
            if (argument.InterfaceName is not null)
            {
                argument.Interface = _interfaces.GetValueOrDefault(argument.InterfaceName);
            }

            if (argument.EnumName is { } enumName)
            {
                int dot = enumName.IndexOf('.', StringComparison.Ordinal);
                string enumInterface = dot < 0 ? owner : enumName[..dot];
                string enumLocal = dot < 0 ? enumName : enumName[(dot + 1)..];
                argument.Enum = _interfaces.GetValueOrDefault(enumInterface)?.Enums.GetValueOrDefault(enumLocal);
            }
        }
    }

    private TraceMessage[] Messages(TraceInterface owner, List<MessageModel> models, bool isRequest, List<(TraceArgument, string)> links)
    {
        List<TraceMessage> messages = new(models.Count);
        foreach (MessageModel model in models)
        {
            if (model.Opcode != messages.Count)
            {
                // The parser numbers messages in order; a gap means a message it could not read.
                break;
            }

            ArgumentDescriptor[] descriptors = new ArgumentDescriptor[model.Arguments.Count];
            TraceArgument[] arguments = new TraceArgument[model.Arguments.Count];
            for (int i = 0; i < arguments.Length; i++)
            {
                ArgumentModel argument = model.Arguments[i];
                ArgumentType type = (ArgumentType)(int)argument.Type;
                bool nullable = argument.Nullable && type is ArgumentType.String or ArgumentType.Object or ArgumentType.Array;
                string? interfaceName = type is ArgumentType.Object or ArgumentType.NewId ? argument.InterfaceName : null;
                descriptors[i] = new ArgumentDescriptor(argument.Name, type, nullable, interfaceName);
                arguments[i] = new TraceArgument(argument.Name, type, interfaceName, argument.EnumName);
                links.Add((arguments[i], owner.Name));
            }

            MessageDescriptor descriptor;
            try
            {
                descriptor = new MessageDescriptor(model.Name, model.Opcode, Math.Max(1, model.Since), descriptors, model.IsDestructor);
            }
            catch (ArgumentException e)
            {
                Problems.Add($"{owner.Source}: {owner.Name}.{model.Name}: {e.Message}; it and later {(isRequest ? "requests" : "events")} are shown raw");
                break;
            }

            messages.Add(new TraceMessage(owner, isRequest, descriptor, arguments));
        }

        return [.. messages];
    }

    private enum Tier
    {
        BuiltIn,
        System,
        User,
    }

    private sealed record Candidate(InterfaceModel Model, Tier Tier, int Stability)
    {
        public bool Beats(Candidate other)
        {
            if ((Tier == Tier.User) != (other.Tier == Tier.User))
            {
                return Tier == Tier.User;
            }

            if (Model.Version != other.Model.Version)
            {
                return Model.Version > other.Model.Version;
            }

            if (Stability != other.Stability)
            {
                return Stability > other.Stability;
            }

            // Same version and stability: the later of two user files, and the system's over the built-in copy.
            return Tier >= other.Tier;
        }
    }
}
