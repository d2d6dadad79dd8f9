using System;

namespace Wayland.Scanner;

/// <summary>The kinds of code a run generates (MSBuild property <c>WaylandScannerOutputs</c>, e.g. <c>data;client</c>).</summary>
[Flags]
internal enum ScannerOutputs
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Descriptor classes (<c>WlSurfaceInterface</c>) and enums, in the protocol's namespace.</summary>
    Data = 1,

    /// <summary>Client proxies (<c>WlSurface : Proxy</c>) in the client namespace (see <see cref="Naming.ClientNamespace"/>).</summary>
    Client = 2,

    /// <summary>Server resources (<c>WlSurface : Resource</c>) in the server namespace.</summary>
    Server = 4,
}
