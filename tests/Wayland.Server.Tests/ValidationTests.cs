using System.Buffers.Binary;
using Wayland.Events;
using Wayland.Protocols;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary>
/// The request validation ladder, in libwayland-server's order and with its texts: each malformed request is sent
/// byte for byte from a raw socket; the error goes to that client alone, which is then disconnected, while a
/// well-behaved client on the same display keeps being served. No descriptor may leak.
/// </summary>
public sealed class ValidationTests : IDisposable
{
    private const uint InvalidObject = (uint)WlDisplayError.InvalidObject;
    private const uint InvalidMethod = (uint)WlDisplayError.InvalidMethod;
    private const uint Implementation = (uint)WlDisplayError.Implementation;

    private readonly OpenFds.Snapshot _fdsBefore = WarmUp();
    private readonly CollectingLogger _log = new();
    private readonly Display _display;
    private readonly RawClient _bad;
    private readonly RawClient _good;
    private readonly Client _badClient;
    private readonly List<TestResource> _bound = [];
    private readonly uint _object;

    public ValidationTests()
    {
        _display = new(_log);
        Global global = _display.CreateGlobal<TestResource>(1, _bound.Add);
        _bad = RawClient.Attach(_display, out _badClient);
        _good = RawClient.Attach(_display);
        uint registry = _bad.GetRegistry();
        _object = _bad.Bind(registry, global.Name, TestProtocol.Name, 1);
        _bad.Roundtrip(_display);
        _good.Roundtrip(_display);
    }

    public void Dispose()
    {
        // The well-behaved client is still served after the bad one was disconnected; the bad one is
        // disconnected exactly when it got an error.
        _good.Roundtrip(_display);
        Assert.Equal(_bad.Closed, _badClient.IsDestroyed);
        Assert.Equal(_bad.Closed ? 1 : 2, _display.Clients.Count);
        foreach (TestResource resource in _bound)
        {
            resource.Fds.ForEach(fd => fd.Dispose());
        }

        _bad.Dispose();
        _good.Dispose();
        _display.Dispose();
        OpenFds.AssertUnchanged(_fdsBefore);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(11)]
    public void Bogus_sizes_are_invalid_arguments(int size)
    {
        // connection-test.c request_bogus_size: 12 real bytes of wl_display.sync, a size field of 0 to 11.
        byte[] message = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(message, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(4), (uint)size << 16);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8), _bad.NextId);
        _bad.SendRaw(message);
        _bad.ExpectError(_display, 1, InvalidMethod, "invalid arguments for wl_display#1.sync");
        Assert.True(_badClient.IsDestroyed);
    }

    [Fact]
    public void A_message_longer_than_4096_bytes_is_refused_before_it_arrives()
    {
        byte[] header = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(header, 1);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), 4100u << 16);
        _bad.SendRaw(header);
        _bad.ExpectError(_display, 1, InvalidMethod, "message length 4100 exceeds 4096");
    }

    [Fact]
    public void An_unknown_object_is_invalid_object()
    {
        _bad.Send(77, 0);
        _bad.ExpectError(_display, 1, InvalidObject, "invalid object 77");
    }

    [Fact]
    public void A_destroyed_object_is_unknown()
    {
        _bad.Send(_object, TestProtocol.Destroy);
        _bad.Send(_object, TestProtocol.Nop);
        _bad.ExpectError(_display, 1, InvalidObject, $"invalid object {_object}");
        Assert.Contains(_bad.Received, m => m.IsDeleteId && m.Word(0) == _object);
    }

    [Fact]
    public void An_opcode_out_of_range_is_invalid_method()
    {
        _bad.Send(1, 5);
        _bad.ExpectError(_display, 1, InvalidMethod, "invalid method 5, object wl_display#1");
    }

    [Fact]
    public void A_request_newer_than_the_object_is_invalid_method()
    {
        _bad.Send(_object, TestProtocol.Since2);
        _bad.ExpectError(_display, 1, InvalidMethod, $"invalid method {TestProtocol.Since2} (since 1 < 2), object wlt_server#{_object}");
    }

    [Theory]
    [InlineData(0u)] // null new id
    [InlineData(1u)] // in use (wl_display)
    [InlineData(9u)] // not the next id
    [InlineData(0xff000000u)] // the server's range
    public void A_bad_new_id_is_invalid_arguments(uint id)
    {
        _bad.Send(1, WlDisplayInterface.Requests.Sync, (ref MessageWriter w) => w.WriteNewId(id));
        _bad.ExpectError(_display, 1, InvalidMethod, "invalid arguments for wl_display#1.sync");
    }

    [Fact]
    public void A_freed_id_may_be_reused_at_once()
    {
        uint created = _bad.NextId++;
        _bad.Send(_object, TestProtocol.Create, (ref MessageWriter w) => w.WriteNewId(created));
        _bad.Send(created, TestProtocol.Destroy);
        _bad.Send(_object, TestProtocol.Create, (ref MessageWriter w) => w.WriteNewId(created));
        _bad.Roundtrip(_display);
        Assert.Equal([$"create(wlt_server#{created})", $"create(wlt_server#{created})"], _bound[0].Calls);
    }

    [Fact]
    public void A_string_without_its_NUL_is_invalid_arguments()
    {
        byte[] message = Message(_object, TestProtocol.Str, [3, 0x00636261]); // length 3, "abc" with no NUL
        message[14] = (byte)'c';
        message[15] = (byte)'d';
        _bad.SendRaw(message);
        _bad.ExpectError(_display, 1, InvalidMethod, $"invalid arguments for wlt_server#{_object}.str");
    }

    [Fact]
    public void A_string_with_an_embedded_NUL_is_invalid_arguments()
    {
        _bad.SendRaw(Message(_object, TestProtocol.Str, [4, 0x00630061])); // "a\0c\0"
        _bad.ExpectError(_display, 1, InvalidMethod, $"invalid arguments for wlt_server#{_object}.str");
    }

    [Fact]
    public void A_null_string_where_none_is_allowed_is_invalid_arguments()
    {
        _bad.Send(_object, TestProtocol.StrNullable, (ref MessageWriter w) => w.WriteNullString());
        _bad.Roundtrip(_display);
        _bad.Send(_object, TestProtocol.Str, (ref MessageWriter w) => w.WriteNullString());
        _bad.ExpectError(_display, 1, InvalidMethod, $"invalid arguments for wlt_server#{_object}.str");
        Assert.Equal(["str_nullable(nil)"], _bound[0].Calls);
    }

    [Fact]
    public void A_string_length_past_the_end_is_invalid_arguments()
    {
        _bad.SendRaw(Message(_object, TestProtocol.Str, [0xfffffff0]));
        _bad.ExpectError(_display, 1, InvalidMethod, $"invalid arguments for wlt_server#{_object}.str");
    }

    [Fact]
    public void An_array_length_past_the_end_is_invalid_arguments()
    {
        _bad.SendRaw(Message(_object, TestProtocol.Arr, [9, 1, 2]));
        _bad.ExpectError(_display, 1, InvalidMethod, $"invalid arguments for wlt_server#{_object}.arr");
    }

    [Fact]
    public void A_missing_fd_is_invalid_arguments()
    {
        _bad.Send(_object, TestProtocol.Fd, (ref MessageWriter w) => w.WriteUInt(7));
        _bad.ExpectError(_display, 1, InvalidMethod, $"invalid arguments for wlt_server#{_object}.fd");
    }

    [Fact]
    public void An_fd_arrives_with_its_request_and_belongs_to_the_handler()
    {
        using SafeFdHandle memfd = TestSupport.Memfd(16);
        _bad.Send(_object, TestProtocol.Fd, (ref MessageWriter w) => w.WriteUInt(7), [memfd.Fd]);
        _bad.Roundtrip(_display);
        Assert.Equal(["fd(7)"], _bound[0].Calls);
        Assert.Single(_bound[0].Fds);
    }

    [Fact]
    public void A_null_object_where_none_is_allowed_is_invalid_arguments()
    {
        _bad.Send(_object, TestProtocol.ObjNullable, (ref MessageWriter w) => w.WriteObject(0));
        _bad.Roundtrip(_display);
        _bad.Send(_object, TestProtocol.Obj, (ref MessageWriter w) => w.WriteObject(0));
        _bad.ExpectError(_display, 1, InvalidMethod, $"invalid arguments for wlt_server#{_object}.obj");
    }

    [Fact]
    public void An_unknown_object_argument_is_invalid_arguments()
    {
        _bad.Send(_object, TestProtocol.Obj, (ref MessageWriter w) => w.WriteObject(55));
        _bad.ExpectError(_display, 1, InvalidMethod, $"invalid arguments for wlt_server#{_object}.obj");
    }

    [Fact]
    public void An_object_argument_of_another_interface_is_invalid_arguments()
    {
        _bad.Send(_object, TestProtocol.Obj, (ref MessageWriter w) => w.WriteObject(1)); // wl_display
        _bad.ExpectError(_display, 1, InvalidMethod, $"invalid arguments for wlt_server#{_object}.obj");
    }

    [Fact]
    public void A_valid_object_argument_reaches_the_handler()
    {
        _bad.Send(_object, TestProtocol.Obj, (ref MessageWriter w) => w.WriteObject(_object));
        _bad.Roundtrip(_display);
        Assert.Equal([$"obj(wlt_server#{_object})"], _bound[0].Calls);
    }

    [Fact]
    public void A_handler_exception_becomes_an_implementation_error_for_that_client_only()
    {
        _bad.Send(_object, TestProtocol.Throw);
        _bad.ExpectError(_display, 1, Implementation, $"wlt_server#{_object}.throw: InvalidOperationException: handler bug");
        Assert.Contains(_log.Lines, line => line.Contains("handler bug", StringComparison.Ordinal));
    }

    [Fact]
    public void Requests_after_the_bad_one_are_not_dispatched()
    {
        byte[] bad = Message(77, 0, []);
        byte[] good = Message(_object, TestProtocol.Nop, []);
        _bad.SendRaw([.. bad, .. good]);
        _bad.ExpectError(_display, 1, InvalidObject, "invalid object 77");
        Assert.Empty(_bound[0].Calls);
    }

    [Fact]
    public void Errors_are_cut_to_127_bytes_as_libwayland_does()
    {
        _bound[0].PostError(3, new string('x', 300));
        WireMessage error = _bad.ExpectError(_display);
        Assert.Equal(new string('x', 127), error.String(2));
        Assert.Equal(_object, error.Word(0));
    }

    /// <summary>Formatting a stack trace opens the pdbs once per process: do it before counting descriptors.</summary>
    private static OpenFds.Snapshot WarmUp()
    {
        using (EventLoop loop = new())
        {
            loop.AddIdle(() => _ = Record.Exception(() => loop.Dispatch(TimeSpan.Zero))?.ToString());
            loop.Dispatch(TimeSpan.Zero);
        }

        return OpenFds.Take();
    }

    private static byte[] Message(uint objectId, ushort opcode, uint[] words)
    {
        byte[] message = new byte[8 + (words.Length * 4)];
        BinaryPrimitives.WriteUInt32LittleEndian(message, objectId);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(4), ((uint)message.Length << 16) | opcode);
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(8 + (i * 4)), words[i]);
        }

        return message;
    }
}
