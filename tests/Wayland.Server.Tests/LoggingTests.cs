using System.Text.RegularExpressions;
using Wayland.Wire;

namespace Wayland.Server.Tests;

/// <summary><c>WAYLAND_DEBUG=server</c>: libwayland's line format, received requests without an arrow, sent events with one, no queue name.</summary>
public partial class LoggingTests
{
    [Fact]
    public void Requests_and_events_are_logged_in_libwayland_format()
    {
        using StringWriter output = new();
        using Display display = new() { Logger = new ProtocolLogger(output) };
        display.CreateGlobal<TestResource>(2, _ => { });
        using RawClient client = RawClient.Attach(display);
        uint registry = client.GetRegistry();
        client.Bind(registry, 1, TestProtocol.Name, 1);
        client.Roundtrip(display);
        client.Send(1, 5); // an invalid method: the error event is logged, the bad request is not
        client.ExpectError(display);

        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.Matches(Timestamp(), line));
        Assert.Equal(
            [
                "wl_display#1.get_registry(new id wl_registry#2)",
                " -> wl_registry#2.global(1, \"wlt_server\", 2)",
                "wl_registry#2.bind(1, \"wlt_server\", 1, new id [unknown]#3)",
                "wl_display#1.sync(new id wl_callback#4)",
                " -> wl_callback#4.done(0)",
                " -> wl_display#1.delete_id(4)",
                " -> wl_display#1.error(wl_display#1, 1, \"invalid method 5, object wl_display#1\")",
            ],
            lines.Select(line => Timestamp().Replace(line, string.Empty)));
    }

    [Theory]
    [InlineData("server", true)]
    [InlineData("1", true)]
    [InlineData("client", false)]
    [InlineData("client,server", true)]
    [InlineData(null, false)]
    public void WAYLAND_DEBUG_selects_the_server_side(string? value, bool enabled) =>
        Assert.Equal(enabled, ProtocolLogger.IsEnabled(value, server: true));

    [GeneratedRegex(@"^\[\d\d:\d\d:\d\d\.\d{6}\] ")]
    private static partial Regex Timestamp();
}
