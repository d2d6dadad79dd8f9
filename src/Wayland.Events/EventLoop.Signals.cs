using System.Runtime.InteropServices;

namespace Wayland.Events;

public sealed partial class EventLoop
{
    private readonly Lock _signalLock = new();
    private readonly Dictionary<int, SignalRoute> _signalRoutes = [];

    /// <summary>Routes a signal to <paramref name="source"/> through the runtime's handler too (see <see cref="SignalEventSource"/>).</summary>
    private void AttachSignal(SignalEventSource source)
    {
        lock (_signalLock)
        {
            if (!_signalRoutes.TryGetValue(source.SignalNumber, out SignalRoute? route))
            {
                route = new SignalRoute(this);
                route.Registration = PosixSignalRegistration.Create((PosixSignal)source.SignalNumber, route.OnSignal);
                _signalRoutes.Add(source.SignalNumber, route);
            }

            route.Sources.Add(source);
        }
    }

    private void DetachSignal(SignalEventSource source)
    {
        PosixSignalRegistration? unused = null;
        lock (_signalLock)
        {
            if (_signalRoutes.TryGetValue(source.SignalNumber, out SignalRoute? route) && route.Sources.Remove(source) && route.Sources.Count == 0)
            {
                _signalRoutes.Remove(source.SignalNumber);
                unused = route.Registration;
            }
        }

        unused?.Dispose();
    }

    /// <summary>On the loop's thread: calls the signal sources the runtime's handler marked.</summary>
    private void DeliverPendingSignals()
    {
        if (_signalRoutes.Count == 0)
        {
            return;
        }

        SignalEventSource[] ready;
        lock (_signalLock)
        {
            int count = 0;
            foreach (SignalRoute route in _signalRoutes.Values)
            {
                count += route.Sources.Count;
            }

            ready = new SignalEventSource[count];
            count = 0;
            foreach (SignalRoute route in _signalRoutes.Values)
            {
                foreach (SignalEventSource source in route.Sources)
                {
                    ready[count++] = source;
                }
            }
        }

        foreach (SignalEventSource source in ready)
        {
            if (!source.IsRemoved && source.TakePending())
            {
                source.Dispatch(FdEvents.None);
            }
        }
    }

    /// <summary>The runtime-side registration of one signal number, shared by the loop's sources for it.</summary>
    private sealed class SignalRoute(EventLoop loop)
    {
        internal List<SignalEventSource> Sources { get; } = [];

        internal PosixSignalRegistration? Registration { get; set; }

        /// <summary>Runs on the runtime's signal-handling thread (not in signal context).</summary>
        internal void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            lock (loop._signalLock)
            {
                foreach (SignalEventSource source in Sources)
                {
                    source.MarkPending();
                }
            }

            loop.Wake();
        }
    }
}
