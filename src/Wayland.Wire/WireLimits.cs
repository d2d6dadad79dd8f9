namespace Wayland.Wire;

/// <summary>Limits of the wire format, named as libwayland names them.</summary>
public static class WireLimits
{
    /// <summary>Bytes in a message header: sender id, then size and opcode.</summary>
    public const int HeaderSize = 8;

    /// <summary>Largest message in bytes (the size field is 16 bits, libwayland caps messages at 4096).</summary>
    public const int MaxMessageSize = 4096;

    /// <summary>Most arguments in one message (WL_CLOSURE_MAX_ARGS).</summary>
    public const int MaxArguments = 20;

    /// <summary>Most descriptors sent with one sendmsg (MAX_FDS_OUT): the kernel's SCM_MAX_FD is larger, but
    /// libwayland peers receive with a control buffer of this size.</summary>
    public const int MaxFdsPerSend = 28;

    /// <summary>Default (and smallest) connection buffer size in bytes.</summary>
    public const int DefaultBufferSize = 4096;

    /// <summary>Last id of the client's range.</summary>
    public const uint ClientIdMax = 0xfeffffff;

    /// <summary>First id of the server's range.</summary>
    public const uint ServerIdStart = 0xff000000;

    /// <summary>Most objects per side of a map (WL_MAP_MAX_OBJECTS).</summary>
    public const uint MaxObjectsPerSide = 0x00f00000;
}
