using Wayland.Scanner.Model;

namespace Wayland.Scanner.Emit;

/// <summary>
/// Generates one file of C# for one interface. Each kind of output (descriptors, enums, and later the
/// client proxies and server resources) is one implementation; <see cref="ProtocolEmitter"/> writes the
/// shared file header and runs every emitter over every interface.
/// </summary>
internal interface IInterfaceEmitter
{
    /// <summary>The file's hint name, unique in a run, or null when there is nothing to generate for
    /// <paramref name="iface"/>.</summary>
    string? HintName(InterfaceModel iface);

    /// <summary>The namespace the file declares its types in.</summary>
    string Namespace(ProtocolModel protocol);

    /// <summary>Writes the declarations (the header and namespace are already written).</summary>
    void Emit(InterfaceModel iface, EmitContext context, CodeWriter writer);
}
