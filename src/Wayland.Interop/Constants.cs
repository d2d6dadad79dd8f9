namespace Wayland.Interop;

/// <summary>Linux constants used by the interop layer (identical on x86_64 and aarch64).</summary>
internal static class Native
{
    internal const int AF_UNIX = 1;
    internal const int SOCK_STREAM = 1;
    internal const int SOCK_NONBLOCK = 0x800;
    internal const int SOCK_CLOEXEC = 0x80000;

    internal const int SOL_SOCKET = 1;
    internal const int SO_PEERCRED = 17;
    internal const int SCM_RIGHTS = 1;

    internal const int MSG_CTRUNC = 0x8;
    internal const int MSG_DONTWAIT = 0x40;
    internal const int MSG_NOSIGNAL = 0x4000;
    internal const int MSG_CMSG_CLOEXEC = 0x40000000;

    internal const int F_GETFD = 1;
    internal const int F_SETFD = 2;
    internal const int F_GETFL = 3;
    internal const int F_SETFL = 4;
    internal const int F_DUPFD_CLOEXEC = 1030;
    internal const int RLIMIT_NOFILE = 7;
    internal const uint SIOCOUTQ = 0x5411; // TIOCOUTQ
    internal const int F_ADD_SEALS = 1033;
    internal const int F_GET_SEALS = 1034;
    internal const int FD_CLOEXEC = 1;
    internal const int O_NONBLOCK = 0x800;

    internal const int F_SEAL_SEAL = 0x1;
    internal const int F_SEAL_SHRINK = 0x2;
    internal const int F_SEAL_GROW = 0x4;
    internal const int F_SEAL_WRITE = 0x8;

    internal const uint MFD_CLOEXEC = 0x1;
    internal const uint MFD_ALLOW_SEALING = 0x2;

    internal const int LOCK_EX = 2;
    internal const int LOCK_NB = 4;
    internal const int LOCK_UN = 8;

    internal const int PROT_READ = 1;
    internal const int PROT_WRITE = 2;
    internal const int MAP_SHARED = 1;

    internal const int AT_EMPTY_PATH = 0x1000;
    internal const uint STATX_BASIC_STATS = 0x7ff;

    internal const int EPOLL_CLOEXEC = 0x80000;
    internal const int EPOLL_CTL_ADD = 1;
    internal const int EPOLL_CTL_DEL = 2;
    internal const int EPOLL_CTL_MOD = 3;
    internal const uint EPOLLIN = 0x1;
    internal const uint EPOLLOUT = 0x4;
    internal const uint EPOLLERR = 0x8;
    internal const uint EPOLLHUP = 0x10;
    internal const uint EPOLLET = 0x80000000;

    internal const int CLOCK_MONOTONIC = 1;
    internal const int TFD_NONBLOCK = 0x800;
    internal const int TFD_CLOEXEC = 0x80000;
    internal const int SFD_NONBLOCK = 0x800;
    internal const int SFD_CLOEXEC = 0x80000;
    internal const int EFD_NONBLOCK = 0x800;
    internal const int EFD_CLOEXEC = 0x80000;

    internal const int SIG_BLOCK = 0;
    internal const int SIG_UNBLOCK = 1;

    internal const short POLLIN = 0x1;
    internal const short POLLOUT = 0x4;

    internal const int O_RDWR = 0x2;
    internal const int O_CREAT = 0x40;
    internal const int O_CLOEXEC = 0x80000;

    internal const int AT_FDCWD = -100;
    internal const int AT_SYMLINK_NOFOLLOW = 0x100;

    internal const uint S_IFMT = 0xf000;
    internal const uint S_IFSOCK = 0xc000;
    internal const uint S_IFDIR = 0x4000;
    internal const uint S_IWUSR = 0x80;
    internal const uint S_IWGRP = 0x10;

    internal const int MREMAP_MAYMOVE = 1;
    internal const int TFD_TIMER_ABSTIME = 1;

    /// <summary>Listen backlog libwayland uses for its sockets.</summary>
    internal const int ListenBacklog = 128;

    /// <summary>Longest <c>sun_path</c>, including the terminating NUL.</summary>
    internal const int SunPathLength = 108;
}

/// <summary>errno values the project reacts to: the one place their names are defined.</summary>
internal static class Errno
{
    internal const int EINTR = 4;
    internal const int EBADF = 9;
    internal const int EAGAIN = 11;
    internal const int ENOMEM = 12;
    internal const int EACCES = 13;
    internal const int EINVAL = 22;
    internal const int EMFILE = 24;
    internal const int EPIPE = 32;
    internal const int ENOSYS = 38;
    internal const int EPROTO = 71;
    internal const int EOVERFLOW = 75;
    internal const int EADDRINUSE = 98;
    internal const int ECONNABORTED = 103;
    internal const int ECONNRESET = 104;
    internal const int ECONNREFUSED = 111;
    internal const int ENAMETOOLONG = 36;
    internal const int ENOTSOCK = 88;
    internal const int ENOENT = 2;
    internal const int ENOTDIR = 20;
    internal const int EISDIR = 21;
    internal const int EEXIST = 17;
    internal const int EPERM = 1;
    internal const int ESRCH = 3;
    internal const int ENOSPC = 28;
    internal const int EWOULDBLOCK = EAGAIN;

    /// <summary>errno of the last P/Invoke call made on this thread.</summary>
    internal static int Last => System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
}
