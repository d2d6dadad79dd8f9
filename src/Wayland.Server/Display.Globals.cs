using Wayland.Protocols;
using Wayland.Server.Protocol;
using Wayland.Wire;

namespace Wayland.Server;

public sealed partial class Display
{
    private readonly List<Global> _globals = [];
    private readonly List<WlRegistry> _registries = [];
    private uint _nextGlobalName = 1;

    /// <summary>
    /// Decides which globals a client sees and may bind (<c>wl_display_set_global_filter</c>); null shows every
    /// global to every client. It is asked when a registry is created, when a global is created, and again on bind,
    /// so a hidden global cannot be bound by guessing its name.
    /// </summary>
    public Func<Client, Global, bool>? GlobalFilter { get; set; }

    /// <summary>The globals, in creation order (destroyed ones excluded).</summary>
    public IReadOnlyList<Global> Globals => _globals;

    /// <summary>
    /// Advertises <typeparamref name="T"/> up to <paramref name="version"/> (<c>wl_global_create</c>). When a client
    /// binds it, the runtime creates the resource at the version the client asked for, registers it, then calls
    /// <paramref name="bind"/>, which sets its <c>Handler</c> and sends its initial events.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="version"/> is 0 or above what <typeparamref name="T"/> describes.</exception>
    public Global CreateGlobal<T>(uint version, Action<T> bind)
        where T : Resource, IResourceFactory<T>
    {
        ArgumentNullException.ThrowIfNull(bind);
        ThrowIfDisposed();
        InterfaceDescriptor descriptor = T.Interface;
        if (version == 0 || version > descriptor.Version)
        {
            throw new ArgumentOutOfRangeException(nameof(version), version, $"{descriptor.Name} is described up to version {descriptor.Version}");
        }

        if (_nextGlobalName == uint.MaxValue)
        {
            throw new InvalidOperationException("no global names left");
        }

        Global global = new(this, descriptor, _nextGlobalName++, version, (client, boundVersion, id) =>
        {
            T resource = T.Create();
            if (client.TryRegister(resource, id, boundVersion))
            {
                bind(resource);
            }
        });
        _globals.Add(global);
        foreach (WlRegistry registry in _registries)
        {
            if (global.IsVisibleTo(registry.Client))
            {
                registry.Announce(global);
            }
        }

        return global;
    }

    /// <summary>wl_display.get_registry: announce every visible global to the new registry.</summary>
    internal void AddRegistry(WlRegistry registry)
    {
        _registries.Add(registry);
        registry.Released += static resource => resource.Client.Display._registries.Remove((WlRegistry)resource);
        foreach (Global global in _globals)
        {
            if (!global.IsRemoved && global.IsVisibleTo(registry.Client))
            {
                registry.Announce(global);
            }
        }
    }

    /// <summary>wl_registry.bind, with libwayland's checks and error texts (on the registry, code invalid_object).</summary>
    internal void Bind(WlRegistry registry, uint name, in MessageArguments args, int newIdArgument)
    {
        uint version = args.GetNewIdVersion(newIdArgument);
        uint id = args.GetObjectId(newIdArgument);
        ReadOnlySpan<byte> requested = args.GetStringUtf8(newIdArgument);
        Global? global = null;
        foreach (Global candidate in _globals)
        {
            if (candidate.Name == name)
            {
                global = candidate;
                break;
            }
        }

        const uint invalidObject = (uint)WlDisplayError.InvalidObject;
        if (global is null || !global.IsVisibleTo(registry.Client))
        {
            registry.PostError(invalidObject, $"global {args.GetString(newIdArgument)} ({name}) is unavailable");
        }
        else if (!requested.SequenceEqual(global.InterfaceNameUtf8))
        {
            registry.PostError(invalidObject, $"invalid interface for global {name}: expected {global.Interface.Name}, got {args.GetString(newIdArgument)}");
        }
        else if (version == 0)
        {
            registry.PostError(invalidObject, $"invalid version for global {global.Interface.Name} ({name}): 0 is not a valid version");
        }
        else if (global.Version < version)
        {
            registry.PostError(invalidObject,
                $"invalid version for global {global.Interface.Name} ({name}): expected at most {(int)global.Version}, got {(int)version}");
        }
        else
        {
            global.Bind(registry.Client, version, id);
        }
    }

    internal void Unpublish(Global global)
    {
        foreach (WlRegistry registry in _registries)
        {
            registry.Withdraw(global);
        }
    }

    internal void Forget(Global global) => _globals.Remove(global);

    private void DestroyGlobals()
    {
        _globals.Clear();
        _registries.Clear();
    }
}
