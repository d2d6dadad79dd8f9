using System.Runtime.ExceptionServices;
using Wayland.Client.Protocol;
using Wayland.Client.Tests.WireTest.Client;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Client.Tests;

/// <summary>
/// The prepare-read / read / cancel protocol with several threads, after libwayland's display-test.c
/// threading_* cases: whatever ends a round — a cancel, an empty read, a broken connection, a posted error,
/// disposal — wakes every thread waiting in <see cref="WaylandDisplay.ReadEvents"/>, and an error is sticky.
/// The 60-second limits only turn a deadlock into a failure.
/// </summary>
public class ThreadedReadTests
{
    private static readonly TimeSpan DeadlockGuard = TimeSpan.FromSeconds(60);

    /// <summary>Waits until <paramref name="count"/> threads are asleep in ReadEvents.</summary>
    private static void WaitForWaitingReaders(WaylandDisplay display, int count)
    {
        DateTime giveUp = DateTime.UtcNow + DeadlockGuard;
        while (display.WaitingReaders != count)
        {
            Assert.True(DateTime.UtcNow < giveUp, $"{display.WaitingReaders} threads wait in ReadEvents, expected {count}");
            Thread.Sleep(1);
        }
    }

    /// <summary>
    /// Prepares a read on this thread, then starts <paramref name="count"/> threads that prepare, call
    /// ReadEvents (where they wait, as this thread is prepared too) and then <paramref name="afterRead"/>;
    /// returns once they all sleep in ReadEvents.
    /// </summary>
    private static ReaderThread[] StartWaitingReaders(WaylandDisplay display, int count, Action? afterRead = null)
    {
        Assert.True(display.PrepareRead());
        ReaderThread[] readers = Enumerable.Range(0, count).Select(_ => ReaderThread.Start(() =>
        {
            Assert.True(display.PrepareRead());
            display.ReadEvents();
            afterRead?.Invoke();
        })).ToArray();
        WaitForWaitingReaders(display, count);
        return readers;
    }

    [Fact]
    public void Cancelling_the_last_prepared_read_wakes_the_threads_waiting_in_ReadEvents()
    {
        using RawCompositor compositor = RawCompositor.Create();
        WaylandDisplay display = compositor.Display;
        ReaderThread[] readers = StartWaitingReaders(display, 3, () => Assert.Equal(0, display.DispatchPending()));

        display.CancelRead();
        foreach (ReaderThread reader in readers)
        {
            reader.Join();
        }

        Assert.Null(display.Error);
        Assert.Equal(0, display.WaitingReaders);

        // The count of prepared readers is back to 0: the next round reads on its own.
        compositor.SendDone(display.CreateProxy<WlCallback>(1).Id);
        Assert.True(display.PrepareRead());
        Assert.True(UnixSocket.Wait(display.Socket, writable: false, DeadlockGuard));
        display.ReadEvents();
        Assert.Equal(1, display.DispatchPending());
    }

    [Fact]
    public void A_read_that_finds_nothing_wakes_the_threads_waiting_in_ReadEvents()
    {
        using RawCompositor compositor = RawCompositor.Create();
        WaylandDisplay display = compositor.Display;
        ReaderThread[] readers = StartWaitingReaders(display, 3, () => Assert.Equal(0, display.DispatchPending()));

        display.ReadEvents(); // the last reader: recvmsg says EAGAIN, which is not an error
        foreach (ReaderThread reader in readers)
        {
            reader.Join();
        }

        Assert.Null(display.Error);
    }

    [Fact]
    public void A_dispatch_reads_what_is_already_there_without_polling_and_backs_off_after_misses()
    {
        using RawCompositor compositor = RawCompositor.Create();
        WaylandDisplay display = compositor.Display;
        using WlCallback callback = display.CreateProxy<WlCallback>(1);
        int done = 0;
        callback.Done += (_, _) => done++;

        // The event is in the socket before the dispatch starts: its read ahead takes it.
        compositor.SendDone(callback.Id);
        UnixSocket.Wait(display.Socket, writable: false, DeadlockGuard);
        Assert.Equal(1, display.Dispatch());
        Assert.Equal((1, 1L, 0L), (done, display.ReadAheadHits, display.ReadAheadMisses));

        // Nothing there: the read ahead misses, and the next steps wait with poll without trying (1, then 2 steps).
        Assert.Equal(0, display.Dispatch(TimeSpan.FromMilliseconds(1)));
        Assert.Equal(1L, display.ReadAheadMisses);
        Assert.Equal(0, display.Dispatch(TimeSpan.FromMilliseconds(1)));
        Assert.Equal(1L, display.ReadAheadMisses);
        Assert.Equal(0, display.Dispatch(TimeSpan.FromMilliseconds(1)));
        Assert.Equal(2L, display.ReadAheadMisses);

        // While it backs off, a step polls before reading, even when the event is there (2 steps, then it tries).
        for (int step = 0; step < 3; step++)
        {
            compositor.SendDone(callback.Id);
            UnixSocket.Wait(display.Socket, writable: false, DeadlockGuard);
            Assert.Equal(1, display.Dispatch());
        }

        Assert.Equal((4, 2L, 2L), (done, display.ReadAheadHits, display.ReadAheadMisses));

        // With another thread prepared to read, a step does not read ahead: it waits, and the last reader reads for all.
        compositor.SendDone(callback.Id);
        UnixSocket.Wait(display.Socket, writable: false, DeadlockGuard);
        Assert.True(display.PrepareRead());
        ReaderThread reader = ReaderThread.Start(() => Assert.Equal(1, display.Dispatch()));
        WaitForWaitingReaders(display, 1);
        display.ReadEvents();
        reader.Join();
        Assert.Equal((5, 2L, 2L), (done, display.ReadAheadHits, display.ReadAheadMisses));
        Assert.Null(display.Error);
    }

    [Theory]
    [InlineData(false, 32)]  // end-of-file: libwayland fakes EPIPE
    [InlineData(true, 104)]  // the compositor closed with our request unread: recvmsg fails with ECONNRESET
    public void A_broken_connection_wakes_waiting_readers_with_the_error_and_the_error_is_sticky(bool unreadRequest, int errno)
    {
        OpenFds.Snapshot fdsBefore = OpenFds.Take();
        using (RawCompositor compositor = RawCompositor.Create())
        {
            WaylandDisplay display = compositor.Display;
            WlCallback? callback = null;
            if (unreadRequest)
            {
                callback = display.Proxy.Sync();
                Assert.True(display.Flush());
            }

            ReaderThread[] readers = StartWaitingReaders(display, 2);

            compositor.HangUp();
            WaylandIOException error = Assert.Throws<WaylandIOException>(() => display.ReadEvents());
            Assert.Equal(errno, error.Errno);
            foreach (ReaderThread reader in readers)
            {
                Assert.Same(error, reader.JoinExpectingFailure());
            }

            Assert.Same(error, display.Error);
            Assert.Same(error, Assert.Throws<WaylandIOException>(() => display.PrepareRead()));
            Assert.Same(error, Assert.Throws<WaylandIOException>(() => display.DispatchPending()));
            Assert.Same(error, Assert.Throws<WaylandIOException>(() => display.Dispatch()));
            Assert.Same(error, Assert.Throws<WaylandIOException>(() => display.Flush()));
            Assert.Same(error, Assert.Throws<WaylandIOException>(() => display.Roundtrip()));
            Assert.Same(error, Assert.Throws<WaylandIOException>(() => display.GetRegistry()));
            callback?.Dispose();
        }

        OpenFds.AssertUnchanged(fdsBefore);
    }

    [Fact]
    public void An_error_found_outside_ReadEvents_wakes_the_waiting_readers_and_fails_the_prepared_one()
    {
        using RawCompositor compositor = RawCompositor.Create();
        WaylandDisplay display = compositor.Display;
        ReaderThread reader = StartWaitingReaders(display, 1)[0];

        // Nobody reads: the failure comes from a send to the vanished compositor.
        compositor.HangUp();
        using WlCallback callback = display.Proxy.Sync();
        WaylandIOException error = Assert.Throws<WaylandIOException>(() => display.Flush());
        Assert.Same(error, reader.JoinExpectingFailure());

        // This thread had prepared before the error; its read now fails with it instead of reading.
        Assert.Same(error, Assert.Throws<WaylandIOException>(() => display.ReadEvents()));
        Assert.Same(error, Assert.Throws<WaylandIOException>(() => display.PrepareRead()));
    }

    [Fact]
    public void Disposing_the_display_wakes_the_threads_waiting_in_ReadEvents()
    {
        using RawCompositor compositor = RawCompositor.Create();
        ReaderThread reader = StartWaitingReaders(compositor.Display, 1)[0];

        compositor.Display.Dispose();
        WaylandException error = Assert.IsType<WaylandException>(reader.JoinExpectingFailure());
        Assert.Contains("disposed", error.Message);
    }

    [Fact]
    public void A_posted_protocol_error_reaches_the_threads_blocked_in_ReadEvents()
    {
        using NativePeerSession session = NativePeerSession.Start();
        WaylandDisplay display = session.Display;
        WltPeer peer = session.Peer;
        ReaderThread[] readers = StartWaitingReaders(display, 2, () => display.DispatchPending());

        peer.PostError(5, "threaded");
        Assert.True(display.Flush());
        Assert.True(UnixSocket.Wait(display.Socket, writable: false, DeadlockGuard));
        display.ReadEvents();
        WaylandProtocolException error = Assert.Throws<WaylandProtocolException>(() => display.DispatchPending());
        Assert.Equal(5u, error.Code);
        Assert.Equal("wlt_peer", error.InterfaceName);
        Assert.Equal(peer.Id, error.ObjectId);
        foreach (ReaderThread reader in readers)
        {
            Assert.Same(error, reader.JoinExpectingFailure());
        }

        Assert.Same(error, Assert.Throws<WaylandProtocolException>(() => display.PrepareRead()));
    }

    [Fact]
    public void A_posted_protocol_error_ends_a_blocking_Dispatch_on_another_thread()
    {
        using NativePeerSession session = NativePeerSession.Start();
        WaylandDisplay display = session.Display;
        WltPeer peer = session.Peer;
        using EventQueue queue = display.CreateQueue("peer");
        peer.Queue = queue;

        // The dispatcher sleeps in poll(): nothing comes for the default queue until the compositor hangs up.
        ReaderThread dispatcher = ReaderThread.Start(() =>
        {
            while (true)
            {
                display.Dispatch();
            }
        });
        peer.PostError(6, "to a dispatcher");
        Assert.True(display.Flush());

        WaylandProtocolException error = Assert.IsType<WaylandProtocolException>(dispatcher.JoinExpectingFailure());
        Assert.Equal(6u, error.Code);
        Assert.Equal(peer.Id, error.ObjectId);
        Assert.Same(error, Assert.Throws<WaylandProtocolException>(() => queue.Dispatch()));
    }

    /// <summary>A thread running a test body; failures are kept for the test thread to look at.</summary>
    private sealed class ReaderThread
    {
        private readonly Thread _thread;
        private Exception? _failure;

        private ReaderThread(Action body)
        {
            _thread = new Thread(() =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    _failure = e;
                }
            })
            {
                IsBackground = true,
                Name = "reader",
            };
        }

        public static ReaderThread Start(Action body)
        {
            ReaderThread reader = new(body);
            reader._thread.Start();
            return reader;
        }

        /// <summary>Joins; rethrows what the thread threw.</summary>
        public void Join()
        {
            Assert.True(_thread.Join(DeadlockGuard), "a reader thread is stuck (deadlock)");
            if (_failure is not null)
            {
                ExceptionDispatchInfo.Throw(_failure);
            }
        }

        /// <summary>Joins and returns the exception the thread ended with (failing when it ended normally).</summary>
        public Exception JoinExpectingFailure()
        {
            Assert.True(_thread.Join(DeadlockGuard), "a reader thread is stuck (deadlock)");
            Assert.NotNull(_failure);
            return _failure;
        }
    }
}
