using Wayland.Client;
using Wayland.Client.Protocol;
using Wayland.Protocols;

namespace Wayland.Compositor.Tests;

/// <summary>
/// Seat focus around popups, seen by a Wayland.Client program: the topmost grabbing popup has the keyboard focus
/// (xdg_popup.grab), and the pointer focus follows what is under a pointer that does not move when a popup maps or
/// goes away (as in weston, wlroots and mutter).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class PopupFocusTests
{
    [Fact]
    public void A_grabbing_popup_takes_the_keyboard_focus_and_gives_it_back_when_it_goes()
    {
        CompositorSession.Run("popup-keyboard", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            using (SeatWatcher seat = new(client))
            {
                TestWindow parent = client.MapWindow("menu owner", client.SolidBuffer(200, 150, Argb.Blue));
                client.DispatchUntil(() => seat.KeyboardFocus == parent.Surface, "the keyboard to enter the window");

                // A press in the window gives the serial the grab needs.
                WindowInfo owner = session.Compositor.GetWindows().Single();
                session.Compositor.Click(owner.Bounds.X + 20, owner.Bounds.Y + 20);
                client.DispatchUntil(() => seat.LastPressSerial is not null, "the button press");

                TestPopup popup = OpenPopup(client, parent, x: 100, y: 10, grab: (seat.Seat, seat.LastPressSerial!.Value));
                client.DispatchUntil(() => seat.KeyboardFocus == popup.Surface,
                    $"the keyboard focus to move to the grabbing popup (keyboard events so far: {string.Join(", ", seat.KeyboardLog)})",
                    TimeSpan.FromSeconds(5));

                popup.Close();
                client.DispatchUntil(() => seat.KeyboardFocus == parent.Surface,
                    $"the keyboard focus to come back to the window (keyboard events so far: {string.Join(", ", seat.KeyboardLog)})",
                    TimeSpan.FromSeconds(5));
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void A_grab_that_quotes_no_latest_press_on_the_client_is_refused_and_the_keyboard_stays_with_the_client_in_use()
    {
        CompositorSession.Run("popup-grab-serial", session =>
        {
            using (ManagedClient background = ManagedClient.Connect(session.SocketPath))
            using (SeatWatcher backgroundSeat = new(background))
            using (ManagedClient inUse = ManagedClient.Connect(session.SocketPath))
            using (SeatWatcher seat = new(inUse))
            {
                // The background client was clicked once, then a window of another client came on top and was clicked.
                TestWindow behind = background.MapWindow("behind", background.SolidBuffer(200, 150, Argb.Blue));
                WindowInfo behindInfo = session.Compositor.GetWindows().Single();
                session.Compositor.Click(behindInfo.Bounds.X + 20, behindInfo.Bounds.Y + 20);
                background.DispatchUntil(() => backgroundSeat.LastPressSerial is not null, "the press in the background window");
                uint stalePress = backgroundSeat.LastPressSerial!.Value;
                TestWindow front = inUse.MapWindow("front", inUse.SolidBuffer(200, 150, Argb.Green));
                inUse.DispatchUntil(() => seat.KeyboardFocus == front.Surface, "the keyboard to enter the front window");
                WindowInfo frontInfo = session.Compositor.GetWindows().Single(w => w.Title == "front");
                session.Compositor.Click(frontInfo.Bounds.X + 20, frontInfo.Bounds.Y + 20);
                inUse.DispatchUntil(() => seat.LastPressSerial is not null, "the press in the front window");
                background.Roundtrip();
                Assert.NotNull(backgroundSeat.KeyboardEnterSerial);

                // Its own old press, its keyboard enter and the other client's press: each grab is refused with popup_done.
                foreach (uint serial in new[] { stalePress, backgroundSeat.KeyboardEnterSerial!.Value, seat.LastPressSerial!.Value })
                {
                    using XdgPositioner positioner = TestPopup.MenuPositioner(background);
                    WlSurface surface = background.Own(background.Compositor.CreateSurface());
                    XdgSurface xdgSurface = background.Own(background.WmBase.GetXdgSurface(surface));
                    XdgPopup popup = background.Own(xdgSurface.GetPopup(behind.XdgSurface, positioner));
                    bool done = false;
                    popup.PopupDone += _ => done = true;
                    popup.Grab(backgroundSeat.Seat, serial);
                    surface.Commit();
                    background.DispatchUntil(() => done, $"popup_done for a grab quoting serial {serial}");
                }

                inUse.Roundtrip();
                Assert.Equal(front.Surface, seat.KeyboardFocus);
                Assert.Equal(1, session.Compositor.GetWindows().Count(w => w.IsActivated));

                // The client in use opens a menu with the key it was just sent: that grab is taken.
                session.Compositor.PressKey(30); // KEY_A
                inUse.DispatchUntil(() => seat.LastKeyPressSerial is not null, "the key press");
                TestPopup menu = OpenPopup(inUse, front, x: 100, y: 10, grab: (seat.Seat, seat.LastKeyPressSerial!.Value));
                inUse.DispatchUntil(() => seat.KeyboardFocus == menu.Surface, "the keyboard focus to move to the menu", TimeSpan.FromSeconds(5));
            }

            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void A_popup_mapped_under_a_still_pointer_gets_the_pointer_focus_and_gives_it_back()
    {
        CompositorSession.Run("popup-pointer", session =>
        {
            using (ManagedClient client = ManagedClient.Connect(session.SocketPath))
            using (SeatWatcher seat = new(client))
            {
                TestWindow parent = client.MapWindow("menu owner", client.SolidBuffer(200, 150, Argb.Blue));
                WindowInfo owner = session.Compositor.GetWindows().Single();
                session.Compositor.MovePointer(owner.Bounds.X + 120, owner.Bounds.Y + 20);
                client.DispatchUntil(() => seat.PointerFocus == parent.Surface, "the pointer to enter the window");

                // The popup covers (100, 10)..(160, 50) of the window, where the pointer rests.
                TestPopup popup = OpenPopup(client, parent, x: 100, y: 10, grab: null);
                Assert.Equal(Argb.Yellow, session.Compositor.CaptureOutput().GetPixel(owner.Bounds.X + 120, owner.Bounds.Y + 20));
                client.DispatchUntil(() => seat.PointerFocus == popup.Surface,
                    $"the pointer focus to move to the popup mapped under it (pointer events so far: {string.Join(", ", seat.PointerLog)})",
                    TimeSpan.FromSeconds(5));

                popup.Close();
                client.DispatchUntil(() => seat.PointerFocus == parent.Surface,
                    $"the pointer focus to come back to the window (pointer events so far: {string.Join(", ", seat.PointerLog)})",
                    TimeSpan.FromSeconds(5));
            }

            session.AssertNoProtocolErrors();
        });
    }

    /// <summary>A 60 x 40 yellow popup with its top-left at (x, y) of the parent's window geometry, shown.</summary>
    private static TestPopup OpenPopup(ManagedClient client, TestWindow parent, int x, int y, (WlSeat Seat, uint Serial)? grab)
    {
        TestPopup popup = TestPopup.Open(client, parent, positioner =>
        {
            positioner.SetSize(60, 40);
            positioner.SetAnchorRect(x, y, 1, 1);
            positioner.SetAnchor(XdgPositionerAnchor.TopLeft);
            positioner.SetGravity(XdgPositionerGravity.BottomRight);
        }, grab);
        popup.Show(client.SolidBuffer(60, 40, Argb.Yellow));
        return popup;
    }

    /// <summary>wl_seat with a pointer and a keyboard, recording where each is focused.</summary>
    private sealed class SeatWatcher : IDisposable
    {
        private readonly WlPointer _pointer;
        private readonly WlKeyboard _keyboard;

        public SeatWatcher(ManagedClient client)
        {
            Seat = client.Globals.Bind<WlSeat>(maxVersion: 7);
            _pointer = Seat.GetPointer();
            _keyboard = Seat.GetKeyboard();
            _pointer.Enter += (_, _, surface, _, _) => Note(PointerLog, "enter", PointerFocus = surface);
            _pointer.Leave += (_, _, surface) =>
            {
                Note(PointerLog, "leave", surface);
                PointerFocus = null;
            };
            _pointer.Button += (_, serial, _, _, state) =>
            {
                if (state == WlPointerButtonState.Pressed)
                {
                    LastPressSerial = serial;
                }
            };
            _keyboard.Keymap += (_, _, fd, _) => fd.Dispose();
            _keyboard.Enter += (_, serial, surface, _) =>
            {
                KeyboardEnterSerial = serial;
                Note(KeyboardLog, "enter", KeyboardFocus = surface);
            };
            _keyboard.Key += (_, serial, _, _, state) =>
            {
                if (state == WlKeyboardKeyState.Pressed)
                {
                    LastKeyPressSerial = serial;
                }
            };
            _keyboard.Leave += (_, _, surface) =>
            {
                Note(KeyboardLog, "leave", surface);
                KeyboardFocus = null;
            };
            client.Roundtrip();
        }

        public WlSeat Seat { get; }

        public WlSurface? PointerFocus { get; private set; }

        public WlSurface? KeyboardFocus { get; private set; }

        public uint? LastPressSerial { get; private set; }

        public uint? LastKeyPressSerial { get; private set; }

        public uint? KeyboardEnterSerial { get; private set; }

        public List<string> PointerLog { get; } = [];

        public List<string> KeyboardLog { get; } = [];

        public void Dispose()
        {
            _pointer.Dispose();
            _keyboard.Dispose();
            Seat.Dispose();
        }

        private static void Note(List<string> log, string what, WlSurface? surface) => log.Add($"{what} {surface}");
    }
}
