using System.Text;
using Wayland.Wire;

namespace Wayland.Trace.Decoding;

/// <summary>One request or event: its wire descriptor (for <see cref="WireParser"/>), its arguments and its counters.</summary>
internal sealed class TraceMessage
{
    public TraceMessage(TraceInterface owner, bool isRequest, MessageDescriptor descriptor, TraceArgument[] arguments)
    {
        Owner = owner;
        IsRequest = isRequest;
        Descriptor = descriptor;
        Arguments = arguments;
        NameUtf8 = Encoding.UTF8.GetBytes(descriptor.Name);
    }

    public TraceInterface Owner { get; }

    public bool IsRequest { get; }

    public MessageDescriptor Descriptor { get; }

    public string Name => Descriptor.Name;

    public byte[] NameUtf8 { get; }

    public TraceArgument[] Arguments { get; }

    /// <summary>How many times it was seen (for --summary).</summary>
    public long Count { get; set; }

    /// <summary>Bytes of those messages, headers included.</summary>
    public long Bytes { get; set; }

    /// <summary>The filter's verdict on interface.message, cached: 0 not yet asked, 1 shown, -1 hidden.</summary>
    public sbyte FilterVerdict { get; set; }

    public override string ToString() => $"{Owner.Name}.{Name}";
}
