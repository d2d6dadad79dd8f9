using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Wayland.Client.Protocol;

namespace Wayland.Compositor.Tests;

/// <summary>
/// wl_seat as Wayland.Client programs see it: where a new pointer enters, keyboard focus moving between two
/// clients' toplevels, and the modifier state the compositor sends compared with libxkbcommon's for the same keys.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class SeatTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("wayland-seat-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_pointer_created_over_a_window_enters_it_where_the_pointer_is()
    {
        CompositorSession.Run("pointer-enter", session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            TestWindow window = client.MapWindow("under the pointer", client.SolidBuffer(100, 80, Argb.Blue));
            WindowInfo info = session.WaitForWindow("under the pointer");
            session.Compositor.MovePointer(info.Bounds.X + 10.5, info.Bounds.Y + 20.25);

            using WlSeat seat = client.Globals.Bind<WlSeat>();
            using WlPointer pointer = seat.GetPointer();
            (WlSurface? Surface, double X, double Y)? entered = null;
            pointer.Enter += (_, _, surface, x, y) => entered = (surface, x, y);
            client.DispatchUntil(() => entered is not null, "wl_pointer.enter");
            Assert.Same(window.Surface, entered!.Value.Surface);
            Assert.Equal((10.5, 20.25), (entered.Value.X, entered.Value.Y));
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Keyboard_focus_follows_the_active_toplevel_across_clients()
    {
        CompositorSession.Run("keyboard-focus", session =>
        {
            using ManagedClient first = ManagedClient.Connect(session.SocketPath);
            using ManagedClient second = ManagedClient.Connect(session.SocketPath);
            KeyboardLog firstLog = KeyboardLog.Attach(first);
            KeyboardLog secondLog = KeyboardLog.Attach(second);
            first.MapWindow("first", first.SolidBuffer(60, 60, Argb.Red));
            first.DispatchUntil(() => firstLog.Focused, "the first window's keyboard enter");

            // The newest window is activated and takes the keyboard from the first.
            second.MapWindow("second", second.SolidBuffer(60, 60, Argb.Blue));
            second.DispatchUntil(() => secondLog.Focused, "the second window's keyboard enter");
            first.DispatchUntil(() => !firstLog.Focused, "the first window's keyboard leave");

            session.Compositor.PressKey(Keys.B);
            second.DispatchUntil(() => secondLog.Keys.Count == 2, "the key press and release");
            first.Roundtrip();
            Assert.Empty(firstLog.Keys);

            Assert.True(session.Compositor.ActivateWindow(session.WaitForWindow("first").Id));
            first.DispatchUntil(() => firstLog.Focused, "the keyboard to come back to the first window");
            second.DispatchUntil(() => !secondLog.Focused, "the second window's keyboard leave");
            session.Compositor.PressKey(Keys.C);
            first.DispatchUntil(() => firstLog.Keys.Count == 2, "the key press and release in the first window");
            second.Roundtrip();
            Assert.Equal([$"{Keys.B} pressed", $"{Keys.B} released"], secondLog.Keys);
            Assert.Equal([$"{Keys.C} pressed", $"{Keys.C} released"], firstLog.Keys);
            Assert.True(session.WaitForWindow("first").IsActivated && !session.WaitForWindow("second").IsActivated);
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Modifiers_sent_after_each_key_equal_libxkbcommons_state_for_the_same_keys()
    {
        // Shift, Caps Lock on and off (also while Control is held), Alt, Super: each down/up as a step.
        (uint Key, bool Pressed)[] steps =
        [
            (Keys.LeftShift, true), (Keys.LeftShift, false),
            (Keys.CapsLock, true), (Keys.CapsLock, false),
            (Keys.LeftCtrl, true), (Keys.CapsLock, true), (Keys.CapsLock, false), (Keys.LeftCtrl, false),
            (Keys.RightAlt, true), (Keys.LeftSuper, true), (Keys.RightAlt, false), (Keys.LeftSuper, false),
            (Keys.CapsLock, true), (Keys.LeftShift, true), (Keys.CapsLock, false), (Keys.LeftShift, false),
        ];
        List<string> arguments = [.. steps.Select(s => $"{(s.Pressed ? "down" : "up")}:{s.Key.ToString(CultureInfo.InvariantCulture)}")];
        (_, string[] expected, _) = XkbCheck.Run(_directory, arguments);

        CompositorSession.Run("modifiers", session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            KeyboardLog log = KeyboardLog.Attach(client);
            client.MapWindow("modifiers", client.SolidBuffer(40, 40, Argb.Green));
            client.DispatchUntil(() => log.Focused, "keyboard focus");

            List<string> actual = [];
            for (int i = 0; i < steps.Length; i++)
            {
                session.Compositor.Key(steps[i].Key, steps[i].Pressed);
                client.Roundtrip();
                actual.Add($"{arguments[i]} depressed=0x{log.Depressed:x} latched=0x{log.Latched:x} locked=0x{log.Locked:x}");
            }

            Assert.Equal(expected, actual);
        });
    }

    [Fact]
    public void Text_beyond_ascii_arrives_on_extra_keys_of_a_new_keymap_that_libxkbcommon_turns_back_into_the_text()
    {
        // Typed twice: the second time needs nothing new, so no keymap is sent. Then 70 distinct CJK characters, more
        // than one keymap carries, which take two keymaps.
        const string Text = "Grüße ✓ 日本 🙂!";
        string many = string.Concat(Enumerable.Range(0x4E00, 70).Select(char.ConvertFromUtf32));
        CompositorSession.Run("unicode-typing", session =>
        {
            using ManagedClient client = ManagedClient.Connect(session.SocketPath);
            KeyboardLog log = KeyboardLog.Attach(client);
            client.MapWindow("unicode", client.SolidBuffer(40, 40, Argb.Green));
            client.DispatchUntil(() => log.Focused, "keyboard focus");
            Assert.Single(log.Keymaps);

            session.Compositor.TypeText(Text);
            client.Roundtrip();
            Assert.Equal(2, log.Keymaps.Count);
            Assert.Equal("modifiers", log.Events[log.Events.IndexOf("keymap") + 1]);
            Assert.Equal(Text, Decode(log.Keymaps[^1], log.Pressed));

            log.Pressed.Clear();
            session.Compositor.TypeText(Text);
            client.Roundtrip();
            Assert.Equal(2, log.Keymaps.Count);
            Assert.Equal(Text, Decode(log.Keymaps[^1], log.Pressed));

            // Each run is decoded with the keymap that was current when its keys came.
            log.Pressed.Clear();
            session.Compositor.TypeText(many);
            client.Roundtrip();
            Assert.Equal(4, log.Keymaps.Count);
            Assert.Equal(many[..64], Decode(log.Keymaps[2], log.Pressed[..64]));
            Assert.Equal(many[64..], Decode(log.Keymaps[3], log.Pressed[64..]));

            Assert.Throws<ArgumentException>(() => session.Compositor.TypeText("a\u0001"));
            Assert.Throws<ArgumentException>(() => session.Compositor.TypeText("a\ud83d"));
            session.AssertNoProtocolErrors();
        });
    }

    /// <summary>The text libxkbcommon gives for the pressed keys (Shift held for those marked) on a keymap.</summary>
    private string Decode(byte[] keymap, List<(uint Key, bool Shift)> pressed)
    {
        (_, string[] lines, string stderr) = XkbCheck.Run(_directory, keymap, [.. pressed.Select(p => p.Key.ToString(CultureInfo.InvariantCulture) + (p.Shift ? "+shift" : ""))]);
        Assert.Equal("", stderr);
        return string.Concat(lines.Select(line => Encoding.UTF8.GetString(Convert.FromHexString(line.Split(' ')[2]))));
    }

    /// <summary>What one client's wl_keyboard received: focus, keys, the latest modifiers.</summary>
    private sealed class KeyboardLog
    {
        public bool Focused { get; private set; }

        public List<string> Keys { get; } = [];

        public uint Depressed { get; private set; }

        public uint Latched { get; private set; }

        public uint Locked { get; private set; }

        /// <summary>Every keymap received, in order.</summary>
        public List<byte[]> Keymaps { get; } = [];

        /// <summary>"keymap" and "modifiers" events in the order they came.</summary>
        public List<string> Events { get; } = [];

        /// <summary>Pressed keys other than Shift, each with whether Shift was down.</summary>
        public List<(uint Key, bool Shift)> Pressed { get; } = [];

        public static KeyboardLog Attach(ManagedClient client)
        {
            KeyboardLog log = new();
            WlSeat seat = client.Own(client.Globals.Bind<WlSeat>());
            WlKeyboard keyboard = client.Own(seat.GetKeyboard());
            keyboard.Keymap += (_, _, fd, size) =>
            {
                using (fd)
                {
                    using SafeFileHandle file = new(fd.DangerousGetHandle(), ownsHandle: false);
                    byte[] keymap = new byte[size];
                    Assert.Equal((int)size, RandomAccess.Read(file, keymap, 0));
                    log.Keymaps.Add(keymap);
                    log.Events.Add("keymap");
                }
            };
            keyboard.Enter += (_, _, _, _) => log.Focused = true;
            keyboard.Leave += (_, _, _) => log.Focused = false;
            keyboard.Key += (_, _, _, key, state) =>
            {
                log.Keys.Add($"{key} {state.ToString().ToLowerInvariant()}");
                if (state == Wayland.Protocols.WlKeyboardKeyState.Pressed && key is not (Wayland.Compositor.Keys.LeftShift))
                {
                    log.Pressed.Add((key, (log.Depressed & ModifierMask.Shift) != 0));
                }
            };
            keyboard.Modifiers += (_, _, depressed, latched, locked, _) =>
            {
                (log.Depressed, log.Latched, log.Locked) = (depressed, latched, locked);
                log.Events.Add("modifiers");
            };
            return log;
        }
    }
}
