using System.Collections.Generic;
using Wayland.Scanner.Model;

namespace Wayland.Scanner.Validation;

/// <summary>The outcome of resolving every <c>interface=</c> and <c>enum=</c> attribute of a run.</summary>
internal sealed class Resolution
{
    private readonly Dictionary<ArgumentModel, InterfaceReference> _interfaces = new();
    private readonly Dictionary<ArgumentModel, EnumReference> _enums = new();

    public void SetInterface(ArgumentModel argument, InterfaceReference reference) => _interfaces[argument] = reference;

    public void SetEnum(ArgumentModel argument, EnumReference reference) => _enums[argument] = reference;

    /// <summary>The referenced interface's generated types, or null when it could not be found.</summary>
    public InterfaceReference? InterfaceOf(ArgumentModel argument) =>
        _interfaces.TryGetValue(argument, out InterfaceReference? reference) ? reference : null;

    /// <summary>The referenced enum type, or null when the argument has none or it could not be found.</summary>
    public EnumReference? EnumOf(ArgumentModel argument) =>
        _enums.TryGetValue(argument, out EnumReference? reference) ? reference : null;
}
