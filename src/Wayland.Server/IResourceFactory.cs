using Wayland.Wire;

namespace Wayland.Server;

/// <summary>
/// Implemented by every typed resource class (generated code): lets the runtime create resources of a type it
/// only knows as a generic argument, with no reflection (trimming- and AOT-safe).
/// </summary>
/// <typeparam name="TSelf">The resource class itself.</typeparam>
public interface IResourceFactory<TSelf>
    where TSelf : Resource, IResourceFactory<TSelf>
{
    /// <summary>The protocol interface the class speaks.</summary>
    static abstract InterfaceDescriptor Interface { get; }

    /// <summary>Creates an unattached instance; the runtime gives it its client, id and version.</summary>
    static abstract TSelf Create();
}
