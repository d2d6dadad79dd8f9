using Wayland.Wire;

namespace Wayland.Client;

/// <summary>
/// Implemented by every typed proxy class (generated code): lets the runtime create proxies of a type it
/// only knows as a generic argument, with no reflection (trimming- and AOT-safe).
/// </summary>
/// <typeparam name="TSelf">The proxy class itself.</typeparam>
public interface IProxyFactory<TSelf>
    where TSelf : Proxy, IProxyFactory<TSelf>
{
    /// <summary>The protocol interface the class speaks.</summary>
    static abstract InterfaceDescriptor Interface { get; }

    /// <summary>Creates an unattached instance; the runtime gives it its id, version and queue.</summary>
    static abstract TSelf Create();
}
