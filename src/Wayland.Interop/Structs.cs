using System.Runtime.InteropServices;

namespace Wayland.Interop;

// Layouts are those of 64-bit Linux (x86_64 and aarch64, LP64).

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct IoVec
{
    internal void* Base;
    internal nuint Length;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct MsgHdr
{
    internal void* Name;
    internal uint NameLength;
    internal IoVec* Iov;
    internal nuint IovLength;
    internal void* Control;
    internal nuint ControlLength;
    internal int Flags;
}

[StructLayout(LayoutKind.Sequential)]
internal struct CMsgHdr
{
    internal nuint Length;
    internal int Level;
    internal int Type;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SockAddrUn
{
    internal ushort Family;
    internal fixed byte Path[Native.SunPathLength];
}

[StructLayout(LayoutKind.Sequential)]
internal struct UCred
{
    internal int Pid;
    internal uint Uid;
    internal uint Gid;
}

[StructLayout(LayoutKind.Sequential)]
internal struct TimeSpec
{
    internal long Seconds;
    internal long Nanoseconds;
}

[StructLayout(LayoutKind.Sequential)]
internal struct ITimerSpec
{
    internal TimeSpec Interval;
    internal TimeSpec Value;
}

[StructLayout(LayoutKind.Sequential)]
internal struct PollFd
{
    internal int Fd;
    internal short Events;
    internal short REvents;
}

/// <summary>glibc's <c>sigset_t</c>: 1024 bits.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct SigSet
{
    internal fixed ulong Bits[16];

    internal void Add(int signal) => Bits[(signal - 1) / 64] |= 1UL << ((signal - 1) % 64);
}

/// <summary><c>struct statx</c> (256 bytes, the same on every architecture).</summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct StatxBuffer
{
    [FieldOffset(0)] internal uint Mask;
    [FieldOffset(28)] internal ushort Mode;
    [FieldOffset(32)] internal ulong Inode;
    [FieldOffset(40)] internal ulong Size;
    [FieldOffset(136)] internal uint DevMajor;
    [FieldOffset(140)] internal uint DevMinor;
}

/// <summary><c>struct epoll_event</c> as x86_64 lays it out (packed, 12 bytes).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct EpollEventPacked
{
    internal uint Events;
    internal ulong Data;
}

/// <summary><c>struct epoll_event</c> as every other 64-bit architecture lays it out (16 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct EpollEventAligned
{
    internal uint Events;
    internal ulong Data;
}

/// <summary>One epoll event in a layout-neutral form (the native struct is packed on x86_64 only).</summary>
internal struct EpollEvent
{
    internal uint Events;
    internal ulong Data;
}

/// <summary><c>struct signalfd_siginfo</c> (128 bytes); only the fields we read.</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct SignalfdSiginfo
{
    [FieldOffset(0)] internal uint Signo;
}

[StructLayout(LayoutKind.Sequential)]
internal struct RLimit
{
    internal ulong Current;
    internal ulong Maximum;
}
