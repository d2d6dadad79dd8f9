using Wayland.Client.Protocol;
using Wayland.Protocols;

namespace Wayland.Compositor.Tests;

/// <summary>
/// Drag and drop from Wayland.Client programs where weston-dnd cannot go: a drag asked for without a held button is
/// cancelled at once; a source destroyed in the middle of a drag ends it with leave at the target, after which the
/// pointer works as before; the events of an accepted drop in order (target, action, drop, leave, drop performed), and
/// an offer destroyed after the drop without finish cancels the source.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class DragEdgeTests
{
    [Fact]
    public void A_drag_without_a_held_button_is_cancelled_and_a_destroyed_source_ends_the_drag()
    {
        CompositorSession.Run("dnd-edges", session =>
        {
            using ManagedClient origin = ManagedClient.Connect(session.SocketPath);
            using ManagedClient target = ManagedClient.Connect(session.SocketPath);
            TestWindow from = origin.MapWindow("from", origin.SolidBuffer(100, 100, Argb.Blue));
            target.MapWindow("to", target.SolidBuffer(100, 100, Argb.Red));
            session.Compositor.MoveWindow(session.WaitForWindow("from").Id, 0, 0);
            session.Compositor.MoveWindow(session.WaitForWindow("to").Id, 200, 0);

            WlDataDeviceManager originManager = origin.Own(origin.Globals.Bind<WlDataDeviceManager>());
            WlSeat originSeat = origin.Own(origin.Globals.Bind<WlSeat>());
            WlPointer originPointer = origin.Own(originSeat.GetPointer());
            uint pressSerial = 0;
            originPointer.Button += (_, serial, _, _, _) => pressSerial = serial;
            WlDataDevice originDevice = origin.Own(originManager.GetDataDevice(originSeat));
            List<string> originEvents = [];
            originDevice.Enter += (_, _, _, x, y, _) => originEvents.Add($"enter {x:0} {y:0}");
            originDevice.Leave += _ => originEvents.Add("leave");
            WlDataDeviceManager targetManager = target.Own(target.Globals.Bind<WlDataDeviceManager>());
            WlSeat targetSeat = target.Own(target.Globals.Bind<WlSeat>());
            WlDataDevice targetDevice = target.Own(targetManager.GetDataDevice(targetSeat));
            List<string> targetEvents = [];
            List<string> offered = [];
            targetDevice.DataOffer += (_, offer) => offer.Offer += (_, type) => offered.Add(type);
            (uint Serial, WlDataOffer? Offer) lastEnter = default;
            targetDevice.Enter += (_, serial, _, x, y, offer) =>
            {
                lastEnter = (serial, offer);
                targetEvents.Add($"enter {x:0} {y:0} {(offer is null ? "no offer" : "offer")}");
            };
            targetDevice.Drop += _ => targetEvents.Add("drop");
            targetDevice.Leave += _ => targetEvents.Add("leave");
            WlPointer targetPointer = target.Own(targetSeat.GetPointer());
            int targetPointerEnters = 0;
            targetPointer.Enter += (_, _, _, _, _) => targetPointerEnters++;
            target.Roundtrip(); // the compositor knows the target's data device before the drag reaches it

            // No button held: cancelled at once.
            WlDataSource idle = origin.Own(originManager.CreateDataSource());
            bool idleCancelled = false;
            idle.Cancelled += _ => idleCancelled = true;
            idle.Offer("text/plain");
            originDevice.StartDrag(idle, from.Surface, null, 0);
            origin.DispatchUntil(() => idleCancelled, "the source of a drag without a held button to be cancelled");

            // Held on the origin's window: the drag follows the pointer onto the target's window.
            session.Compositor.MovePointer(50, 50);
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: true);
            origin.DispatchUntil(() => pressSerial != 0, "the press");
            WlDataSource source = originManager.CreateDataSource();
            bool cancelled = false;
            source.Cancelled += _ => cancelled = true;
            source.Offer("text/plain");
            source.Offer("text/uri-list");
            source.SetActions(WlDataDeviceManagerDndAction.Copy);
            originDevice.StartDrag(source, from.Surface, null, pressSerial);
            origin.Roundtrip();
            session.Compositor.MovePointer(230, 40);
            origin.Roundtrip();
            Assert.False(cancelled, "the drag's source was cancelled");
            Assert.Equal(["enter 50 50", "leave"], originEvents);
            target.DispatchUntil(() => targetEvents.Count >= 1, "enter at the target");
            Assert.Equal(["enter 30 40 offer"], targetEvents);
            Assert.Equal(["text/plain", "text/uri-list"], offered);
            Assert.Equal(0, targetPointerEnters);

            // The source goes: the target is left, the drag is over, and the pointer comes back to the target.
            source.Dispose();
            origin.Roundtrip();
            target.DispatchUntil(() => targetEvents.Count == 2 && targetPointerEnters == 1, "leave, then the pointer's enter");
            Assert.Equal("leave", targetEvents[1]);
            Assert.False(cancelled);
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: false);
            session.Compositor.Click(250, 50);
            Assert.Equal("to", session.Compositor.GetWindows()[^1].Title);

            // A drop the target accepted, then its offer destroyed without finish: the source is cancelled.
            session.Compositor.MovePointer(50, 50);
            pressSerial = 0;
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: true);
            origin.DispatchUntil(() => pressSerial != 0, "the second press");
            using WlDataSource dropped = originManager.CreateDataSource();
            List<string> sourceEvents = [];
            dropped.Target += (_, type) => sourceEvents.Add($"target {type}");
            dropped.Action += (_, action) => sourceEvents.Add($"action {action}");
            dropped.DndDropPerformed += _ => sourceEvents.Add("drop performed");
            dropped.DndFinished += _ => sourceEvents.Add("finished");
            dropped.Cancelled += _ => sourceEvents.Add("cancelled");
            dropped.Offer("text/plain");
            dropped.SetActions(WlDataDeviceManagerDndAction.Copy | WlDataDeviceManagerDndAction.Move);
            originDevice.StartDrag(dropped, from.Surface, null, pressSerial);
            origin.Roundtrip();
            targetEvents.Clear();
            session.Compositor.MovePointer(240, 40);
            target.DispatchUntil(() => targetEvents.Count == 1, "enter at the target for the second drag");
            WlDataOffer offer = Assert.IsType<WlDataOffer>(lastEnter.Offer);
            offer.Accept(lastEnter.Serial, "text/plain");
            offer.SetActions(WlDataDeviceManagerDndAction.Move, WlDataDeviceManagerDndAction.Move);
            target.Roundtrip();
            session.Compositor.PointerButton(Keys.ButtonLeft, pressed: false);
            target.DispatchUntil(() => targetEvents.Count == 3, "drop and leave at the target");
            Assert.Equal(["enter 40 40 offer", "drop", "leave"], targetEvents);
            origin.DispatchUntil(() => sourceEvents.Contains("drop performed"), "dnd_drop_performed at the source");
            Assert.Equal(["target text/plain", "action Move", "drop performed"], sourceEvents);
            offer.Dispose();
            target.Roundtrip();
            origin.DispatchUntil(() => sourceEvents.Count == 4, "the source to be cancelled");
            Assert.Equal("cancelled", sourceEvents[3]);
            session.AssertNoProtocolErrors();
        });
    }
}
