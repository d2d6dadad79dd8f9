using System.IO.Pipes;
using System.Text;
using Wayland.Client.Protocol;
using Wayland.Protocols;
using Wayland.Wire;

namespace Wayland.Compositor.Tests;

/// <summary>
/// A hostile client against the seat (selection, drag and drop, input objects): whatever it asks for, it may only hurt
/// itself. The client with the keyboard focus and a bystander connected before are still served and not
/// disconnected. Costs are checked by counting what was sent or kept, never by timing.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class HostileSeatTests
{
    /// <summary>A MIME type of about 3.9 KB, near the longest a request can carry.</summary>
    private static string LongType(int i) => $"text/x-long-{i:D4};{new string('x', 3900)}";

    [Fact]
    public void Events_for_a_client_holding_thousands_of_pointers_stop_at_its_objects_once_it_has_failed()
    {
        // Enter and frame to each of 20 000 pointers are 640 KB, more than a socket takes: the client is dropped after
        // a third of them. Every pointer after that was still visited and its events encoded, for nothing; with the
        // object limit, 99 000 pointers kept the loop 40 ms (debug) on one pointer motion.
        const int Pointers = 20_000;
        CompositorSession.Run("hostile-many-pointers", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using ManagedClient hostile = ManagedClient.Connect(session.SocketPath);
            WlSeat seat = hostile.Own(hostile.Globals.Bind<WlSeat>());
            for (int i = 0; i < Pointers; i++)
            {
                seat.GetPointer(); // nothing is sent at creation
            }

            hostile.MapWindow("pointers", hostile.SolidBuffer(40, 30, Argb.Red));
            WindowInfo window = session.WaitForWindow("pointers");
            session.Compositor.MovePointer(session.Compositor.OutputWidth - 1, session.Compositor.OutputHeight - 1);
            long before = session.Compositor.Invoke(() => session.Compositor.SeatObjectsVisited);

            // The client does not read: it is dropped while the enter is sent.
            session.Compositor.MovePointer(window.Bounds.X + 5, window.Bounds.Y + 5);
            long visited = session.Compositor.Invoke(() => session.Compositor.SeatObjectsVisited) - before;
            session.WaitUntil(() => session.Compositor.GetWindows().All(w => w.Title != "pointers"), "the hostile client to be dropped");
            Assert.InRange(visited, 1, Pointers - 1);
            bystander.AssertServed();
        });
    }

    [Fact]
    public void A_selection_with_a_flood_of_types_reaches_the_focused_client_capped_and_does_not_drop_it()
    {
        CompositorSession.Run("hostile-selection-types", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using Rivals rivals = Rivals.Start(session);
            (ManagedClient hostile, SeatUser attacker, ManagedClient focused, SeatUser victim) = rivals;

            // A hundred types of 3.9 KB (390 KB), then a thousand short ones, each set with the serial of a pointer
            // event the attacker just got (enter, then leave). The focused client does not read meanwhile, as a busy
            // client would not.
            session.Compositor.MoveWindow(session.WaitForWindow("focused").Id, 300, 0);
            session.Compositor.MoveWindow(session.WaitForWindow("hostile").Id, 0, 200);
            WlDataSource huge = hostile.Own(attacker.Manager.CreateDataSource());
            for (int i = 0; i < 100; i++)
            {
                huge.Offer(LongType(i));
            }

            WlDataSource many = hostile.Own(attacker.Manager.CreateDataSource());
            for (int i = 0; i < 1000; i++)
            {
                many.Offer($"application/x-hostile-{i:D4}");
                many.Offer("text/plain"); // repeated: offered once
            }

            session.Compositor.MovePointer(10, 210);
            hostile.DispatchUntil(() => attacker.PointerFocused, "the pointer on the attacker's window");
            attacker.Device.SetSelection(huge, attacker.LastSerial);
            session.Compositor.MovePointer(310, 10);
            hostile.DispatchUntil(() => !attacker.PointerFocused, "the pointer to leave the attacker's window");
            attacker.Device.SetSelection(many, attacker.LastSerial);
            hostile.Roundtrip();

            focused.DispatchUntil(() => victim.Selections.Count == 2, "both selections at the focused client");
            int hugeBytes = victim.Selections[0].Sum(type => Encoding.UTF8.GetByteCount(type));
            Assert.InRange(hugeBytes, 1, 16 * 1024);
            Assert.Equal(4, victim.Selections[0].Count); // 16 KiB holds four types of 3.9 KB
            Assert.Equal(64, victim.Selections[1].Count);
            Assert.Equal(64, victim.Selections[1].Distinct().Count());
            Assert.Equal("application/x-hostile-0000", victim.Selections[1][0]);
            Assert.Equal("text/plain", victim.Selections[1][1]);

            focused.Roundtrip();
            bystander.AssertServed();
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void A_drag_with_a_flood_of_types_enters_another_client_with_the_types_capped()
    {
        CompositorSession.Run("hostile-drag-types", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using DragRivals rivals = DragRivals.Start(session);
            (ManagedClient hostile, SeatUser attacker, TestWindow from, ManagedClient target, SeatUser victim) = rivals;
            List<List<string>> entered = [];
            List<string>? pending = null;
            victim.Device.DataOffer += (_, offer) =>
            {
                List<string> types = [];
                pending = types;
                offer.Offer += (_, type) => types.Add(type);
            };
            victim.Device.Enter += (_, _, _, _, _, offer) => entered.Add(offer is null ? [] : pending ?? []);

            session.Compositor.MovePointer(50, 350);
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: true);
            uint before = attacker.LastSerial;
            hostile.DispatchUntil(() => attacker.LastSerial != before, "the press on the attacker's window");
            WlDataSource source = hostile.Own(attacker.Manager.CreateDataSource());
            bool cancelled = false;
            source.Cancelled += _ => cancelled = true;
            for (int i = 0; i < 1000; i++)
            {
                source.Offer($"application/x-hostile-{i:D4}");
            }

            source.SetActions(WlDataDeviceManagerDndAction.Copy);
            attacker.Device.StartDrag(source, from.Surface, null, attacker.LastSerial);
            hostile.Roundtrip();

            // Back and forth over the target: each enter brings a new offer, each with the capped types.
            for (int i = 0; i < 5; i++)
            {
                session.Compositor.MovePointer(350, 350);
                session.Compositor.MovePointer(250, 350);
            }

            target.DispatchUntil(() => entered.Count == 5, "five drag enters at the target");
            Assert.All(entered, types => Assert.Equal(64, types.Count));
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: false);
            hostile.DispatchUntil(() => cancelled, "the drag dropped where nothing accepted it to be cancelled");

            target.Roundtrip();
            bystander.AssertServed();
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void A_drag_without_the_serial_of_the_press_of_the_one_held_button_starts_nothing()
    {
        CompositorSession.Run("hostile-drag-serial", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using DragRivals rivals = DragRivals.Start(session);
            (ManagedClient hostile, SeatUser attacker, TestWindow from, ManagedClient target, SeatUser victim) = rivals;
            int dragEnters = 0;
            victim.Device.Enter += (_, _, _, _, _, _) => dragEnters++;

            // Each refused drag is cancelled at once; the pointer then goes over the target as a pointer, not a drag.
            void AssertRefused(uint serial, string why)
            {
                WlDataSource source = hostile.Own(attacker.Manager.CreateDataSource());
                bool cancelled = false;
                source.Cancelled += _ => cancelled = true;
                source.Offer("text/plain");
                attacker.Device.StartDrag(source, from.Surface, null, serial);
                hostile.DispatchUntil(() => cancelled, $"the source of a drag {why} to be cancelled");
                session.Compositor.MovePointer(350, 350);
                target.DispatchUntil(() => victim.PointerFocused, $"the pointer over the target after a drag {why}");
                Assert.Equal(0, dragEnters);
                session.Compositor.MovePointer(50, 350);
                hostile.DispatchUntil(() => attacker.PointerFocused, "the pointer back on the attacker's window");
            }

            session.Compositor.MovePointer(50, 350);
            hostile.DispatchUntil(() => attacker.PointerFocused, "the pointer on the attacker's window");
            AssertRefused(attacker.LastSerial, "with no button held, quoting the pointer's enter");

            // A button held, but the serial is the enter before the press, or the press of an earlier grab.
            uint beforePress = attacker.LastSerial;
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: true);
            hostile.DispatchUntil(() => attacker.ButtonSerial > beforePress, "the press");
            uint earlierPress = attacker.ButtonSerial;
            AssertRefused(beforePress, "quoting the enter before the press");
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: false);
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: true);
            hostile.DispatchUntil(() => attacker.ButtonSerial > earlierPress, "the second press");
            AssertRefused(earlierPress, "quoting the press of a grab that ended");

            // Two buttons held: no longer the implicit grab of one press.
            uint press = attacker.ButtonSerial;
            session.Compositor.PointerButton(Keys.ButtonRight, pressed: true);
            hostile.DispatchUntil(() => attacker.ButtonSerial > press, "the second button's press");
            AssertRefused(press, "with two buttons held");
            session.Compositor.PointerButton(Keys.ButtonRight, pressed: false);
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: false);

            // A press on the target's window: its serial is not the attacker's grab.
            session.Compositor.MovePointer(350, 350);
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: true);
            target.DispatchUntil(() => victim.ButtonSerial != 0, "the press on the target");
            WlDataSource foreign = hostile.Own(attacker.Manager.CreateDataSource());
            bool foreignCancelled = false;
            foreign.Cancelled += _ => foreignCancelled = true;
            attacker.Device.StartDrag(foreign, from.Surface, null, victim.ButtonSerial);
            hostile.DispatchUntil(() => foreignCancelled, "the source of a drag quoting the target's press to be cancelled");
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: false);

            // The press of the one held button on the attacker's own window: the drag enters the target. The pointer
            // is already over the target when the request comes (a client a moment late): the press is what counts.
            session.Compositor.MovePointer(50, 350);
            hostile.DispatchUntil(() => attacker.PointerFocused, "the pointer back on the attacker's window");
            press = attacker.ButtonSerial;
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: true);
            hostile.DispatchUntil(() => attacker.ButtonSerial > press, "the press that starts the drag");
            session.Compositor.MovePointer(340, 350);
            WlDataSource valid = hostile.Own(attacker.Manager.CreateDataSource());
            bool validCancelled = false;
            valid.Cancelled += _ => validCancelled = true;
            valid.Offer("text/plain");
            attacker.Device.StartDrag(valid, from.Surface, null, attacker.ButtonSerial);
            hostile.Roundtrip();
            session.Compositor.MovePointer(350, 350);
            target.DispatchUntil(() => dragEnters == 1, "the drag's enter at the target");
            Assert.False(validCancelled, "the drag quoting the press was cancelled");
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: false);
            hostile.DispatchUntil(() => validCancelled, "the drag dropped where nothing accepted it to be cancelled");

            target.Roundtrip();
            bystander.AssertServed();
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void A_selection_set_without_a_serial_of_the_clients_own_latest_input_is_ignored()
    {
        CompositorSession.Run("hostile-selection-serial", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using Rivals rivals = Rivals.Start(session);
            (ManagedClient hostile, SeatUser attacker, ManagedClient focused, SeatUser victim) = rivals;
            uint stale = attacker.KeyboardLeaveSerial;

            // The focused client copies on a key press, quoting the key's serial: it is offered its own selection.
            session.Compositor.Key(Keys.C, pressed: true);
            focused.DispatchUntil(() => victim.KeySerial != 0, "the key press");
            WlDataSource own = focused.Own(victim.Manager.CreateDataSource());
            bool ownCancelled = false;
            own.Cancelled += _ => ownCancelled = true;
            own.Offer("text/plain");
            victim.Device.SetSelection(own, victim.LastSerial);
            ZwpPrimarySelectionSourceV1 ownPrimary = focused.Own(victim.PrimaryManager.CreateSource());
            ownPrimary.Offer("text/plain");
            victim.PrimaryDevice.SetSelection(ownPrimary, victim.LastSerial);
            focused.DispatchUntil(() => victim.Selections.Count == 1 && victim.PrimarySelections == 1, "the focused client's own selections");

            // The attacker tries no serial, a serial it never received (the focused client's) and its own serial
            // from before the focused client copied, on both selections, and tries clearing them.
            WlDataSource source = hostile.Own(attacker.Manager.CreateDataSource());
            source.Offer("text/x-hostile");
            ZwpPrimarySelectionSourceV1 primary = hostile.Own(attacker.PrimaryManager.CreateSource());
            primary.Offer("text/x-hostile");
            foreach (uint serial in new[] { 0u, victim.LastSerial, stale, stale + 1 })
            {
                attacker.Device.SetSelection(source, serial);
                attacker.Device.SetSelection(null, serial);
                attacker.PrimaryDevice.SetSelection(primary, serial);
            }

            hostile.Roundtrip();
            focused.Roundtrip();
            Assert.Single(victim.Selections);
            Assert.Equal(1, victim.PrimarySelections);
            Assert.False(ownCancelled, "the focused client's selection was replaced");

            // The focused client's next change needs a newer serial (as in weston): the same one is ignored.
            WlDataSource again = focused.Own(victim.Manager.CreateDataSource());
            again.Offer("text/html");
            victim.Device.SetSelection(again, victim.LastSerial);
            focused.Roundtrip();
            Assert.Single(victim.Selections);
            uint press = victim.KeySerial;
            session.Compositor.Key(Keys.C, pressed: false);
            focused.DispatchUntil(() => victim.KeySerial != press, "the key release");
            victim.Device.SetSelection(again, victim.LastSerial);
            focused.DispatchUntil(() => victim.Selections.Count == 2 && ownCancelled, "the second selection");
            Assert.Equal(["text/html"], victim.Selections[1]);
            ZwpPrimarySelectionSourceV1 newerPrimary = focused.Own(victim.PrimaryManager.CreateSource());
            newerPrimary.Offer("text/plain");
            victim.PrimaryDevice.SetSelection(newerPrimary, victim.LastSerial);
            focused.DispatchUntil(() => victim.PrimarySelections == 2, "the focused client's newer primary selection");

            hostile.Roundtrip();
            bystander.AssertServed();
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Input_and_selection_for_one_client_do_not_walk_the_objects_of_another()
    {
        CompositorSession.Run("hostile-seat-objects", session =>
        {
            using Bystander bystander = Bystander.Start(session);

            // The attacker holds thousands of pointers, keyboards and data devices of both selections.
            using ManagedClient hostile = ManagedClient.Connect(session.SocketPath);
            WlSeat hostileSeat = hostile.Own(hostile.Globals.Bind<WlSeat>());
            WlDataDeviceManager hostileManager = hostile.Own(hostile.Globals.Bind<WlDataDeviceManager>());
            ZwpPrimarySelectionDeviceManagerV1 hostilePrimary = hostile.Own(hostile.Globals.Bind<ZwpPrimarySelectionDeviceManagerV1>());
            const int Many = 10_000;
            for (int i = 0; i < Many; i++)
            {
                hostile.Own(hostileSeat.GetPointer());
                hostile.Own(hostileManager.GetDataDevice(hostileSeat));
                hostile.Own(hostilePrimary.GetDevice(hostileSeat));
                if (i % 10 == 0)
                {
                    hostile.Own(hostileSeat.GetKeyboard()); // each is sent the keymap's fd: read them as they come
                }

                if (i % 500 == 0)
                {
                    hostile.Roundtrip();
                }
            }

            hostile.Roundtrip();

            // The focused client has one of each.
            using ManagedClient focused = ManagedClient.Connect(session.SocketPath);
            SeatUser own = new(focused);
            WlPointer pointer = focused.Own(own.Seat.GetPointer());
            int motions = 0;
            pointer.Motion += (_, _, _, _) => motions++;
            focused.MapWindow("focused", focused.SolidBuffer(100, 100, Argb.Red));
            WindowInfo window = session.WaitForWindow("focused");
            focused.DispatchUntil(() => own.Focused == true, "the keyboard focus");

            long before = session.Compositor.Invoke(() => session.Compositor.SeatObjectsVisited);
            for (int i = 0; i < 10; i++)
            {
                session.Compositor.MovePointer(window.Bounds.X + 10 + i, window.Bounds.Y + 10);
                session.Compositor.Key(Keys.A, pressed: true);
                session.Compositor.Key(Keys.A, pressed: false);
            }

            focused.Roundtrip();
            WlDataSource source = focused.Own(own.Manager.CreateDataSource());
            source.Offer("text/plain");
            own.Device.SetSelection(source, own.LastSerial);
            focused.Roundtrip();
            long visited = session.Compositor.Invoke(() => session.Compositor.SeatObjectsVisited) - before;
            Assert.True(motions >= 9, $"{motions} motions reached the focused client");

            // 10 × (enter or motion, frame, key, key) to one pointer or keyboard, and the selection to one device
            // (plus the odd leave): a few dozen, not tens of thousands.
            Assert.InRange(visited, 40, 100);

            focused.Roundtrip();
            hostile.Roundtrip();
            bystander.AssertServed();
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Focus_taken_and_given_back_again_and_again_does_not_resend_the_selection_to_a_client_that_holds_it()
    {
        CompositorSession.Run("hostile-focus-churn-selection", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using Rivals rivals = Rivals.Start(session);
            (ManagedClient hostile, SeatUser attacker, ManagedClient focused, SeatUser victim) = rivals;
            WlDataOffer? held = null;
            victim.Device.Selection += (_, offer) => held = offer;

            // The attacker takes the focus with a new window and sets a selection of 16 KiB of types with the serial
            // of the keyboard enter; then it gives the focus back and takes it again, 40 times. The focused client
            // does not read meanwhile, as a busy client would not.
            Wayland.Client.ShmBuffer buffer = hostile.SolidBuffer(40, 30, Argb.Blue);
            WlDataSource source = hostile.Own(attacker.Manager.CreateDataSource());
            int sends = 0;
            source.Send += (_, _, fd) =>
            {
                sends++;
                fd.Dispose();
            };
            for (int i = 0; i < 64; i++)
            {
                source.Offer($"application/x-hostile-{i:D2};{new string('x', 220)}");
            }

            int ClientCount() => session.Compositor.Invoke(() => session.Compositor.Display.Clients.Count);
            int clients = ClientCount();
            const int Cycles = 40;
            int cycles = 0;
            for (; cycles < Cycles && ClientCount() == clients; cycles++)
            {
                int i = cycles;
                TestWindow window = hostile.CreateWindow($"hostile {i}");
                window.Surface.Commit();
                hostile.DispatchUntil(() => window.Configures > 0, "the initial configure");
                window.Show(buffer);
                hostile.DispatchUntil(() => attacker.Focused == true, "the attacker's keyboard focus");
                if (i == 0)
                {
                    attacker.Device.SetSelection(source, attacker.LastSerial);
                }

                window.Toplevel.Dispose();
                window.XdgSurface.Dispose();
                window.Surface.Dispose();
                hostile.Roundtrip();
            }

            Assert.True(ClientCount() == clients, $"a client was disconnected after {cycles} changes of focus");
            Assert.False(attacker.Focused, "the attacker kept the keyboard focus");

            // The focused client got the attacker's selection once, with the first focus it was given back, and still
            // holds it: it can paste from it.
            focused.DispatchUntil(() => victim.Focused == true && held is not null, "the focus back at the focused client");
            focused.Roundtrip();
            Assert.Single(victim.Selections);
            Assert.Equal(64, victim.Selections[0].Count);
            using (AnonymousPipeServerStream pipe = new(PipeDirection.In))
            {
                using SafeFdHandle writeEnd = new((int)pipe.ClientSafePipeHandle.DangerousGetHandle(), ownsHandle: false);
                held!.Receive(victim.Selections[0][0], writeEnd);
                focused.Roundtrip();
            }

            hostile.DispatchUntil(() => sends == 1, "the paste to reach the attacker's source");

            // A client that lets its offer go is offered the selection again when the focus comes back.
            held!.Dispose();
            held = null;
            focused.Roundtrip();
            TestWindow last = hostile.MapWindow("hostile last", buffer);
            hostile.DispatchUntil(() => attacker.Focused == true, "the attacker's keyboard focus");
            last.Toplevel.Dispose();
            last.XdgSurface.Dispose();
            last.Surface.Dispose();
            hostile.Roundtrip();
            focused.DispatchUntil(() => held is not null, "the selection offered again");
            Assert.Equal(2, victim.Selections.Count);

            bystander.AssertServed();
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Focus_taken_and_given_back_hundreds_of_times_does_not_drop_a_busy_focused_client()
    {
        CompositorSession.Run("hostile-focus-churn", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using Rivals rivals = Rivals.Start(session);
            (ManagedClient hostile, SeatUser attacker, ManagedClient focused, SeatUser victim) = rivals;

            // Each cycle sends the focused client a leave, then an enter and the modifiers, in a loop turn of its own:
            // small writes, about 280 of which fill its socket however little they hold. It reads nothing meanwhile.
            Wayland.Client.ShmBuffer buffer = hostile.SolidBuffer(40, 30, Argb.Blue);
            int ClientCount() => session.Compositor.Invoke(() => session.Compositor.Display.Clients.Count);
            int clients = ClientCount();
            const int Cycles = 400;
            int cycles = 0;
            for (; cycles < Cycles && ClientCount() == clients; cycles++)
            {
                TestWindow window = hostile.MapWindow($"hostile {cycles}", buffer);
                hostile.DispatchUntil(() => attacker.Focused == true, "the attacker's keyboard focus");
                window.Toplevel.Dispose();
                window.XdgSurface.Dispose();
                window.Surface.Dispose();
                hostile.Roundtrip();
            }

            Assert.True(ClientCount() == clients, $"a client was disconnected after {cycles} changes of focus");
            focused.DispatchUntil(() => victim.Focused == true, "the focus back at the focused client");
            focused.Roundtrip();
            bystander.AssertServed();
            session.AssertNoProtocolErrors();
        });
    }

    [Fact]
    public void Receive_requests_flooding_the_owner_of_the_selection_reach_it_a_few_per_press()
    {
        CompositorSession.Run("hostile-receive-flood", session =>
        {
            using Bystander bystander = Bystander.Start(session);
            using Rivals rivals = Rivals.Start(session);
            (ManagedClient hostile, SeatUser attacker, ManagedClient focused, SeatUser victim) = rivals;

            // The focused client copies on a key press; its source counts the transfers it is asked for.
            session.Compositor.Key(Keys.C, pressed: true);
            focused.DispatchUntil(() => victim.KeySerial != 0, "the key press");
            session.Compositor.Key(Keys.C, pressed: false);
            ZwpPrimarySelectionSourceV1 primary = focused.Own(victim.PrimaryManager.CreateSource());
            WlDataSource source = focused.Own(victim.Manager.CreateDataSource());
            int sends = 0, primarySends = 0;
            source.Send += (_, _, fd) =>
            {
                sends++;
                fd.Dispose();
            };
            primary.Send += (_, _, fd) =>
            {
                primarySends++;
                fd.Dispose();
            };
            source.Offer("text/plain");
            primary.Offer("text/plain");
            victim.Device.SetSelection(source, victim.KeySerial);
            victim.PrimaryDevice.SetSelection(primary, victim.KeySerial);
            focused.Roundtrip();

            // The attacker takes the focus with a new window, which brings it offers of both selections.
            WlDataOffer? offer = null;
            ZwpPrimarySelectionOfferV1? primaryOffer = null;
            attacker.Device.Selection += (_, o) => offer = o;
            attacker.PrimaryDevice.Selection += (_, o) => primaryOffer = o;
            hostile.MapWindow("hostile again", hostile.SolidBuffer(40, 30, Argb.Blue));
            hostile.DispatchUntil(() => offer is not null && primaryOffer is not null, "the attacker's offers");

            // It asks for the text 5000 times from each, while the focused client, busy, does not read.
            int ClientCount() => session.Compositor.Invoke(() => session.Compositor.Display.Clients.Count);
            int clients = ClientCount();
            using AnonymousPipeServerStream pipe = new(PipeDirection.In);
            using SafeFdHandle writeEnd = new((int)pipe.ClientSafePipeHandle.DangerousGetHandle(), ownsHandle: false);
            void Flood(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    offer!.Receive("text/plain", writeEnd);
                    primaryOffer!.Receive("text/plain", writeEnd);
                    if (i % 250 == 249)
                    {
                        hostile.Roundtrip();
                    }
                }

                hostile.Roundtrip();
            }

            Flood(5000);
            Assert.True(ClientCount() == clients, "a client was disconnected by the flood of transfers");

            // The owner was asked for a few: the attacker's process may ask for 64 transfers between two presses the
            // seat sends it, from both selections together.
            focused.Roundtrip();
            Assert.Equal(64, sends + primarySends);

            // A key press to the attacker (a paste) lets it ask for 64 more.
            uint press = attacker.KeySerial;
            session.Compositor.Key(Keys.V, pressed: true);
            hostile.DispatchUntil(() => attacker.KeySerial != press, "the key press at the attacker");
            session.Compositor.Key(Keys.V, pressed: false);
            Flood(100);
            focused.Roundtrip();
            Assert.Equal(128, sends + primarySends);

            bystander.AssertServed();
            session.AssertNoProtocolErrors();
        });
    }

    /// <summary>Connects two clients, first and second, and sets them up with <paramref name="setUp"/>; when that fails, closes both.</summary>
    private static T ConnectTwo<T>(CompositorSession session, Func<ManagedClient, ManagedClient, T> setUp)
    {
        ManagedClient first = ManagedClient.Connect(session.SocketPath);
        ManagedClient? second = null;
        try
        {
            second = ManagedClient.Connect(session.SocketPath);
            return setUp(first, second);
        }
        catch
        {
            second?.Dispose();
            first.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The attacker and, connected after it, the focused client, each with a 40×30 window ("hostile", "focused"). The
    /// focused client maps its window last: it has the keyboard focus, the attacker had it and just lost it.
    /// </summary>
    private sealed record Rivals(ManagedClient Hostile, SeatUser Attacker, ManagedClient Focused, SeatUser Victim) : IDisposable
    {
        public static Rivals Start(CompositorSession session) => ConnectTwo(session, (hostile, focused) =>
        {
            SeatUser attacker = new(hostile);
            hostile.MapWindow("hostile", hostile.SolidBuffer(40, 30, Argb.Blue));
            hostile.DispatchUntil(() => attacker.Focused == true, "the attacker's keyboard focus");

            SeatUser victim = new(focused);
            focused.MapWindow("focused", focused.SolidBuffer(40, 30, Argb.Red));
            focused.DispatchUntil(() => victim.Focused == true, "the keyboard focus");
            hostile.DispatchUntil(() => attacker.Focused == false, "the attacker to lose the keyboard focus");
            return new Rivals(hostile, attacker, focused, victim);
        });

        public void Dispose()
        {
            Focused.Dispose();
            Hostile.Dispose();
        }
    }

    /// <summary>
    /// The attacker with a 100×100 window ("hostile") at (0, 300) to drag from, and the target, connected after it,
    /// with one ("target") at (300, 300) to drag onto.
    /// </summary>
    private sealed record DragRivals(ManagedClient Hostile, SeatUser Attacker, TestWindow From, ManagedClient Target, SeatUser Victim) : IDisposable
    {
        public static DragRivals Start(CompositorSession session) => ConnectTwo(session, (hostile, target) =>
        {
            SeatUser attacker = new(hostile);
            TestWindow from = hostile.MapWindow("hostile", hostile.SolidBuffer(100, 100, Argb.Blue));
            SeatUser victim = new(target);
            target.MapWindow("target", target.SolidBuffer(100, 100, Argb.Red));
            session.Compositor.MoveWindow(session.WaitForWindow("hostile").Id, 0, 300);
            session.Compositor.MoveWindow(session.WaitForWindow("target").Id, 300, 300);
            return new DragRivals(hostile, attacker, from, target, victim);
        });

        public void Dispose()
        {
            Target.Dispose();
            Hostile.Dispose();
        }
    }

    /// <summary>
    /// A client's seat: a keyboard whose latest serial it remembers, a data device and a primary selection device that
    /// record the types of every selection offered to them.
    /// </summary>
    private sealed class SeatUser
    {
        public SeatUser(ManagedClient client)
        {
            Seat = client.Own(client.Globals.Bind<WlSeat>());
            Manager = client.Own(client.Globals.Bind<WlDataDeviceManager>());
            Device = client.Own(Manager.GetDataDevice(Seat));
            PrimaryManager = client.Own(client.Globals.Bind<ZwpPrimarySelectionDeviceManagerV1>());
            PrimaryDevice = client.Own(PrimaryManager.GetDevice(Seat));
            WlKeyboard keyboard = client.Own(Seat.GetKeyboard());
            keyboard.Enter += (_, serial, _, _) => (LastSerial, Focused) = (serial, true);
            keyboard.Leave += (_, serial, _) => (LastSerial, KeyboardLeaveSerial, Focused) = (serial, serial, false);
            keyboard.Modifiers += (_, serial, _, _, _, _) => LastSerial = serial;
            keyboard.Key += (_, serial, _, _, _) => (LastSerial, KeySerial) = (serial, serial);
            WlPointer pointer = client.Own(Seat.GetPointer());
            pointer.Enter += (_, serial, _, _, _) => (LastSerial, PointerFocused) = (serial, true);
            pointer.Leave += (_, serial, _) => (LastSerial, PointerFocused) = (serial, false);
            pointer.Button += (_, serial, _, _, state) =>
            {
                LastSerial = serial;
                if (state == WlPointerButtonState.Pressed)
                {
                    ButtonSerial = serial;
                }
            };

            List<string>? pending = null;
            Device.DataOffer += (_, offer) =>
            {
                List<string> types = [];
                pending = types;
                offer.Offer += (_, type) => types.Add(type);
            };
            Device.Selection += (_, offer) =>
            {
                if (offer is not null && pending is { } types)
                {
                    Selections.Add(types);
                }

                pending = null;
            };
            PrimaryDevice.Selection += (_, offer) =>
            {
                if (offer is not null)
                {
                    PrimarySelections++;
                }
            };
            client.Roundtrip();
        }

        public WlSeat Seat { get; }

        public WlDataDeviceManager Manager { get; }

        public WlDataDevice Device { get; }

        public ZwpPrimarySelectionDeviceManagerV1 PrimaryManager { get; }

        public ZwpPrimarySelectionDeviceV1 PrimaryDevice { get; }

        /// <summary>The serial of the latest keyboard or pointer event.</summary>
        public uint LastSerial { get; private set; }

        public bool? Focused { get; private set; }

        public uint KeyboardLeaveSerial { get; private set; }

        public uint KeySerial { get; private set; }

        /// <summary>The serial of the latest button press.</summary>
        public uint ButtonSerial { get; private set; }

        public bool PointerFocused { get; private set; }

        /// <summary>The types of each selection offered, oldest first (an empty selection is not listed).</summary>
        public List<List<string>> Selections { get; } = [];

        /// <summary>How many primary selections (not empty ones) were offered.</summary>
        public int PrimarySelections { get; private set; }
    }
}
