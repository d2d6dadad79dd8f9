namespace Wayland.Wire;

/// <summary>One argument of a request or event.</summary>
public sealed class ArgumentDescriptor
{
    private readonly Func<InterfaceDescriptor>? _resolveInterface;
    private InterfaceDescriptor? _interface;

    /// <summary>Creates an argument descriptor.</summary>
    /// <param name="name">Argument name as in the protocol XML.</param>
    /// <param name="type">Wire type.</param>
    /// <param name="nullable">Whether null (0 / no string) is allowed; only for strings, objects and arrays.</param>
    /// <param name="interfaceName">Interface of an object or new_id argument; null for untyped ones.</param>
    /// <param name="resolveInterface">Returns the descriptor of <paramref name="interfaceName"/>; called lazily so
    /// that interfaces may refer to each other in cycles.</param>
    public ArgumentDescriptor(string name, ArgumentType type, bool nullable = false, string? interfaceName = null,
        Func<InterfaceDescriptor>? resolveInterface = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (nullable && type is not (ArgumentType.String or ArgumentType.Object or ArgumentType.Array))
        {
            throw new ArgumentException($"argument '{name}': only string, object and array arguments may be nullable", nameof(nullable));
        }

        if (interfaceName is not null && type is not (ArgumentType.Object or ArgumentType.NewId))
        {
            throw new ArgumentException($"argument '{name}': only object and new_id arguments name an interface", nameof(interfaceName));
        }

        Name = name;
        Type = type;
        Nullable = nullable;
        InterfaceName = interfaceName;
        _resolveInterface = resolveInterface;
    }

    /// <summary>Argument name.</summary>
    public string Name { get; }

    /// <summary>Wire type.</summary>
    public ArgumentType Type { get; }

    /// <summary>Whether the argument may be null.</summary>
    public bool Nullable { get; }

    /// <summary>Interface name of object/new_id arguments (null when untyped or not an object).</summary>
    public string? InterfaceName { get; }

    /// <summary>The interface descriptor of object/new_id arguments, when one was supplied.</summary>
    public InterfaceDescriptor? Interface => _interface ??= _resolveInterface?.Invoke();

    /// <summary>True for a new_id without an interface: it travels as string, uint, uint.</summary>
    public bool IsUntypedNewId => Type == ArgumentType.NewId && InterfaceName is null;

    /// <summary>libwayland's signature letter(s) for this argument, '?' first when nullable.</summary>
    public string Signature => (Nullable ? "?" : string.Empty) + Type switch
    {
        ArgumentType.Int => "i",
        ArgumentType.UInt => "u",
        ArgumentType.Fixed => "f",
        ArgumentType.String => "s",
        ArgumentType.Object => "o",
        ArgumentType.NewId => IsUntypedNewId ? "sun" : "n",
        ArgumentType.Array => "a",
        ArgumentType.Fd => "h",
        _ => throw new InvalidOperationException(),
    };

    /// <inheritdoc/>
    public override string ToString() => $"{Type} {Name}";
}
