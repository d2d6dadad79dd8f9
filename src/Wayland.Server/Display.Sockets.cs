using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Wayland.Events;
using Wayland.Interop;
using Wayland.Server.Diagnostics;
using Wayland.Wire;

namespace Wayland.Server;

public sealed partial class Display
{
    /// <summary>Highest number <see cref="AddSocketAuto"/> tries (wayland-0 to wayland-32, as libwayland).</summary>
    public const int MaxAutoSocketNumber = 32;

    private const string LockSuffix = ".lock";
    /// <summary>How long the listening sockets are not watched after accept failed for want of descriptors or
    /// memory (libwayland keeps watching, and spins).</summary>
    private static readonly TimeSpan AcceptPause = TimeSpan.FromMilliseconds(100);

    private readonly List<ListeningSocket> _sockets = [];
    private TimerEventSource? _acceptTimer;

    /// <summary>
    /// Listens on a socket named <paramref name="name"/> (<c>wl_display_add_socket</c>): an absolute path, or a name
    /// in <c>$XDG_RUNTIME_DIR</c>. Null means <c>$WAYLAND_DISPLAY</c>, else <c>wayland-0</c>. The lock file
    /// <c>&lt;path&gt;.lock</c> is taken with <c>flock(LOCK_EX | LOCK_NB)</c> first, so two servers never share a name;
    /// a leftover socket file is removed only while holding the lock. Both files are unlinked on <see cref="Dispose"/>.
    /// The socket file appears only once the socket listens (libwayland binds the path and then listens), so a program
    /// waiting for the file can connect as soon as it sees it: the socket is bound under a hidden temporary name
    /// (<c>.NAME.PID.N.new</c>) and then linked to the path. Temporary names for the same path that processes no
    /// longer running left behind (killed between the two) are removed.
    /// </summary>
    /// <returns>The socket's path.</returns>
    /// <exception cref="WaylandIOException">XDG_RUNTIME_DIR is missing or relative (ENOENT), the path is longer than
    /// sun_path allows (ENAMETOOLONG), the lock is held by another server (EAGAIN), or socket/bind/listen failed.</exception>
    public string AddSocket(string? name = null) => AddSocketCore(name, Environment.GetEnvironmentVariable);

    /// <summary>
    /// Listens on the first free name of wayland-0 … wayland-32 in <c>$XDG_RUNTIME_DIR</c>
    /// (<c>wl_display_add_socket_auto</c>); names whose lock is held by another server are skipped.
    /// </summary>
    /// <returns>The name clients use as <c>WAYLAND_DISPLAY</c> (for example <c>wayland-1</c>).</returns>
    /// <exception cref="WaylandIOException">No name is free, XDG_RUNTIME_DIR is missing, or socket/bind/listen failed.</exception>
    public string AddSocketAuto() => AddSocketAutoCore(Environment.GetEnvironmentVariable);

    /// <summary>
    /// Accepts clients on an already bound and listening socket (<c>wl_display_add_socket_fd</c>), for example one
    /// inherited through socket activation. The display takes ownership; no file is unlinked for it.
    /// </summary>
    /// <exception cref="ArgumentException">The descriptor is not a socket.</exception>
    public void AddSocketFd(SafeFdHandle socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ThrowIfDisposed();
        if (ServerSocketOps.DescriptorMode(socket.Fd, out uint mode, out _) < 0 || (mode & Native.S_IFMT) != Native.S_IFSOCK)
        {
            throw new ArgumentException($"fd {socket.Fd} is not a socket", nameof(socket));
        }

        Listen(new ListeningSocket(socket, path: null, name: null, lockFd: null, lockPath: null));
    }

    internal string AddSocketCore(string? name, Func<string, string?> environment)
    {
        ThrowIfDisposed();
        name ??= environment("WAYLAND_DISPLAY") ?? "wayland-0";
        string path = ResolveSocketPath(name, environment);
        ListeningSocket? socket = TryLockAndBind(path, name, out WaylandIOException? error);
        if (socket is null)
        {
            throw error!;
        }

        Listen(socket);
        return path;
    }

    internal string AddSocketAutoCore(Func<string, string?> environment)
    {
        ThrowIfDisposed();
        for (int number = 0; number <= MaxAutoSocketNumber; number++)
        {
            string name = $"wayland-{number}";
            string path = ResolveSocketPath(name, environment);
            ListeningSocket? socket = TryLockAndBind(path, name, out WaylandIOException? error);
            if (socket is not null)
            {
                Listen(socket);
                return name;
            }

            // Only a lock held by another server means "in use, try the next name"; a missing directory is the same for
            // every name, and so is any other failure.
            if (error!.Operation != "flock" && (error.Operation != "open" || error.Errno is Errno.ENOENT or Errno.ENOTDIR))
            {
                throw error;
            }
        }

        throw new WaylandIOException(Errno.EINVAL, "add_socket_auto",
            $"no free Wayland socket name: wayland-0 to wayland-{MaxAutoSocketNumber} are all in use in {environment("XDG_RUNTIME_DIR")}");
    }

    /// <summary>An absolute name is the path; a relative one lives in an absolute <c>$XDG_RUNTIME_DIR</c>.</summary>
    internal static string ResolveSocketPath(string name, Func<string, string?> environment)
    {
        string path;
        if (name.StartsWith('/'))
        {
            path = name;
        }
        else
        {
            string? runtime = environment("XDG_RUNTIME_DIR");
            if (string.IsNullOrEmpty(runtime) || !runtime.StartsWith('/'))
            {
                throw new WaylandIOException(Errno.ENOENT, "add_socket",
                    runtime is null or ""
                        ? "XDG_RUNTIME_DIR is not set in the environment; set it to an absolute directory (or pass an absolute socket path)"
                        : $"XDG_RUNTIME_DIR is not an absolute path: '{runtime}'");
            }

            path = $"{runtime}/{name}";
        }

        if (Encoding.UTF8.GetByteCount(path) + 1 > Native.SunPathLength)
        {
            throw new WaylandIOException(Errno.ENAMETOOLONG, "add_socket",
                $"socket path \"{path}\" plus null terminator exceeds {Native.SunPathLength} bytes");
        }

        return path;
    }

    /// <summary>Takes the lock, removes a stale socket file, binds and listens (<c>wl_socket_lock</c> + <c>_wl_display_add_socket</c>).</summary>
    private static ListeningSocket? TryLockAndBind(string path, string name, out WaylandIOException? error)
    {
        string lockPath = path + LockSuffix;
        int lockFd = ServerSocketOps.OpenAndLock(lockPath, out bool lockFailed, out int errno);
        if (lockFd < 0)
        {
            error = lockFailed
                ? new WaylandIOException(errno, "flock", $"unable to lock lockfile {lockPath}, maybe another compositor is running")
                : errno is Errno.ENOENT or Errno.ENOTDIR
                    ? new WaylandIOException(errno, "open", $"the directory {Path.GetDirectoryName(lockPath)} does not exist (or is not a directory), "
                        + "so the socket cannot be created there; check XDG_RUNTIME_DIR or the socket path")
                    : new WaylandIOException(errno, "open", $"unable to open lockfile {lockPath}: {Marshal.GetPInvokeErrorMessage(errno)}");
            return null;
        }

        SafeFdHandle lockHandle = new(lockFd);
        if (ServerSocketOps.LinkMode(path, out uint mode, out errno) < 0)
        {
            if (errno != Errno.ENOENT)
            {
                error = new WaylandIOException(errno, "lstat", $"cannot stat {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
                Release(lockHandle, lockPath);
                return null;
            }
        }
        else if ((mode & Native.S_IFMT) != Native.S_IFSOCK)
        {
            // Never remove what is not a socket: a directory or a file at the path is the caller's mistake, not a leftover.
            string what = (mode & Native.S_IFMT) == Native.S_IFDIR ? "a directory" : "a file that is not a socket";
            error = new WaylandIOException((mode & Native.S_IFMT) == Native.S_IFDIR ? Errno.EISDIR : Errno.EEXIST, "bind",
                $"cannot listen on {path}: it is {what}; give the path of a socket to create");
            Release(lockHandle, lockPath);
            return null;
        }
        else if ((mode & (Native.S_IWUSR | Native.S_IWGRP)) != 0)
        {
            // We hold the lock, so whoever created this socket is gone: it is stale.
            ServerSocketOps.Unlink(path, out _);
        }

        int fd = ServerSocketOps.Listen(path, out errno);
        if (fd < 0)
        {
            error = new WaylandIOException(errno, "bind", $"cannot listen on {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
            Release(lockHandle, lockPath);
            return null;
        }

        error = null;
        return new ListeningSocket(new SafeFdHandle(fd), path, name, lockHandle, lockPath);
    }

    private static void Release(SafeFdHandle lockHandle, string lockPath)
    {
        ServerSocketOps.Unlink(lockPath, out _);
        lockHandle.Dispose();
    }

    private void Listen(ListeningSocket socket)
    {
        try
        {
            socket.Source = Loop.AddFd(socket.Socket.Fd, FdEvents.Readable, (_, _) => Accept(socket));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _sockets.Add(socket);
    }

    /// <summary>A client is connecting: accept it (close-on-exec) and create its <see cref="Client"/>.</summary>
    private void Accept(ListeningSocket listener)
    {
        int fd = ServerSocketOps.Accept(listener.Socket.Fd, out int errno);
        if (fd < 0)
        {
            if (ShouldLog(LogLevel.Error, null))
            {
                ServerLog.AcceptFailed(Log, Marshal.GetPInvokeErrorMessage(errno));
            }

            if (errno is not (Errno.EAGAIN or Errno.ECONNABORTED))
            {
                // Out of descriptors or memory: the connection stays pending and the socket readable, so watching it
                // now would spin the loop. Try again a little later.
                PauseAccepting();
            }

            return;
        }

        SafeFdHandle socket = new(fd);
        if (!AdmitConnection(fd))
        {
            socket.Dispose();
            return;
        }

        try
        {
            NewClient(socket, accepted: true);
        }
        catch (WaylandException e)
        {
            if (ShouldLog(LogLevel.Warning, null))
            {
                ServerLog.ClientNotCreated(Log, e.Message);
            }
        }
        catch (Exception e)
        {
            // Thrown by a ClientCreated handler; CreateClient has disconnected that client already.
            ReportHandlerException("Display.ClientCreated handler", e, null);
        }
    }

    /// <summary>Stops watching the listening sockets for <see cref="AcceptPause"/> after accept failed for want
    /// of resources.</summary>
    private void PauseAccepting()
    {
        foreach (ListeningSocket socket in _sockets)
        {
            socket.Source?.Update(FdEvents.None);
        }

        _acceptTimer ??= Loop.AddTimer(() =>
        {
            foreach (ListeningSocket socket in _sockets)
            {
                socket.Source?.Update(FdEvents.Readable);
            }
        });
        _acceptTimer.Update((int)AcceptPause.TotalMilliseconds);
    }

    private void CloseSockets()
    {
        foreach (ListeningSocket socket in _sockets)
        {
            socket.Dispose();
        }

        _sockets.Clear();
    }
}
