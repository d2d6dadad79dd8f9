using System.Text;
using Wayland.Compositor;
using Wayland.Compositor.Web;

namespace Wayland.Web.Tests;

/// <summary>The pieces under the web view: tile damage and its rectangles, the page's messages, the key table.</summary>
public sealed class DamageAndInputTests
{
    [Fact]
    public void Damage_is_the_changed_tiles_merged_into_few_rectangles()
    {
        TileDamage grid = new(200, 150, 64); // 4 x 3 tiles, the last column 8 wide and the last row 22 high
        Image before = new(200, 150);
        Image after = new(200, 150);
        bool[] damaged = new bool[grid.TileCount];
        Assert.Equal(0, grid.Diff(before, after, damaged));

        // One pixel in tile (1, 0), a block across tiles (0..1, 1..2), and the last pixel of the output.
        after.SetPixel(70, 3, 0xFF00FF00);
        for (int y = 100; y < 140; y++)
        {
            after.SetPixel(10, y, 0xFFFF0000);
            after.SetPixel(100, y, 0xFFFF0000);
        }

        after.SetPixel(199, 149, 0xFF0000FF);
        Assert.Equal(6, grid.Diff(before, after, damaged));
        List<Rect> rectangles = [];
        grid.ToRectangles(damaged, rectangles);
        Assert.Equal([new Rect(64, 0, 64, 64), new Rect(0, 64, 128, 86), new Rect(192, 128, 8, 22)], rectangles);
    }

    [Fact]
    public async Task A_slow_viewer_gets_the_newest_capture_with_all_the_damage_it_missed()
    {
        ViewerSlot slot = new(4);
        Image first = new(2, 2), second = new(2, 2), third = new(2, 2);
        slot.Offer(first, [true, false, false, false]);
        slot.Offer(second, [false, false, true, false]);
        slot.Offer(third, [false, false, false, false]);
        bool[] damage = new bool[4];
        using CancellationTokenSource timeout = new(TimeSpan.FromSeconds(5));
        Assert.Same(third, await slot.TakeAsync(damage, timeout.Token));
        Assert.Equal([true, false, true, false], damage);

        // Nothing new: the next take waits (one signal for any number of offers, not one per offer).
        Task<Image> next = slot.TakeAsync(damage, timeout.Token);
        await Task.Delay(50);
        Assert.False(next.IsCompleted);
        slot.Offer(first, [false, true, false, false]);
        Assert.Same(first, await next);
        Assert.Equal([false, true, false, false], damage);
    }

    [Theory]
    [InlineData("{\"t\":\"move\",\"x\":12.5,\"y\":480}", "Move")]
    [InlineData("{\"t\":\"button\",\"button\":2,\"down\":false}", "Button")]
    [InlineData("{\"t\":\"scroll\",\"dx\":0,\"dy\":-10}", "Scroll")]
    [InlineData("{\"code\":\"KeyQ\",\"down\":true,\"t\":\"key\"}", "Key")]
    [InlineData("{\"t\":\"ack\"}", "Ack")]
    public void The_page_messages_parse(string json, string kind) =>
        Assert.Equal(kind, ViewerInput.Parse(Encoding.UTF8.GetBytes(json), 640, 480).Kind.ToString());

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("{\"t\":\"move\",\"x\":641,\"y\":0}")]
    [InlineData("{\"t\":\"move\",\"x\":\"1\",\"y\":0}")]
    [InlineData("{\"t\":\"move\",\"x\":1}")]
    [InlineData("{\"t\":\"button\",\"button\":0.5,\"down\":true}")]
    [InlineData("{\"t\":\"scroll\",\"dx\":0,\"dy\":1e9}")]
    [InlineData("{\"t\":\"key\",\"down\":true}")]
    [InlineData("{\"t\":\"key\",\"code\":\"KeyAKeyAKeyAKeyAKeyAKeyAKeyAKeyAKeyA\",\"down\":true}")]
    [InlineData("{\"t\":\"ack\",\"extra\":1}")]
    [InlineData("{\"t\":\"ack\"}{\"t\":\"ack\"}")]
    [InlineData("{\"t\":{\"t\":\"ack\"}}")]
    public void Malformed_or_out_of_range_messages_are_refused(string json) =>
        Assert.Throws<ViewerProtocolException>(() => ViewerInput.Parse(Encoding.UTF8.GetBytes(json), 640, 480));

    [Theory]
    [InlineData("KeyQ", Keys.Q)]
    [InlineData("KeyA", Keys.A)]
    [InlineData("KeyZ", Keys.Z)]
    [InlineData("Digit1", Keys.D1)]
    [InlineData("Digit0", Keys.D0)]
    [InlineData("F10", Keys.F10)]
    [InlineData("F12", Keys.F12)]
    [InlineData("Quote", Keys.Apostrophe)]
    [InlineData("ShiftLeft", Keys.LeftShift)]
    [InlineData("ArrowUp", Keys.Up)]
    public void Browser_key_codes_map_to_evdev(string code, uint evdev)
    {
        Assert.True(BrowserKeys.TryGetEvdev(code, out uint key));
        Assert.Equal(evdev, key);
    }

    [Fact]
    public void Unmapped_browser_keys_are_not_guessed() => Assert.False(BrowserKeys.TryGetEvdev("MediaPlayPause", out _));
}
