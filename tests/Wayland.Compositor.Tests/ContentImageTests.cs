using Wayland.Compositor.Surfaces;

namespace Wayland.Compositor.Tests;

/// <summary>
/// Surface content in native memory: freed when let go, never readable after that. An access open when the content is
/// freed keeps the memory until it ends; opening freed content throws rather than reading freed memory.
/// </summary>
public sealed class ContentImageTests
{
    private const long MiB = 1L << 20;

    [Fact]
    public void Content_freed_while_open_stays_readable_until_the_access_ends_and_cannot_be_opened_after()
    {
        ContentMemory memory = new(maxBytesPerClient: 0);
        ContentImage image = ContentImage.TryCreate(memory, 1024, 512)!; // 2 MiB: freed on the releasing thread
        Assert.Equal(2 * MiB, memory.NativeBytes);
        using (ContentImage.Access pixels = image.Open())
        {
            Assert.Equal(0u, pixels.GetRow(511)[1023]); // made zeroed: nothing of earlier content shows
            pixels.Pixels.Fill(0xFF00FF00);
            image.Dispose();
            Assert.Equal(2 * MiB, memory.NativeBytes);
            Assert.Equal(0xFF00FF00u, pixels.GetRow(511)[1023]);
            Assert.Throws<ArgumentOutOfRangeException>(() => Row(image, 512));
        }

        for (long deadline = Environment.TickCount64 + 5000; memory.NativeBytes != 0 && Environment.TickCount64 < deadline;)
        {
            Thread.Sleep(10);
        }

        Assert.Equal(0, memory.NativeBytes);
        Assert.Throws<ObjectDisposedException>(() => Row(image, 0));
    }

    [Fact]
    public void Small_content_is_freed_at_once_on_the_thread_that_lets_it_go()
    {
        ContentMemory memory = new(maxBytesPerClient: 0);
        ContentImage image = ContentImage.TryCreate(memory, 32, 32)!;
        Assert.Equal(4096, memory.NativeBytes);
        image.Dispose();
        Assert.Equal(0, memory.NativeBytes);
        Assert.Throws<ObjectDisposedException>(() => Row(image, 0));
    }

    /// <summary>Opens <paramref name="image"/> and reads the first pixel of row <paramref name="y"/>.</summary>
    private static uint Row(ContentImage image, int y)
    {
        using ContentImage.Access pixels = image.Open();
        return pixels.GetRow(y)[0];
    }
}
