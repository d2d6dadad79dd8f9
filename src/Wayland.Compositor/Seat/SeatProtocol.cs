using System.Runtime.InteropServices;
using Wayland.Compositor.Shell;
using Wayland.Compositor.Surfaces;
using Wayland.Protocols;
using Wayland.Server;
using Wayland.Server.Protocol;
using Wayland.Wire;

namespace Wayland.Compositor.Seat;

/// <summary>
/// wl_seat "seat0" with a pointer, a keyboard (US XKB keymap) and a touchscreen. Pointer focus follows the surface
/// under the pointer; keyboard focus follows the active (topmost) window; a touch point belongs to the surface it went
/// down on. Input comes from the compositor's scripted-input API.
/// </summary>
internal sealed class SeatProtocol : WlSeat.IHandler, WlPointer.IHandler, WlKeyboard.IHandler
{
    /// <summary>wl_seat version offered (7: pointer frames and axis sources, keymap mapped MAP_PRIVATE).</summary>
    public const uint Version = 7;

    private readonly Display _display;
    private readonly Scene _scene;
    private readonly HeadlessCompositorOptions _options;
    private readonly ClientObjects<WlPointer> _pointers = new();
    private readonly ClientObjects<WlKeyboard> _keyboards = new();
    private readonly List<uint> _pressedKeys = [];
    private readonly List<uint> _pressedButtons = [];
    private readonly DataDevices _dataDevices;
    private readonly TouchPoints _touch;
    private readonly PrimarySelection _primarySelection;
    private readonly List<int> _extraSymbols = [];
    private readonly Dictionary<Client, InputSerials> _sentSerials = [];
    private SafeFdHandle? _keymapFile;
    private uint _keymapSize = (uint)Keymap.UsUtf8.Length;
    private Surface? _pointerFocus;
    /// <summary>The press that started the implicit grab under way, and the client it went to: what start_drag must
    /// quote, and who may.</summary>
    private (uint Serial, Client Client)? _grabPress;
    private Surface? _keyboardFocus;
    private Toplevel? _activeWindow;
    private uint _depressed;
    private uint _locked;
    private bool _capsFoundLocked;

    /// <summary>The last button press and key press sent, with the client they went to: what xdg_popup.grab may quote.</summary>
    private (uint Serial, Client Client)? _lastButtonPress;
    private (uint Serial, Client Client)? _lastKeyPress;

    public SeatProtocol(Display display, Scene scene, HeadlessCompositorOptions options)
    {
        _display = display;
        _scene = scene;
        _options = options;
        _dataDevices = new DataDevices(this);
        _touch = new TouchPoints(display, scene, Sent);
        _primarySelection = new PrimarySelection(this);
        Activation = new Activation(this, scene);
        display.CreateGlobal<WlSeat>(Version, seat =>
        {
            seat.Handler = this;
            seat.SendCapabilities(WlSeatCapability.Pointer | WlSeatCapability.Keyboard | WlSeatCapability.Touch);
            if (seat.Version >= WlSeatInterface.Events.NameSince)
            {
                seat.SendName("seat0");
            }
        });
        display.CreateGlobal<WlDataDeviceManager>(WlDataDeviceManagerInterface.Version, manager => manager.Handler = _dataDevices);
        display.CreateGlobal<XdgActivationV1>(XdgActivationV1Interface.Version, activation => activation.Handler = Activation);
        display.CreateGlobal<ZwpPrimarySelectionDeviceManagerV1>(ZwpPrimarySelectionDeviceManagerV1Interface.Version,
            manager => manager.Handler = _primarySelection);
        display.Disposing += _ => _keymapFile?.Dispose();

        // The scene reports; the seat follows: focus goes to the top window, the pointer to what is under it now.
        scene.StackChanged += () =>
        {
            FocusChanged(scene.TopWindow());
            RefreshPointerFocus();
        };
        scene.WindowMoved += RefreshPointerFocus;
        scene.SurfaceRemoved += SurfaceGone;
        scene.SurfaceRemoved += _touch.SurfaceGone;
        scene.IsGrabSerial = IsGrabSerial;
    }

    /// <summary>
    /// Whether a popup of <paramref name="client"/> may grab with <paramref name="serial"/>, as weston decides it: the
    /// serial must be that of the latest button press, key press or touch down the seat sent, and that event must have
    /// gone to this client. So a client in the background, which the user is not using, cannot take the keyboard focus
    /// away with a grabbing popup; a menu opened by a click, a key or a tap can.
    /// </summary>
    public bool IsGrabSerial(Client client, uint serial)
    {
        static bool Is((uint Serial, Client Client)? press, Client client, uint serial) =>
            press is { } p && p.Serial == serial && p.Client == client;

        return Is(_lastButtonPress, client, serial) || Is(_lastKeyPress, client, serial) || Is(_touch.LastDown, client, serial);
    }

    /// <summary>How many transfers each process may ask selection sources for until the next press.</summary>
    public TransferBudget Transfers { get; } = new();

    /// <summary>xdg_activation_v1: tokens that pass the keyboard focus on.</summary>
    public Activation Activation { get; }

    public Display Display => _display;

    /// <summary>The drag-and-drop session under way, if any: it has the pointer until the buttons are released.</summary>
    public Drag? Drag { get; private set; }

    public double PointerX { get; private set; }

    public double PointerY { get; private set; }

    /// <summary>The client whose surface has keyboard focus (selection offers go there).</summary>
    public Client? KeyboardFocusClient => _keyboardFocus?.Resource.Client;

    public uint Now => (uint)Environment.TickCount64;

    /// <summary>How many input and data device objects events have been delivered through so far (tests count the work).</summary>
    public long ObjectsVisited => _pointers.Visited + _keyboards.Visited + _touch.Visited + _dataDevices.Visited + _primarySelection.Visited;

    /// <summary>
    /// Whether <paramref name="serial"/> is one of the latest input event serials the seat sent <paramref name="client"/>
    /// (see <see cref="InputSerials"/>): what a request that quotes an input event must show.
    /// </summary>
    public bool SentInputSerial(Client client, uint serial) => _sentSerials.TryGetValue(client, out InputSerials? serials) && serials.Contains(serial);

    // Scripted input

    public void MovePointer(double x, double y)
    {
        PointerX = Math.Clamp(x, 0, _scene.Desktop.Width - 1);
        PointerY = Math.Clamp(y, 0, _scene.Desktop.Height - 1);
        if (Drag is { } drag)
        {
            Surface? target = UnderPointer(out double sx, out double sy);
            drag.Motion(target, sx, sy, Now);
            return;
        }

        UpdatePointerFocus(sendMotion: true);
    }

    /// <summary>
    /// Starts <paramref name="drag"/> during the implicit grab start_drag needs, as weston and wlroots do: one button
    /// held, pressed on a surface of the client that asks, and <paramref name="serial"/> that press's.
    /// The pointer leaves its surface and moves the drag until the release.
    /// </summary>
    /// <returns>False when no such grab is under way (an old or foreign serial, no button or more than one held).</returns>
    public bool StartDrag(Drag drag, Surface origin, uint serial)
    {
        // The press must have gone to this client, as weston checks it through the focus its implicit grab keeps on the
        // pressed surface.
        if (Drag is not null || _pressedButtons.Count != 1 || _grabPress != (serial, origin.Resource.Client))
        {
            return false;
        }

        if (_pointerFocus is { } focus)
        {
            uint leaveSerial = PointerSerial(focus);
            ForEachPointer(focus, p => p.SendLeave(leaveSerial, focus.Resource));
            SendPointerFrame();
        }

        _pointerFocus = null;
        Drag = drag;
        drag.Ended += () =>
        {
            Drag = null;
            RefreshPointerFocus();
        };
        Surface? target = UnderPointer(out double sx, out double sy);
        drag.Motion(target, sx, sy, Now);
        return true;
    }

    /// <summary>
    /// Re-checks what is under a pointer that did not move (a window or popup mapped, unmapped, moved or restacked):
    /// leave/enter when the surface changed, nothing otherwise.
    /// </summary>
    public void RefreshPointerFocus() => UpdatePointerFocus(sendMotion: false);

    /// <summary>The surface under the pointer and the pointer's position in its coordinates.</summary>
    private Surface? UnderPointer(out double sx, out double sy)
    {
        Surface? target = _scene.SurfaceAt((int)Math.Floor(PointerX), (int)Math.Floor(PointerY), out int localX, out int localY);
        sx = localX + (PointerX - Math.Floor(PointerX));
        sy = localY + (PointerY - Math.Floor(PointerY));
        return target;
    }

    private void UpdatePointerFocus(bool sendMotion)
    {
        if (Drag is not null)
        {
            return;
        }

        // The implicit grab, as in weston and wlroots: while a button pressed on a surface is held, that surface keeps
        // the pointer, and gets the motion even outside it (a scrollbar dragged out of its window), then the release.
        if (_pressedButtons.Count > 0 && _pointerFocus is { } held && _scene.PositionOf(held) is { } origin)
        {
            if (sendMotion)
            {
                uint motionTime = Now;
                double hx = PointerX - origin.X;
                double hy = PointerY - origin.Y;
                ForEachPointer(held, p => p.SendMotion(motionTime, hx, hy));
                SendPointerFrame();
            }

            return;
        }

        Surface? target = UnderPointer(out double sx, out double sy);
        if (target != _pointerFocus)
        {
            if (_pointerFocus is { } old)
            {
                uint leaveSerial = PointerSerial(old);
                ForEachPointer(old, p => p.SendLeave(leaveSerial, old.Resource));
                SendPointerFrame();
                _pointerFocus = null;
            }

            if (target is not null)
            {
                _pointerFocus = target;
                uint enterSerial = PointerSerial(target);
                ForEachPointer(target, p => p.SendEnter(enterSerial, target.Resource, sx, sy));
                SendPointerFrame();
            }
        }
        else if (target is not null && sendMotion)
        {
            uint time = Now;
            ForEachPointer(target, p => p.SendMotion(time, sx, sy));
            SendPointerFrame();
        }
    }

    public void Button(uint button, bool pressed)
    {
        if (pressed ? _pressedButtons.Contains(button) : !_pressedButtons.Remove(button))
        {
            return;
        }

        if (pressed)
        {
            _pressedButtons.Add(button);
        }
        else if (_pressedButtons.Count == 0)
        {
            _grabPress = null;
        }

        if (Drag is { } drag)
        {
            // The drag has the pointer: releasing the last button drops, nothing reaches wl_pointer.
            if (_pressedButtons.Count == 0)
            {
                drag.Drop();
            }

            return;
        }

        if (pressed)
        {
            _scene.DismissPopupsOutside(_pointerFocus);
            if (_pointerFocus is { } focus && _scene.WindowOf(focus) is { } window && window != _scene.TopWindow())
            {
                _scene.Raise(window);
            }
        }

        if (_pointerFocus is { } target)
        {
            uint serial = PointerSerial(target);
            uint time = Now;
            WlPointerButtonState state = pressed ? WlPointerButtonState.Pressed : WlPointerButtonState.Released;
            ForEachPointer(target, p => p.SendButton(serial, time, button, state));
            SendPointerFrame();
            if (pressed)
            {
                _lastButtonPress = (serial, target.Resource.Client);
                Transfers.Pressed();
            }

            if (pressed && _pressedButtons.Count == 1)
            {
                // The press that starts an implicit grab: its serial is what start_drag must quote.
                _grabPress = (serial, target.Resource.Client);
            }
        }
        else if (pressed && _pressedButtons.Count == 1)
        {
            _grabPress = null;
        }

        if (!pressed && _pressedButtons.Count == 0)
        {
            // The implicit grab ends with the release: the pointer goes to what is under it now.
            RefreshPointerFocus();
        }
    }

    public void Scroll(double dx, double dy)
    {
        if (_pointerFocus is not { } target)
        {
            return;
        }

        uint time = Now;
        ForEachPointer(target, p =>
        {
            if (p.Version >= WlPointerInterface.Events.AxisSourceSince)
            {
                p.SendAxisSource(WlPointerAxisSource.Wheel);
            }

            if (dy != 0)
            {
                p.SendAxis(time, WlPointerAxis.VerticalScroll, dy);
            }

            if (dx != 0)
            {
                p.SendAxis(time, WlPointerAxis.HorizontalScroll, dx);
            }
        });
        SendPointerFrame();
    }

    /// <summary>Touch-down at (x, y) in output coordinates: raises the window touched, as a button press does.</summary>
    public bool TouchDown(int id, double x, double y)
    {
        if (_touch.IsDown(id))
        {
            return false;
        }

        Surface? target = _scene.SurfaceAt((int)Math.Floor(x), (int)Math.Floor(y), out _, out _);
        _scene.DismissPopupsOutside(target);
        if (target is not null && _scene.WindowOf(target) is { } window && window != _scene.TopWindow())
        {
            _scene.Raise(window);
        }

        (uint, Client)? lastDown = _touch.LastDown;
        bool down = _touch.Down(id, x, y, Now);
        if (_touch.LastDown != lastDown)
        {
            Transfers.Pressed();
        }

        return down;
    }

    public bool TouchMotion(int id, double x, double y) => _touch.Motion(id, x, y, Now);

    public bool TouchUp(int id) => _touch.Up(id, Now);

    public void TouchCancel() => _touch.Cancel();

    public void Key(uint key, bool pressed)
    {
        if (pressed)
        {
            if (_pressedKeys.Contains(key))
            {
                return;
            }

            _pressedKeys.Add(key);
        }
        else if (!_pressedKeys.Remove(key))
        {
            return;
        }

        uint oldDepressed = _depressed;
        uint oldLocked = _locked;
        UpdateModifiers(key, pressed);
        if (_keyboardFocus is { } focus)
        {
            uint serial = KeyboardSerial(focus);
            uint time = Now;
            WlKeyboardKeyState state = pressed ? WlKeyboardKeyState.Pressed : WlKeyboardKeyState.Released;
            ForEachKeyboard(focus, k => k.SendKey(serial, time, key, state));
            if (pressed)
            {
                _lastKeyPress = (serial, focus.Resource.Client);
                Transfers.Pressed();
            }

            if (oldDepressed != _depressed || oldLocked != _locked)
            {
                uint modifiersSerial = KeyboardSerial(focus);
                ForEachKeyboard(focus, k => k.SendModifiers(modifiersSerial, _depressed, 0, _locked, 0));
            }
        }
    }

    /// <summary>The key that types <paramref name="codePoint"/>, one of the keymap's extra symbols (see <see cref="EnsureSymbols"/>).</summary>
    public uint KeyForSymbol(int codePoint)
    {
        int slot = _extraSymbols.IndexOf(codePoint);
        return slot >= 0 ? Keymap.FirstExtraKey + (uint)slot : throw new InvalidOperationException($"U+{codePoint:X4} is not in the keymap");
    }

    /// <summary>
    /// Makes the keymap carry a key for every code point in <paramref name="needed"/> (at most
    /// <see cref="Keymap.MaxExtraSymbols"/> distinct ones): the missing ones take free slots, or, when they do not fit,
    /// the extra symbols start over with just these. Only a changed keymap is sent: to every wl_keyboard, each of which
    /// makes its client build a new xkb state, then the current modifiers to the focused client's keyboards (as weston
    /// and wlroots do), so its new state matches the keys still held.
    /// </summary>
    public void EnsureSymbols(IReadOnlyCollection<int> needed)
    {
        int missing = needed.Count(c => !_extraSymbols.Contains(c));
        if (missing == 0)
        {
            return;
        }

        if (_extraSymbols.Count + missing > Keymap.MaxExtraSymbols)
        {
            _extraSymbols.Clear();
        }

        foreach (int codePoint in needed)
        {
            if (!_extraSymbols.Contains(codePoint))
            {
                _extraSymbols.Add(codePoint);
            }
        }

        byte[] keymap = Keymap.WithExtraSymbols(CollectionsMarshal.AsSpan(_extraSymbols));
        SafeFdHandle file = SealedMemoryFile.Create("wayland-dotnet-keymap", keymap);
        _keymapFile?.Dispose();
        _keymapFile = file;
        _keymapSize = (uint)keymap.Length;
        _keyboards.ForEachOfAll(keyboard => keyboard.SendKeymap(WlKeyboardKeymapFormat.XkbV1, file, _keymapSize));

        if (_keyboardFocus is { } focus)
        {
            uint serial = KeyboardSerial(focus);
            ForEachKeyboard(focus, k => k.SendModifiers(serial, _depressed, 0, _locked, 0));
        }
    }

    // Focus

    /// <summary>
    /// The given window becomes the active one (its activated state follows); keyboard focus goes to the topmost
    /// grabbing popup if there is one (xdg_popup.grab), else to that window.
    /// </summary>
    public void FocusChanged(Toplevel? window)
    {
        if (window != _activeWindow)
        {
            _activeWindow?.SetActivated(false);
            _activeWindow = window;
            window?.SetActivated(true);
        }

        SetKeyboardFocus(_scene.TopGrabbingPopup() ?? window?.XdgSurface.Surface);
    }

    private void SetKeyboardFocus(Surface? target)
    {
        if (target == _keyboardFocus)
        {
            return;
        }

        if (_keyboardFocus is { } old)
        {
            uint serial = KeyboardSerial(old);
            ForEachKeyboard(old, k => k.SendLeave(serial, old.Resource));
        }

        _keyboardFocus = target;
        if (target is not null)
        {
            ForEachKeyboard(target, keyboard => SendKeyboardEnter(keyboard, target));

            _dataDevices.OfferSelection(target.Resource.Client);
            _primarySelection.OfferSelection(target.Resource.Client);
        }
    }

    public void SurfaceGone(Surface surface)
    {
        if (_pointerFocus == surface)
        {
            _pointerFocus = null;
        }

        if (_keyboardFocus == surface)
        {
            // Unmapping the window already moved focus when the surface was a window; anything else just loses it.
            _keyboardFocus = null;
        }
    }

    public void ClientGone(Client client)
    {
        _pointers.ClientGone(client);
        _keyboards.ClientGone(client);
        _sentSerials.Remove(client);
        _dataDevices.ClientGone(client);
        _touch.ClientGone(client);
        if (_grabPress?.Client == client)
        {
            _grabPress = null;
        }

        if (_lastButtonPress?.Client == client)
        {
            _lastButtonPress = null;
        }

        if (_lastKeyPress?.Client == client)
        {
            _lastKeyPress = null;
        }

        if (Drag is { } drag && drag.Origin == client)
        {
            drag.Cancel();
        }
        _primarySelection.ClientGone(client);
        if (_pointerFocus is { } pointer && pointer.Resource.Client == client)
        {
            _pointerFocus = null;
        }

        if (_keyboardFocus is { } keyboard && keyboard.Resource.Client == client)
        {
            _keyboardFocus = null;
        }

        if (_activeWindow is { } active && active.Resource.Client == client)
        {
            _activeWindow = null;
        }
    }

    // wl_seat

    void WlSeat.IHandler.GetPointer(WlSeat resource, WlPointer id)
    {
        id.Handler = this;
        _pointers.Add(id);
        if (_pointerFocus is { } focus && focus.Resource.Client == id.Client && UnderPointer(out double sx, out double sy) == focus)
        {
            // A pointer created while the pointer is over one of the client's surfaces enters it where it is.
            uint serial = _display.NextSerial();
            Sent(id.Client, serial);
            id.SendEnter(serial, focus.Resource, sx, sy);
            if (id.Version >= WlPointerInterface.Events.FrameSince)
            {
                id.SendFrame();
            }
        }
    }

    void WlSeat.IHandler.GetKeyboard(WlSeat resource, WlKeyboard id)
    {
        id.Handler = this;
        _keyboards.Add(id);
        _keymapFile ??= SealedMemoryFile.Create("wayland-dotnet-keymap", Keymap.UsUtf8);
        id.SendKeymap(WlKeyboardKeymapFormat.XkbV1, _keymapFile, _keymapSize);
        if (id.Version >= WlKeyboardInterface.Events.RepeatInfoSince)
        {
            id.SendRepeatInfo(_options.KeyRepeatRate, _options.KeyRepeatDelay);
        }

        if (_keyboardFocus is { } focus && focus.Resource.Client == id.Client)
        {
            SendKeyboardEnter(id, focus);
        }
    }

    void WlSeat.IHandler.GetTouch(WlSeat resource, WlTouch id) => _touch.Bind(id);

    // wl_pointer

    void WlPointer.IHandler.SetCursor(WlPointer resource, uint serial, WlSurface? surfaceResource, int hotspotX, int hotspotY)
    {
        if (surfaceResource is null)
        {
            return;
        }

        Surface surface = Surface.Of(surfaceResource);
        if (surface.Role is not null && surface.Role != CursorRole.Instance)
        {
            resource.PostError((uint)WlPointerError.Role, $"wl_pointer#{resource.Id}: wl_surface#{surfaceResource.Id} already has the role {surface.Role.RoleName}");
            return;
        }

        surface.Role = CursorRole.Instance;
    }

    private void SendKeyboardEnter(WlKeyboard keyboard, Surface target)
    {
        Span<byte> keys = stackalloc byte[_pressedKeys.Count * 4];
        for (int i = 0; i < _pressedKeys.Count; i++)
        {
            BitConverter.TryWriteBytes(keys[(i * 4)..], _pressedKeys[i]);
        }

        uint enterSerial = _display.NextSerial();
        Sent(keyboard.Client, enterSerial);
        keyboard.SendEnter(enterSerial, target.Resource, keys);
        uint modifiersSerial = _display.NextSerial();
        Sent(keyboard.Client, modifiersSerial);
        keyboard.SendModifiers(modifiersSerial, _depressed, 0, _locked, 0);
    }

    /// <summary>A new serial for a pointer event to <paramref name="surface"/>'s client, remembered when it has a pointer.</summary>
    private uint PointerSerial(Surface surface)
    {
        uint serial = _display.NextSerial();
        if (_pointers.Any(surface.Resource.Client))
        {
            Sent(surface.Resource.Client, serial);
        }

        return serial;
    }

    /// <summary>A new serial for a keyboard event to <paramref name="surface"/>'s client, remembered when it has a keyboard.</summary>
    private uint KeyboardSerial(Surface surface)
    {
        uint serial = _display.NextSerial();
        if (_keyboards.Any(surface.Resource.Client))
        {
            Sent(surface.Resource.Client, serial);
        }

        return serial;
    }

    /// <summary>Remembers that <paramref name="client"/> was sent an input event with <paramref name="serial"/>.</summary>
    private void Sent(Client client, uint serial)
    {
        if (client.IsDestroyed)
        {
            return;
        }

        if (!_sentSerials.TryGetValue(client, out InputSerials? serials))
        {
            serials = new InputSerials();
            _sentSerials.Add(client, serials);
        }

        serials.Add(serial);
    }

    /// <summary>
    /// Depressed modifiers follow the held modifier keys (either Shift holds Shift). Caps Lock works as xkbcommon's
    /// LockMods action: while held it is depressed; a press locks Lock when it was not locked, and the release of a
    /// press that found it locked unlocks it.
    /// </summary>
    private void UpdateModifiers(uint key, bool pressed)
    {
        uint depressed = 0;
        foreach (uint held in _pressedKeys)
        {
            depressed |= held switch
            {
                Keys.LeftShift or Keys.RightShift => ModifierMask.Shift,
                Keys.LeftCtrl or Keys.RightCtrl => ModifierMask.Control,
                Keys.LeftAlt or Keys.RightAlt => ModifierMask.Alt,
                Keys.LeftSuper or Keys.RightSuper => ModifierMask.Super,
                Keys.CapsLock => ModifierMask.Lock,
                _ => 0,
            };
        }

        _depressed = depressed;
        if (key == Keys.CapsLock)
        {
            if (pressed)
            {
                _capsFoundLocked = (_locked & ModifierMask.Lock) != 0;
                _locked |= ModifierMask.Lock;
            }
            else if (_capsFoundLocked)
            {
                _locked &= ~ModifierMask.Lock;
            }
        }
    }

    private void SendPointerFrame()
    {
        if (_pointerFocus is { } focus)
        {
            ForEachPointer(focus, p =>
            {
                if (p.Version >= WlPointerInterface.Events.FrameSince)
                {
                    p.SendFrame();
                }
            });
        }
    }

    private void ForEachPointer(Surface surface, Action<WlPointer> send)
    {
        if (!surface.IsDestroyed)
        {
            _pointers.ForEach(surface.Resource.Client, send);
        }
    }

    private void ForEachKeyboard(Surface surface, Action<WlKeyboard> send)
    {
        if (!surface.IsDestroyed)
        {
            _keyboards.ForEach(surface.Resource.Client, send);
        }
    }
}
