using System;
using Wayland.Scanner.Model;
using Wayland.Scanner.Validation;

namespace Wayland.Scanner.Emit;

/// <summary>What emitters may know about the run beyond the interface at hand.</summary>
internal sealed class EmitContext
{
    private readonly Func<ProtocolModel, bool> _isEmitted;

    public EmitContext(Resolution resolution, Func<ProtocolModel, bool> isEmitted)
    {
        Resolution = resolution;
        _isEmitted = isEmitted;
    }

    public Resolution Resolution { get; }

    /// <summary>The referenced interface's generated types when they exist in this compilation: declared by a
    /// protocol of the run that is generated, or found in a referenced assembly. Null otherwise.</summary>
    public InterfaceReference? LinkedInterface(ArgumentModel argument)
    {
        InterfaceReference? reference = Resolution.InterfaceOf(argument);
        if (reference?.Model is { } model && !_isEmitted(model.Protocol))
        {
            return null;
        }

        return reference;
    }
}
