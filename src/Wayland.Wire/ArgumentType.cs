namespace Wayland.Wire;

/// <summary>The wire types of message arguments, with libwayland's signature letters.</summary>
public enum ArgumentType : byte
{
    /// <summary>Signed 32-bit integer (<c>i</c>).</summary>
    Int,

    /// <summary>Unsigned 32-bit integer (<c>u</c>).</summary>
    UInt,

    /// <summary>Signed 24.8 fixed point (<c>f</c>).</summary>
    Fixed,

    /// <summary>Length-prefixed, NUL-terminated UTF-8 string (<c>s</c>).</summary>
    String,

    /// <summary>Id of an existing object (<c>o</c>).</summary>
    Object,

    /// <summary>Id of an object the message creates (<c>n</c>); untyped when the message has no interface
    /// for it, and then travels as interface name, version and id.</summary>
    NewId,

    /// <summary>Length-prefixed byte array (<c>a</c>).</summary>
    Array,

    /// <summary>File descriptor (<c>h</c>), carried out of band with SCM_RIGHTS.</summary>
    Fd,
}
