using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>
/// A test-only interface, <c>wlt_server</c> version 3, with one request per argument kind the validation ladder
/// checks, and events for server-created objects and fds.
/// </summary>
internal static class TestProtocol
{
    internal const string Name = "wlt_server";

    internal const ushort Nop = 0;
    internal const ushort Str = 1;
    internal const ushort StrNullable = 2;
    internal const ushort Obj = 3;
    internal const ushort ObjNullable = 4;
    internal const ushort Create = 5;
    internal const ushort Fd = 6;
    internal const ushort Arr = 7;
    internal const ushort Throw = 8;
    internal const ushort Since2 = 9;
    internal const ushort Destroy = 10;
    internal const ushort Blob = 0;
    internal const ushort Created = 1;
    internal const ushort FdEvent = 2;
    internal const ushort Since3 = 3;

    internal static readonly InterfaceDescriptor Descriptor = Build();

    private static InterfaceDescriptor Build()
    {
        InterfaceDescriptor? self = null;
        InterfaceDescriptor Self() => self!;
        ArgumentDescriptor Arg(string name, ArgumentType type, bool nullable = false, string? iface = null) =>
            new(name, type, nullable, iface, iface is null ? null : Self);
        MessageDescriptor[] requests =
        [
            new("nop", Nop, 1, []),
            new("str", Str, 1, [Arg("s", ArgumentType.String)]),
            new("str_nullable", StrNullable, 1, [Arg("s", ArgumentType.String, nullable: true)]),
            new("obj", Obj, 1, [Arg("o", ArgumentType.Object, iface: Name)]),
            new("obj_nullable", ObjNullable, 1, [Arg("o", ArgumentType.Object, nullable: true, iface: Name)]),
            new("create", Create, 1, [Arg("id", ArgumentType.NewId, iface: Name)]),
            new("fd", Fd, 1, [Arg("f", ArgumentType.Fd), Arg("u", ArgumentType.UInt)]),
            new("arr", Arr, 1, [Arg("a", ArgumentType.Array)]),
            new("throw", Throw, 1, []),
            new("since2", Since2, 2, []),
            new("destroy", Destroy, 1, [], isDestructor: true),
        ];
        MessageDescriptor[] events =
        [
            new("blob", Blob, 1, [Arg("a", ArgumentType.Array)]),
            new("created", Created, 1, [Arg("id", ArgumentType.NewId, iface: Name)]),
            new("fd_event", FdEvent, 1, [Arg("f", ArgumentType.Fd)]),
            new("since3", Since3, 3, []),
        ];
        self = new InterfaceDescriptor(Name, 3, requests, events);
        return self;
    }
}

/// <summary>A resource of <c>wlt_server</c> that records the requests it gets.</summary>
internal sealed class TestResource : Resource, IResourceFactory<TestResource>
{
    private TestResource()
        : base(TestProtocol.Descriptor)
    {
    }

    internal List<string> Calls { get; } = [];

    static InterfaceDescriptor IResourceFactory<TestResource>.Interface => TestProtocol.Descriptor;

    static TestResource IResourceFactory<TestResource>.Create() => new();

    /// <summary>Keeps fds handed to the fd request instead of letting the runtime close them.</summary>
    internal List<SafeFdHandle> Fds { get; } = [];

    internal void SendBlob(ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[WireLimits.MaxMessageSize];
        MessageWriter writer = new(buffer, Id, TestProtocol.Blob);
        writer.WriteArray(data);
        SendEvent(TestProtocol.Blob, writer.Finish(), default);
    }

    internal TestResource SendCreated()
    {
        Span<byte> buffer = stackalloc byte[12];
        MessageWriter writer = new(buffer, Id, TestProtocol.Created);
        int at = writer.Length;
        writer.WriteNewId(0);
        writer.Finish();
        return SendEventConstructor<TestResource>(TestProtocol.Created, buffer, default, at);
    }

    internal void SendFd(int fd)
    {
        Span<byte> buffer = stackalloc byte[8];
        Span<int> fds = stackalloc int[1];
        MessageWriter writer = new(buffer, Id, TestProtocol.FdEvent, fds);
        writer.WriteFd(fd);
        SendEvent(TestProtocol.FdEvent, writer.Finish(), writer.Fds);
    }

    internal void SendSince3()
    {
        Span<byte> buffer = stackalloc byte[8];
        MessageWriter writer = new(buffer, Id, TestProtocol.Since3);
        SendEvent(TestProtocol.Since3, writer.Finish(), default);
    }

    protected override void DispatchRequest(ushort opcode, in MessageArguments args)
    {
        switch (opcode)
        {
            case TestProtocol.Str:
            case TestProtocol.StrNullable:
                Calls.Add($"{args.Descriptor.Name}({args.GetString(0) ?? "nil"})");
                break;
            case TestProtocol.Obj:
            case TestProtocol.ObjNullable:
                Calls.Add($"{args.Descriptor.Name}({ResolveObject<TestResource>(args.GetObjectId(0))?.ToString() ?? "nil"})");
                break;
            case TestProtocol.Create:
                Calls.Add($"create({ResolveObject<TestResource>(args.GetObjectId(0))})");
                break;
            case TestProtocol.Fd:
                Fds.Add(args.TakeFd(0));
                Calls.Add($"fd({args.GetUInt(1)})");
                break;
            case TestProtocol.Arr:
                Calls.Add($"arr({args.GetArray(0).Length})");
                break;
            case TestProtocol.Throw:
                throw new InvalidOperationException("handler bug");
            default:
                Calls.Add(args.Descriptor.Name);
                break;
        }
    }

    protected override Resource? CreateRequestObject(ushort opcode, int argument) =>
        opcode == TestProtocol.Create ? NewResource<TestResource>() : null;
}
