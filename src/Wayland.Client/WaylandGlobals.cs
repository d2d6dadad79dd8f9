using Wayland.Client.Protocol;

namespace Wayland.Client;

/// <summary>One global the compositor announced.</summary>
/// <param name="Name">The numeric name to bind it by.</param>
/// <param name="Interface">Its interface name.</param>
/// <param name="Version">The highest version the compositor offers.</param>
public readonly record struct GlobalInfo(uint Name, string Interface, uint Version);

/// <summary>
/// The registry, kept up to date: lists the compositor's globals, binds them by type with a version cap,
/// and reports globals that come and go. Created with <see cref="Create"/>, which does the first roundtrip.
/// </summary>
public sealed class WaylandGlobals : IDisposable
{
    private readonly Dictionary<uint, GlobalInfo> _globals = [];
    private readonly List<GlobalInfo> _order = [];

    private WaylandGlobals(WlRegistry registry)
    {
        Registry = registry;
        registry.Global += (_, name, iface, version) =>
        {
            // A name announced again (without global_remove) replaces its entry, so the stale one cannot be bound.
            GlobalInfo info = new(name, iface, version);
            if (_globals.Remove(name, out GlobalInfo stale))
            {
                _order.Remove(stale);
            }

            _globals[name] = info;
            _order.Add(info);
            Added?.Invoke(info);
        };
        registry.GlobalRemove += (_, name) =>
        {
            if (_globals.Remove(name, out GlobalInfo info))
            {
                _order.Remove(info);
                Removed?.Invoke(info);
            }
        };
    }

    /// <summary>A global appeared (after the initial list).</summary>
    public event Action<GlobalInfo>? Added;

    /// <summary>A global went away: objects bound from it stop working.</summary>
    public event Action<GlobalInfo>? Removed;

    /// <summary>The underlying registry proxy.</summary>
    public WlRegistry Registry { get; }

    /// <summary>The globals in the order they were announced (a name announced again counts once, at its last announcement).</summary>
    public IReadOnlyList<GlobalInfo> All => _order;

    /// <summary>Gets the registry on <paramref name="queue"/> (default queue if null) and waits for the initial list.</summary>
    public static WaylandGlobals Create(WaylandDisplay display, EventQueue? queue = null)
    {
        ArgumentNullException.ThrowIfNull(display);
        WaylandGlobals globals = new(display.GetRegistry(queue));
        (queue ?? display.DefaultQueue).Roundtrip();
        return globals;
    }

    /// <summary>The first global of <paramref name="interfaceName"/>, if any.</summary>
    public GlobalInfo? Find(string interfaceName)
    {
        foreach (GlobalInfo info in _order)
        {
            if (info.Interface == interfaceName)
            {
                return info;
            }
        }

        return null;
    }

    /// <summary>
    /// Binds the first global of <typeparamref name="T"/>'s interface at the highest version that the
    /// compositor offers, <typeparamref name="T"/> supports and <paramref name="maxVersion"/> allows.
    /// </summary>
    /// <exception cref="InvalidOperationException">The compositor has no such global, or announced it with version 0.</exception>
    public T Bind<T>(uint maxVersion = uint.MaxValue)
        where T : Proxy, IProxyFactory<T>
    {
        string name = T.Interface.Name;
        GlobalInfo info = Find(name) ?? throw new InvalidOperationException($"the compositor has no {name} global");
        return Bind<T>(info, maxVersion);
    }

    /// <summary>Binds <paramref name="global"/> at min(its version, <typeparamref name="T"/>'s, <paramref name="maxVersion"/>).</summary>
    /// <exception cref="ArgumentException">The global is not of <typeparamref name="T"/>'s interface.</exception>
    /// <exception cref="InvalidOperationException">The compositor announced the global with version 0, which no
    /// version can bind: a libwayland compositor answers a bind at version 0 with a protocol error.</exception>
    public T Bind<T>(GlobalInfo global, uint maxVersion = uint.MaxValue)
        where T : Proxy, IProxyFactory<T>
    {
        if (global.Interface != T.Interface.Name)
        {
            throw new ArgumentException($"global {global.Name} is a {global.Interface}, not a {T.Interface.Name}", nameof(global));
        }

        if (global.Version == 0)
        {
            throw new InvalidOperationException(
                $"the compositor announced global {global.Name} ({global.Interface}) with version 0, which cannot be bound");
        }

        uint version = Math.Min(Math.Min(global.Version, T.Interface.Version), Math.Max(1, maxVersion));
        return Registry.Bind<T>(global.Name, version);
    }

    /// <summary>Whether the compositor offers <typeparamref name="T"/>'s interface.</summary>
    public bool Has<T>()
        where T : Proxy, IProxyFactory<T> => Find(T.Interface.Name) is not null;

    /// <summary>Destroys the registry proxy.</summary>
    public void Dispose() => Registry.Dispose();
}
