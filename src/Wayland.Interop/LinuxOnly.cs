namespace Wayland.Interop;

/// <summary>
/// The runtime check behind the library's Linux-only nature. The assemblies carry no
/// <c>[SupportedOSPlatform("linux")]</c>: that would make the platform analyzer flag every call site in a consumer's
/// ordinary <c>net10.0</c> project. Instead each way in to the kernel (a socket, a memfd, an epoll instance) asks here
/// first, so on another operating system the first such call fails with a clear exception, not a missing libc.
/// </summary>
internal static class LinuxOnly
{
    /// <summary>Throws <see cref="PlatformNotSupportedException"/> unless the process runs on Linux.</summary>
    internal static void Check()
    {
        // OperatingSystem.IsLinux is a constant to the JIT and to NativeAOT: on Linux this costs nothing.
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException(
                "Wayland for .NET runs on Linux only: it talks to the kernel directly (AF_UNIX sockets with SCM_RIGHTS, memfd, epoll).");
        }
    }
}
