using Wayland.Client;
using Wayland.Protocols;

namespace Wayland.Compositor.Tests;

/// <summary>
/// Damage as rectangles, driven by a Wayland.Client program: a new buffer whose pixels all differ from the shown one,
/// committed with a small damage rectangle, shows its new pixels only there (the compositor copies and repaints only the
/// damaged area, and the protocol lets it assume the rest is unchanged); surface damage goes through the buffer scale;
/// a transform, which this damage mapping does not follow, takes the whole buffer.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class SurfaceDamageTests
{
    [Fact]
    public void Damage_buffer_of_a_small_rectangle_updates_only_that_rectangle()
    {
        AssertDamageShows("damage-buffer", scale: 1, damage: surface => surface.DamageBuffer(10, 20, 30, 15), expected: new Rect(10, 20, 30, 15));
    }

    [Fact]
    public void Surface_damage_goes_through_the_buffer_scale()
    {
        // A 200x160 buffer at scale 2 is a 100x80 surface: surface damage (5, 6) 10x7 is buffer (10, 12) 20x14.
        AssertDamageShows("damage-scaled", scale: 2, damage: surface => surface.Damage(5, 6, 10, 7), expected: new Rect(5, 6, 10, 7));
    }

    [Fact]
    public void Two_damage_rectangles_update_both_and_nothing_between()
    {
        AssertDamageShows("damage-two", scale: 1, damage: surface =>
        {
            surface.DamageBuffer(0, 0, 4, 4);
            surface.Damage(90, 70, 10, 10);
        }, expected: new Rect(0, 0, 4, 4), alsoExpected: new Rect(90, 70, 10, 10));
    }

    [Fact]
    public void Damage_under_a_buffer_transform_takes_the_whole_buffer()
    {
        CompositorSession.Run("damage-transform", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow window = client.MapWindow("turned", client.SolidBuffer(100, 100, Argb.Blue));
                window.Surface.SetBufferTransform(WlOutputTransform.Transform180);
                window.Show(client.SolidBuffer(100, 100, Argb.Red));
                client.Roundtrip();
                Rect bounds = session.WaitForWindow("turned").Bounds;
                session.Compositor.CaptureOutput();

                window.Surface.Attach(client.SolidBuffer(100, 100, Argb.Green).Buffer, 0, 0);
                window.Surface.DamageBuffer(0, 0, 1, 1);
                window.Surface.Commit();
                client.Roundtrip();

                Image screen = session.Compositor.CaptureOutput();
                Assert.Equal(bounds.Width * bounds.Height, Pixels.CountOf(screen, bounds, Argb.Green));
            }

            session.AssertNoProtocolErrors();
        });
    }

    private static void AssertDamageShows(string title, int scale, Action<Wayland.Client.Protocol.WlSurface> damage, Rect expected, Rect? alsoExpected = null)
    {
        CompositorSession.Run(title, session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            {
                TestWindow window = client.CreateWindow(title);
                window.Surface.Commit();
                client.DispatchUntil(() => window.Configures > 0, "the initial configure");
                window.Surface.SetBufferScale(scale);
                window.Show(client.SolidBuffer(100 * scale, 80 * scale, Argb.Blue));
                client.Roundtrip();
                Rect bounds = session.WaitForWindow(title).Bounds;
                Assert.Equal(100, bounds.Width);
                Image before = session.Compositor.CaptureOutput();

                // Every pixel of the new buffer differs from the shown one; only the damage says what changed.
                ShmBuffer red = client.SolidBuffer(100 * scale, 80 * scale, Argb.Red);
                window.Surface.Attach(red.Buffer, 0, 0);
                damage(window.Surface);
                window.Surface.Commit();
                client.Roundtrip();

                Image after = session.Compositor.CaptureOutput();
                string picture = CompositorSession.SaveForInspection(after, title);
                Rect first = expected.Offset(bounds.X, bounds.Y);
                int area = first.Width * first.Height;
                Assert.True(Pixels.CountOf(after, first, Argb.Red) == area, $"{first} is not all red ({picture})");
                if (alsoExpected is { } second)
                {
                    Rect other = second.Offset(bounds.X, bounds.Y);
                    Assert.True(Pixels.CountOf(after, other, Argb.Red) == other.Width * other.Height, $"{other} is not all red ({picture})");
                    area += other.Width * other.Height;
                }

                Assert.True(Pixels.CountOf(after, bounds, Argb.Red) == area, $"red outside the damage ({picture})");
                Assert.True(Pixels.CountDifferent(before, after) == area, $"pixels changed outside the damage ({picture})");
            }

            session.AssertNoProtocolErrors();
        });
    }
}
