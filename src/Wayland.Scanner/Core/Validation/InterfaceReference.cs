using Wayland.Scanner.Model;

namespace Wayland.Scanner.Validation;

/// <summary>Where the generated types of a referenced interface live: in this run (<see cref="Model"/> set)
/// or in a referenced assembly.</summary>
internal sealed class InterfaceReference
{
    public InterfaceReference(string targetNamespace, string interfaceName, InterfaceModel? model)
    {
        Namespace = targetNamespace;
        InterfaceName = interfaceName;
        Model = model;
    }

    public string Namespace { get; }

    public string InterfaceName { get; }

    /// <summary>The interface when it is declared in this run; null when it comes from a referenced assembly.</summary>
    public InterfaceModel? Model { get; }

    /// <summary><c>global::Wayland.Protocols.WlSurfaceInterface</c>.</summary>
    public string DescriptorClass => $"global::{Namespace}.{Naming.DescriptorClassName(InterfaceName)}";

    /// <summary><c>global::Wayland.Protocols.WlSurface</c>: the name reserved for the typed proxy / resource.</summary>
    public string TypeName => $"global::{Namespace}.{Naming.ToPascalCase(InterfaceName)}";
}
