using System;
using System.Globalization;
using System.IO;
using System.Xml;
using System.Xml.Linq;
using Wayland.Scanner.Diagnostics;
using Wayland.Scanner.Model;

namespace Wayland.Scanner.Parsing;

/// <summary>
/// Reads one protocol XML file into a <see cref="ProtocolModel"/>. Syntax-level problems (malformed XML,
/// missing or unparsable attributes, unknown types) are reported here; everything that needs the whole
/// model is left to <see cref="Validation.ProtocolValidator"/>. Never throws on bad input.
/// </summary>
internal sealed class ProtocolParser
{
    private readonly ProtocolSource _source;
    private readonly DiagnosticBag _diagnostics;
    private readonly LineMap _lines;

    private ProtocolParser(ProtocolSource source, DiagnosticBag diagnostics)
    {
        _source = source;
        _diagnostics = diagnostics;
        _lines = new LineMap(source.Path, source.Text);
    }

    /// <summary>Parses <paramref name="source"/>; returns null when the file is not usable at all.</summary>
    public static ProtocolModel? Parse(ProtocolSource source, string targetNamespace, DiagnosticBag diagnostics) =>
        new ProtocolParser(source, diagnostics).Parse(targetNamespace);

    /// <summary>Reads the XML tree, or reports why not: the file could not be read, is larger than
    /// <see cref="ProtocolLimits.MaxFileBytes"/>, is empty, nests elements deeper than
    /// <see cref="ProtocolLimits.MaxDepth"/>, or is not well-formed XML.</summary>
    private XDocument? Load()
    {
        string text = _source.Text;
        if (_source.ReadError is { } readError)
        {
            _diagnostics.Report(DiagnosticRules.MalformedXml, FileStart(), $"cannot read the file: {readError}");
            return null;
        }

        // UTF-8 never takes fewer bytes than UTF-16 code units, so short texts need no counting.
        if (text.Length > ProtocolLimits.MaxFileBytes
            || (text.Length > ProtocolLimits.MaxFileBytes / 3 && System.Text.Encoding.UTF8.GetByteCount(text) > ProtocolLimits.MaxFileBytes))
        {
            _diagnostics.Report(DiagnosticRules.MalformedXml, FileStart(), ProtocolLimits.TooLargeMessage);
            return null;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            _diagnostics.Report(DiagnosticRules.MalformedXml, FileStart(), "the file is empty; a protocol file has a <protocol> element");
            return null;
        }

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            // A first pass with the bare reader, which is linear in the nesting depth, whereas building the tree of a
            // document nested tens of thousands of levels deep takes seconds to minutes.
            using (var reader = XmlReader.Create(new StringReader(text), settings))
            {
                while (reader.Read())
                {
                    if (reader.NodeType == XmlNodeType.Element && reader.Depth >= ProtocolLimits.MaxDepth)
                    {
                        var info = (IXmlLineInfo)reader;
                        _diagnostics.Report(DiagnosticRules.MalformedXml, _lines.At(info.LineNumber, info.LinePosition, reader.LocalName.Length),
                            $"<{reader.LocalName}> is nested more than {ProtocolLimits.MaxDepth} elements deep; protocol files nest about 5");
                        return null;
                    }
                }
            }

            using (var reader = XmlReader.Create(new StringReader(text), settings))
            {
                return XDocument.Load(reader, LoadOptions.SetLineInfo);
            }
        }
        catch (XmlException e)
        {
            // Without DTD processing, entities a <!DOCTYPE> declares are unknown: say why rather than only that.
            string message = text.IndexOf("<!ENTITY", StringComparison.Ordinal) >= 0
                ? $"DTDs are not supported, so the entities this file declares in <!DOCTYPE> are not either: {e.Message}"
                : e.Message;
            _diagnostics.Report(DiagnosticRules.MalformedXml, e.LineNumber > 0 ? _lines.At(e.LineNumber, e.LinePosition, 1) : FileStart(), message);
            return null;
        }
    }

    /// <summary>Line 1, column 1: where problems of the whole file are reported, so they still name it.</summary>
    private SourcePosition FileStart() => _lines.At(1, 1, 0);

    private ProtocolModel? Parse(string targetNamespace)
    {
        XDocument? document = Load();
        if (document is null)
        {
            return null;
        }

        XElement? root = document.Root;
        if (root is null || root.Name.LocalName != "protocol")
        {
            _diagnostics.Report(DiagnosticRules.MalformedXml, root is null ? FileStart() : Position(root),
                $"the root element must be <protocol>, not <{root?.Name.LocalName}>");
            return null;
        }

        string? name = RequiredAttribute(root, "name");
        if (name is null)
        {
            return null;
        }

        var protocol = new ProtocolModel(_source, name, Position(root), targetNamespace);
        foreach (XElement child in root.Elements())
        {
            switch (child.Name.LocalName)
            {
                case "copyright":
                    protocol.Copyright = child.Value;
                    break;
                case "description":
                    protocol.Documentation = ReadDescription(child);
                    break;
                case "interface":
                    ParseInterface(protocol, child);
                    break;
            }
        }

        return protocol;
    }

    private void ParseInterface(ProtocolModel protocol, XElement element)
    {
        string? name = RequiredAttribute(element, "name");
        string? versionText = RequiredAttribute(element, "version");
        if (name is null)
        {
            return;
        }

        // An unusable version is reported and recorded as 0, which the validator treats as "unknown".
        uint version = 0;
        if (versionText is not null)
        {
            version = ParseVersion(element, "version", versionText) ?? 0;
        }

        var model = new InterfaceModel(protocol, name, version, Position(element));
        protocol.Interfaces.Add(model);
        foreach (XElement child in element.Elements())
        {
            switch (child.Name.LocalName)
            {
                case "description":
                    model.Documentation = ReadDescription(child);
                    break;
                case "request":
                    ParseMessage(model, child, MessageKind.Request, model.Requests);
                    break;
                case "event":
                    ParseMessage(model, child, MessageKind.Event, model.Events);
                    break;
                case "enum":
                    ParseEnum(model, child);
                    break;
            }
        }
    }

    private void ParseMessage(InterfaceModel owner, XElement element, MessageKind kind, System.Collections.Generic.List<MessageModel> list)
    {
        string? name = RequiredAttribute(element, "name");
        if (name is null)
        {
            return;
        }

        var message = new MessageModel(owner, kind, name, (ushort)Math.Min(list.Count, ushort.MaxValue), Position(element));
        list.Add(message);

        XAttribute? type = element.Attribute("type");
        if (type is not null)
        {
            if (type.Value == "destructor")
            {
                message.IsDestructor = true;
            }
            else
            {
                _diagnostics.Report(DiagnosticRules.InvalidMessageType, Position(type),
                    $"{Describe(message)}: type=\"{type.Value}\" is not valid; the only message type is \"destructor\"");
            }
        }

        if (element.Attribute("since") is { } since)
        {
            message.Since = ParseVersion(element, "since", since.Value) ?? 1;
            message.SincePosition = Position(since);
        }

        if (element.Attribute("deprecated-since") is { } deprecated)
        {
            message.DeprecatedSince = ParseVersion(element, "deprecated-since", deprecated.Value);
            message.DeprecatedSincePosition = Position(deprecated);
        }

        foreach (XElement child in element.Elements())
        {
            switch (child.Name.LocalName)
            {
                case "description":
                    message.Documentation = ReadDescription(child);
                    break;
                case "arg":
                    ParseArgument(message, child);
                    break;
            }
        }
    }

    private void ParseArgument(MessageModel message, XElement element)
    {
        string? name = RequiredAttribute(element, "name");
        string? typeText = RequiredAttribute(element, "type");
        if (name is null || typeText is null)
        {
            return;
        }

        WireType? type = typeText switch
        {
            "int" => WireType.Int,
            "uint" => WireType.UInt,
            "fixed" => WireType.Fixed,
            "string" => WireType.String,
            "object" => WireType.Object,
            "new_id" => WireType.NewId,
            "array" => WireType.Array,
            "fd" => WireType.Fd,
            _ => null,
        };
        if (type is null)
        {
            _diagnostics.Report(DiagnosticRules.UnknownArgumentType, Position(element.Attribute("type")!),
                $"argument '{name}' of {Describe(message)} has unknown type '{typeText}' (expected int, uint, fixed, string, object, new_id, array or fd)");
            return;
        }

        var argument = new ArgumentModel(message, name, type.Value, Position(element));
        message.Arguments.Add(argument);

        if (element.Attribute("interface") is { } iface)
        {
            argument.InterfaceName = iface.Value;
            argument.InterfacePosition = Position(iface);
        }

        if (element.Attribute("allow-null") is { } allowNull)
        {
            argument.Nullable = ParseBoolean(allowNull) ?? false;
            argument.AllowNullPosition = Position(allowNull);
        }

        if (element.Attribute("enum") is { } enumeration && enumeration.Value.Length > 0)
        {
            argument.EnumName = enumeration.Value;
            argument.EnumPosition = Position(enumeration);
        }

        argument.Summary = element.Attribute("summary")?.Value;
        if (element.Element("description") is { } description)
        {
            argument.Documentation = ReadDescription(description);
        }
    }

    private void ParseEnum(InterfaceModel owner, XElement element)
    {
        string? name = RequiredAttribute(element, "name");
        if (name is null)
        {
            return;
        }

        var model = new EnumModel(owner, name, Position(element));
        owner.Enums.Add(model);
        if (element.Attribute("since") is { } since)
        {
            model.Since = ParseVersion(element, "since", since.Value) ?? 1;
            model.SincePosition = Position(since);
        }

        if (element.Attribute("bitfield") is { } bitfield)
        {
            model.IsBitfield = ParseBoolean(bitfield) ?? false;
        }

        foreach (XElement child in element.Elements())
        {
            switch (child.Name.LocalName)
            {
                case "description":
                    model.Documentation = ReadDescription(child);
                    break;
                case "entry":
                    model.DeclaredEntryCount++;
                    ParseEntry(model, child);
                    break;
            }
        }
    }

    private void ParseEntry(EnumModel owner, XElement element)
    {
        string? name = RequiredAttribute(element, "name");
        string? valueText = RequiredAttribute(element, "value");
        if (name is null || valueText is null)
        {
            return;
        }

        if (!TryParseEnumValue(valueText, out uint value, out bool isHex))
        {
            _diagnostics.Report(DiagnosticRules.InvalidInteger, Position(element.Attribute("value")!),
                $"entry '{name}' of enum '{owner.Owner.Name}.{owner.Name}' has value '{valueText}', which is not an unsigned 32-bit integer");
            return;
        }

        var entry = new EntryModel(owner, name, value, Position(element)) { IsHex = isHex };
        owner.Entries.Add(entry);
        entry.Summary = element.Attribute("summary")?.Value;
        if (element.Attribute("since") is { } since)
        {
            entry.Since = ParseVersion(element, "since", since.Value) ?? 1;
            entry.SincePosition = Position(since);
        }

        if (element.Attribute("deprecated-since") is { } deprecated)
        {
            entry.DeprecatedSince = ParseVersion(element, "deprecated-since", deprecated.Value);
            entry.DeprecatedSincePosition = Position(deprecated);
        }

        if (element.Element("description") is { } description)
        {
            entry.Documentation = ReadDescription(description);
        }
    }

    private static Documentation ReadDescription(XElement element) =>
        new(element.Attribute("summary")?.Value, element.Value);

    private string? RequiredAttribute(XElement element, string attribute)
    {
        XAttribute? value = element.Attribute(attribute);
        if (value is null)
        {
            string owner = element.Attribute("name")?.Value is { } n ? $" '{n}'" : string.Empty;
            _diagnostics.Report(DiagnosticRules.MissingAttribute, Position(element),
                $"<{element.Name.LocalName}>{owner} has no '{attribute}' attribute");
            return null;
        }

        return value.Value;
    }

    /// <summary>A version number as libwayland reads it: decimal, 1 to int.MaxValue.</summary>
    private uint? ParseVersion(XElement element, string attribute, string text)
    {
        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out uint value) && value >= 1 && value <= int.MaxValue)
        {
            return value;
        }

        _diagnostics.Report(DiagnosticRules.InvalidInteger, Position(element.Attribute(attribute)!),
            $"{attribute}=\"{text}\" on <{element.Name.LocalName}> '{element.Attribute("name")?.Value}' is not a version number (a decimal integer from 1)");
        return null;
    }

    private bool? ParseBoolean(XAttribute attribute)
    {
        switch (attribute.Value)
        {
            case "true":
                return true;
            case "false":
                return false;
            default:
                _diagnostics.Report(DiagnosticRules.InvalidBoolean, Position(attribute),
                    $"{attribute.Name.LocalName}=\"{attribute.Value}\" on '{attribute.Parent?.Attribute("name")?.Value}' must be \"true\" or \"false\"");
                return null;
        }
    }

    /// <summary>Enum values are C integer constants: decimal, <c>0x</c> hexadecimal or <c>0</c>-prefixed octal.</summary>
    private static bool TryParseEnumValue(string text, out uint value, out bool isHex)
    {
        value = 0;
        isHex = false;
        string t = text.Trim();
        if (t.Length == 0)
        {
            return false;
        }

        int radix = 10;
        if (t.Length > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X'))
        {
            radix = 16;
            isHex = true;
            t = t.Substring(2);
        }
        else if (t.Length > 1 && t[0] == '0')
        {
            radix = 8;
            t = t.Substring(1);
        }

        ulong result = 0;
        foreach (char c in t)
        {
            int digit = c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                : 99;
            if (digit >= radix)
            {
                return false;
            }

            result = result * (ulong)radix + (ulong)digit;
            if (result > uint.MaxValue)
            {
                return false;
            }
        }

        value = (uint)result;
        return true;
    }

    private SourcePosition Position(XElement element)
    {
        var info = (IXmlLineInfo)element;
        return _lines.At(info.LineNumber, info.LinePosition, element.Name.LocalName.Length);
    }

    private SourcePosition Position(XAttribute attribute)
    {
        var info = (IXmlLineInfo)attribute;
        return _lines.At(info.LineNumber, info.LinePosition, attribute.Name.LocalName.Length);
    }

    private static string Describe(MessageModel message) =>
        $"{(message.Kind == MessageKind.Request ? "request" : "event")} '{message.Owner.Name}.{message.Name}'";
}
