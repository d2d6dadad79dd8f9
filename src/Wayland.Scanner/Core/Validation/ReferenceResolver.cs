using System;
using System.Collections.Generic;
using Wayland.Scanner.Diagnostics;
using Wayland.Scanner.Model;

namespace Wayland.Scanner.Validation;

/// <summary>
/// Resolves <c>interface=</c> and <c>enum=</c> attributes across all protocols of one run, and checks what
/// only the whole run shows: interfaces declared twice in one namespace and colliding generated type names.
/// </summary>
/// <remarks>
/// An interface reference resolves, in order, to: an interface of the same file; the only interface of that
/// name in the run (or the one in the same namespace when several are); a type
/// <c>{ns}.{Pascal}Interface</c> that the external-type callback confirms for <c>ns</c> in
/// <see cref="CandidateNamespaces"/> (the file's namespace, the run's default, <c>Wayland.Protocols</c>, then
/// the extra namespaces of <see cref="ScannerOptions"/>). Every name asked about is recorded in
/// <see cref="ExternalCandidates"/> so the Roslyn generator can look them all up in the compilation first.
/// </remarks>
internal sealed class ReferenceResolver
{
    private readonly IReadOnlyList<ProtocolModel> _protocols;
    private readonly ScannerOptions _options;
    private readonly Func<string, bool> _externalTypeExists;
    private readonly DiagnosticBag _diagnostics;
    private readonly Dictionary<string, List<InterfaceModel>> _byName = new();
    private readonly Dictionary<ProtocolModel, Dictionary<string, InterfaceModel>> _byProtocol = new();
    private readonly Dictionary<InterfaceModel, Dictionary<string, EnumModel>> _enums = new();
    private readonly List<string> _externalCandidates = new();
    private readonly HashSet<string> _externalCandidateSet = new();

    public ReferenceResolver(IReadOnlyList<ProtocolModel> protocols, ScannerOptions options,
        Func<string, bool> externalTypeExists, DiagnosticBag diagnostics)
    {
        _protocols = protocols;
        _options = options;
        _externalTypeExists = externalTypeExists;
        _diagnostics = diagnostics;
    }

    public Resolution Resolution { get; } = new();

    /// <summary>Metadata names of types looked for outside the run, in the order they were first asked about.</summary>
    public IReadOnlyList<string> ExternalCandidates => _externalCandidates;

    public void Run()
    {
        IndexAndCheckNamespaces();
        foreach (ProtocolModel protocol in _protocols)
        {
            foreach (InterfaceModel iface in protocol.Interfaces)
            {
                ResolveMessages(protocol, iface, iface.Requests);
                ResolveMessages(protocol, iface, iface.Events);
            }
        }
    }

    private void IndexAndCheckNamespaces()
    {
        var interfacesByNamespace = new Dictionary<string, Dictionary<string, InterfaceModel>>();
        var typeNamesByNamespace = new Dictionary<string, Dictionary<string, string>>();
        foreach (ProtocolModel protocol in _protocols)
        {
            if (!interfacesByNamespace.TryGetValue(protocol.Namespace, out Dictionary<string, InterfaceModel>? interfaces))
            {
                interfaces = new Dictionary<string, InterfaceModel>();
                interfacesByNamespace.Add(protocol.Namespace, interfaces);
                typeNamesByNamespace.Add(protocol.Namespace, new Dictionary<string, string>());
            }

            Dictionary<string, string> typeNames = typeNamesByNamespace[protocol.Namespace];
            var own = new Dictionary<string, InterfaceModel>();
            _byProtocol[protocol] = own;
            foreach (InterfaceModel iface in protocol.Interfaces)
            {
                if (!own.ContainsKey(iface.Name))
                {
                    own.Add(iface.Name, iface);
                }

                if (interfaces.TryGetValue(iface.Name, out InterfaceModel? first))
                {
                    // Duplicates inside one file were reported by the validator already.
                    if (first.Protocol != protocol)
                    {
                        _diagnostics.Report(DiagnosticRules.DuplicateName, iface.Position,
                            $"interface '{iface.Name}' is also declared by protocol '{first.Protocol.Name}' ({FileName(first.Protocol.Source.Path)}) in namespace {protocol.Namespace}; give one of the files its own namespace");
                    }

                    continue;
                }

                interfaces.Add(iface.Name, iface);
                if (!_byName.TryGetValue(iface.Name, out List<InterfaceModel>? list))
                {
                    list = new List<InterfaceModel>();
                    _byName.Add(iface.Name, list);
                }

                list.Add(iface);
                if (!Naming.IsStandaloneIdentifier(iface.Name))
                {
                    continue;
                }

                ReserveTypeName(typeNames, iface.PascalName, $"the proxy/resource type of interface '{iface.Name}'", iface.Position, protocol.Namespace);
                ReserveTypeName(typeNames, iface.DescriptorClassName, $"the descriptor class of interface '{iface.Name}'", iface.Position, protocol.Namespace);
                var seenEnums = new HashSet<string>();
                foreach (EnumModel enumeration in iface.Enums)
                {
                    if (Naming.IsTrailingIdentifier(enumeration.Name) && seenEnums.Add(enumeration.TypeName))
                    {
                        ReserveTypeName(typeNames, enumeration.TypeName, $"enum '{iface.Name}.{enumeration.Name}'", enumeration.Position, protocol.Namespace);
                        ReserveTypeName(typeNames, enumeration.NamesTypeName, $"the names class of enum '{iface.Name}.{enumeration.Name}'", enumeration.Position, protocol.Namespace);
                    }
                }
            }
        }
    }

    private void ReserveTypeName(Dictionary<string, string> typeNames, string typeName, string owner, SourcePosition position, string ns)
    {
        if (typeNames.TryGetValue(typeName, out string? other))
        {
            _diagnostics.Report(DiagnosticRules.GeneratedNameCollision, position,
                $"{owner} and {other} both need the C# type name {ns}.{typeName}");
            return;
        }

        typeNames.Add(typeName, owner);
    }

    private void ResolveMessages(ProtocolModel protocol, InterfaceModel iface, List<MessageModel> messages)
    {
        foreach (MessageModel message in messages)
        {
            foreach (ArgumentModel argument in message.Arguments)
            {
                if (argument.InterfaceName is { } interfaceName && argument.Type is WireType.Object or WireType.NewId
                    && Naming.IsStandaloneIdentifier(interfaceName))
                {
                    InterfaceReference? reference = FindInterface(protocol, interfaceName, argument.InterfacePosition ?? argument.Position, out bool ambiguous);
                    if (reference is not null)
                    {
                        Resolution.SetInterface(argument, reference);
                    }
                    else if (!ambiguous)
                    {
                        string outside = _options.CommandLine
                            ? $"nor given an --extern-namespace N where N.{Naming.DescriptorClassName(interfaceName)} exists"
                            : $"and no type {JoinCandidates(protocol, Naming.DescriptorClassName(interfaceName))} exists in the referenced assemblies";
                        _diagnostics.Report(DiagnosticRules.UnknownInterface, argument.InterfacePosition ?? argument.Position,
                            $"interface '{interfaceName}' of argument '{argument.Name}' of {ProtocolValidator.Describe(message)} is not declared by any protocol of this run, {outside}; its descriptor stays unlinked");
                    }
                }

                if (argument.EnumName is not null && argument.Type is WireType.Int or WireType.UInt)
                {
                    ResolveEnum(protocol, iface, message, argument, argument.EnumName);
                }
            }
        }
    }

    private void ResolveEnum(ProtocolModel protocol, InterfaceModel owner, MessageModel message, ArgumentModel argument, string reference)
    {
        if (!Naming.IsEnumReference(reference))
        {
            return; // reported by the validator
        }

        SourcePosition position = argument.EnumPosition ?? argument.Position;
        int dot = reference.IndexOf('.');
        string enumName = dot > 0 ? reference.Substring(dot + 1) : reference;
        InterfaceReference? target;
        if (dot > 0)
        {
            string interfaceName = reference.Substring(0, dot);
            target = FindInterface(protocol, interfaceName, position, out bool ambiguous);
            if (target is null)
            {
                // Record the enum's candidate names too, so that a second pass that finds the interface
                // in a referenced assembly can also confirm the enum type there.
                foreach (string ns in CandidateNamespaces(protocol))
                {
                    AddCandidate($"{ns}.{Naming.EnumTypeName(interfaceName, enumName)}");
                }

                if (!ambiguous)
                {
                    string outside = _options.CommandLine ? "nor in a namespace given with --extern-namespace" : "nor found in the referenced assemblies";
                    _diagnostics.Report(DiagnosticRules.UnknownInterface, position,
                        $"enum '{reference}' of argument '{argument.Name}' of {ProtocolValidator.Describe(message)} belongs to interface '{interfaceName}', which is not declared by any protocol of this run {outside}");
                }

                return;
            }
        }
        else
        {
            target = new InterfaceReference(protocol.Namespace, owner.Name, owner);
        }

        if (target.Model is { } model)
        {
            if (!_enums.TryGetValue(model, out Dictionary<string, EnumModel>? enums))
            {
                enums = new Dictionary<string, EnumModel>();
                foreach (EnumModel candidate in model.Enums)
                {
                    if (!enums.ContainsKey(candidate.Name))
                    {
                        enums.Add(candidate.Name, candidate);
                    }
                }

                _enums.Add(model, enums);
            }

            if (!enums.TryGetValue(enumName, out EnumModel? enumeration))
            {
                _diagnostics.Report(DiagnosticRules.UnknownEnum, position,
                    $"argument '{argument.Name}' of {ProtocolValidator.Describe(message)} refers to enum '{reference}', but interface '{model.Name}' has no enum '{enumName}'");
                return;
            }

            if (enumeration.IsBitfield && argument.Type == WireType.Int)
            {
                _diagnostics.Report(DiagnosticRules.BitfieldOnInt, position,
                    $"argument '{argument.Name}' of {ProtocolValidator.Describe(message)} is an int but enum '{reference}' is a bitfield; bitfields are only valid for uint arguments");
                return;
            }

            Resolution.SetEnum(argument, new EnumReference(target.Namespace, enumeration.TypeName, enumeration.IsBitfield));
            return;
        }

        string typeName = Naming.EnumTypeName(target.InterfaceName, enumName);
        string metadataName = $"{target.Namespace}.{typeName}";
        AddCandidate(metadataName);
        if (_externalTypeExists(metadataName))
        {
            Resolution.SetEnum(argument, new EnumReference(target.Namespace, typeName, null));
        }
        else
        {
            _diagnostics.Report(DiagnosticRules.UnknownEnum, position,
                $"argument '{argument.Name}' of {ProtocolValidator.Describe(message)} refers to enum '{reference}', but the referenced assemblies have no type {metadataName}");
        }
    }

    /// <summary>Finds the generated types of interface <paramref name="name"/> as seen from <paramref name="protocol"/>;
    /// reports (and sets <paramref name="ambiguous"/>) when several namespaces of the run declare it.</summary>
    private InterfaceReference? FindInterface(ProtocolModel protocol, string name, SourcePosition position, out bool ambiguous)
    {
        ambiguous = false;
        if (_byProtocol[protocol].TryGetValue(name, out InterfaceModel? own))
        {
            return new InterfaceReference(protocol.Namespace, name, own);
        }

        if (_byName.TryGetValue(name, out List<InterfaceModel>? declared))
        {
            if (declared.Count == 1)
            {
                return new InterfaceReference(declared[0].Protocol.Namespace, name, declared[0]);
            }

            foreach (InterfaceModel iface in declared)
            {
                if (iface.Protocol.Namespace == protocol.Namespace)
                {
                    return new InterfaceReference(iface.Protocol.Namespace, name, iface);
                }
            }

            var where = new List<string>();
            foreach (InterfaceModel iface in declared)
            {
                where.Add($"{iface.Protocol.Namespace} ({FileName(iface.Protocol.Source.Path)})");
            }

            _diagnostics.Report(DiagnosticRules.AmbiguousInterface, position,
                $"interface '{name}' is declared in several namespaces: {string.Join(", ", where)}; the reference stays unlinked");
            ambiguous = true;
            return null;
        }

        foreach (string ns in CandidateNamespaces(protocol))
        {
            string metadataName = $"{ns}.{Naming.DescriptorClassName(name)}";
            AddCandidate(metadataName);
            if (_externalTypeExists(metadataName))
            {
                return new InterfaceReference(ns, name, null);
            }
        }

        return null;
    }

    /// <summary>Namespaces searched, in order, for interfaces that no protocol of the run declares.</summary>
    public IEnumerable<string> CandidateNamespaces(ProtocolModel protocol)
    {
        var seen = new HashSet<string>();
        var all = new List<string> { protocol.Namespace, _options.DefaultNamespace, Naming.DefaultNamespace };
        all.AddRange(_options.ExternNamespaces);
        foreach (string ns in all)
        {
            if (Naming.IsValidNamespace(ns) && seen.Add(ns))
            {
                yield return ns;
            }
        }
    }

    private string JoinCandidates(ProtocolModel protocol, string typeName)
    {
        var names = new List<string>();
        foreach (string ns in CandidateNamespaces(protocol))
        {
            names.Add($"{ns}.{typeName}");
        }

        return string.Join(" or ", names);
    }

    private void AddCandidate(string metadataName)
    {
        if (_externalCandidateSet.Add(metadataName))
        {
            _externalCandidates.Add(metadataName);
        }
    }

    internal static string FileName(string path)
    {
        int slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        return slash >= 0 ? path.Substring(slash + 1) : path;
    }
}
