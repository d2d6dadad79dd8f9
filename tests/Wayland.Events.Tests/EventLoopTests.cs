using System.Diagnostics;
using Wayland.Testing;
using Wayland.Wire;

namespace Wayland.Events.Tests;

/// <summary>The cases of libwayland's tests/event-loop-test.c, and the loop's .NET-side additions.</summary>
public class EventLoopTests
{
    [Fact]
    public void Dispatch_timeout_rounds_up_to_whole_milliseconds_and_rejects_negative_spans()
    {
        Assert.Equal(-1, EventLoop.ToMilliseconds(Timeout.InfiniteTimeSpan));
        Assert.Equal(0, EventLoop.ToMilliseconds(TimeSpan.Zero));
        Assert.Equal(1, EventLoop.ToMilliseconds(TimeSpan.FromTicks(1)));
        Assert.Equal(20, EventLoop.ToMilliseconds(TimeSpan.FromMilliseconds(20)));
        Assert.Equal(int.MaxValue, EventLoop.ToMilliseconds(TimeSpan.FromDays(100)));
        using EventLoop loop = new();
        Assert.Throws<ArgumentOutOfRangeException>(() => loop.Dispatch(TimeSpan.FromMilliseconds(-2)));

        // A 30 ms timeout waits (about) that long with nothing to do.
        Stopwatch clock = Stopwatch.StartNew();
        Assert.Equal(0, loop.Dispatch(TimeSpan.FromMilliseconds(30)));
        Assert.True(clock.ElapsedMilliseconds >= 29, $"returned after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public void Post_dispatch_check_calls_a_checked_source_with_no_events()
    {
        using EventLoop loop = new();
        (SafeFdHandle read, SafeFdHandle write) = UnixSocket.CreatePair();
        using (read)
        using (write)
        {
            int ran = 0;
            FdEventSource source = loop.AddFd(read, FdEvents.Readable, (_, events) =>
            {
                Assert.Equal(FdEvents.None, events);
                ran++;
            });
            source.Check();
            loop.Dispatch(TimeSpan.Zero);
            Assert.Equal(1, ran);
            source.Remove();
        }
    }

    [Fact]
    public void Removing_another_source_from_a_callback_keeps_it_from_running()
    {
        using EventLoop loop = new();
        (SafeFdHandle read1, SafeFdHandle write1) = UnixSocket.CreatePair();
        (SafeFdHandle read2, SafeFdHandle write2) = UnixSocket.CreatePair();
        FdEventSource? source1 = null;
        FdEventSource? source2 = null;
        int count = 0;
        void Callback(int fd, FdEvents events)
        {
            count++;
            if (fd == read1.Fd)
            {
                source2!.Remove();
                source2 = null;
            }
            else
            {
                source1!.Remove();
                source1 = null;
            }
        }

        source1 = loop.AddFd(read1, FdEvents.Readable, Callback);
        source2 = loop.AddFd(read2, FdEvents.Readable, Callback);
        TestSupport.WriteInt(write1, 5);
        TestSupport.WriteInt(write2, 5);
        loop.Dispatch(TimeSpan.Zero);
        Assert.Equal(1, count);
        source1?.Remove();
        source2?.Remove();
        foreach (SafeFdHandle fd in new[] { read1, write1, read2, write2 })
        {
            fd.Dispose();
        }
    }

    [Fact]
    public void A_signal_sent_to_the_process_reaches_its_source()
    {
        using EventLoop loop = new();
        int got = 0;
        SignalEventSource source = loop.AddSignal(TestSupport.SIGUSR1, signal =>
        {
            Assert.Equal(TestSupport.SIGUSR1, signal);
            got++;
        });
        Assert.Equal(0, loop.Dispatch(TimeSpan.Zero));
        Assert.Equal(0, got);
        TestSupport.Kill(TestSupport.SIGUSR1);
        loop.Dispatch(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(1, got);
        source.Remove();
    }

    [Fact]
    public void Two_sources_of_the_same_signal_both_run()
    {
        using EventLoop loop = new();
        int calls = 0;
        SignalEventSource s1 = loop.AddSignal(TestSupport.SIGUSR1, _ => calls++);
        SignalEventSource s2 = loop.AddSignal(TestSupport.SIGUSR1, _ => calls++);
        Assert.Equal(0, loop.Dispatch(TimeSpan.Zero));
        Assert.Equal(0, calls);
        for (int i = 0; i < 5; i++)
        {
            calls = 0;
            TestSupport.Kill(TestSupport.SIGUSR1);
            // Both signalfds turn readable for the one pending signal, but on two CPUs the loop can wake and
            // collect the first before the kernel has marked the second: keep dispatching until both ran.
            Stopwatch clock = Stopwatch.StartNew();
            while (calls < 2 && clock.Elapsed < TimeSpan.FromSeconds(1))
            {
                loop.Dispatch(TimeSpan.FromMilliseconds(100));
            }

            Assert.Equal(2, calls);
        }

        s1.Remove();
        calls = 0;
        TestSupport.Kill(TestSupport.SIGUSR1);
        loop.Dispatch(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(1, calls);
        s2.Remove();
    }

    [Fact]
    public void A_signal_pending_on_the_loop_thread_is_read_from_the_signalfd()
    {
        using EventLoop loop = new();
        int got = 0;
        // The source blocks SIGUSR2 for this thread, so a signal aimed at this thread stays pending for the signalfd.
        SignalEventSource source = loop.AddSignal(TestSupport.SIGUSR2, _ => got++);
        TestSupport.RaiseOnThisThread(TestSupport.SIGUSR2);
        loop.Dispatch(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(1, got);
        Assert.Equal(0, loop.Dispatch(TimeSpan.Zero));
        Assert.Equal(1, got);
        source.Remove();
    }

    [Fact]
    public void A_timer_that_reschedules_another_due_timer_does_not_block_the_dispatch()
    {
        using EventLoop loop = new();
        int count = 0;
        TimerEventSource? source1 = null;
        TimerEventSource? source2 = null;
        source1 = loop.AddTimer(() =>
        {
            count++;
            source2!.Update(1000);
        });
        source2 = loop.AddTimer(() =>
        {
            count++;
            source1.Update(1000);
        });
        source1.Update(10);
        source2.Update(10);
        Thread.Sleep(15);
        Stopwatch clock = Stopwatch.StartNew();
        loop.Dispatch(TimeSpan.FromMilliseconds(20));
        Assert.Equal(2, count);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"dispatch took {clock.Elapsed}");
        source1.Remove();
        source2.Remove();
    }

    [Fact]
    public void Due_timers_run_in_deadline_order()
    {
        using EventLoop loop = new();
        List<int> fired = [];
        TimerEventSource[] timers = new TimerEventSource[20];
        for (int i = 0; i < 20; i++)
        {
            int number = i;
            timers[i] = loop.AddTimer(() => fired.Add(number));
            timers[i].Update(10);
        }

        // Permute the order of updates to exercise the heap, then disarm the even ones.
        for (int i = 0; i < 20; i++)
        {
            int j = (i + 3) * 17 % 20;
            timers[j].Update(j);
        }

        for (int i = 0; i < 20; i += 2)
        {
            timers[i].Update(0);
        }

        // Deadlines are taken from the clock at each Update, so a descheduled test thread can reorder them;
        // the loop must follow the deadlines actually set, whatever they are.
        long[] deadlines = timers.Select(t => t.Deadline).ToArray();
        Thread.Sleep(21);
        loop.Dispatch(TimeSpan.Zero);
        Assert.Equal([1, 3, 5, 7, 9, 11, 13, 15, 17, 19], fired.Order());
        for (int k = 1; k < fired.Count; k++)
        {
            Assert.True(deadlines[fired[k - 1]] <= deadlines[fired[k]], $"timer {fired[k - 1]} ran before {fired[k]}, which was due earlier");
        }

        foreach (TimerEventSource timer in timers)
        {
            timer.Remove();
        }
    }

    [Fact]
    public void Only_removal_cancels_a_timer_already_due_in_the_batch()
    {
        using EventLoop loop = new();
        TimerEventSource[] timers = new TimerEventSource[4];
        int[] order = new int[4];
        int called = 0;
        int first = -1;
        for (int i = 0; i < 4; i++)
        {
            int index = i;
            timers[i] = loop.AddTimer(() =>
            {
                called++;
                order[index] = called;
                if (called == 1)
                {
                    first = index;
                    timers[(index + 1) % 4].Remove();
                    timers[(index + 2) % 4].Update(0);
                    timers[(index + 3) % 4].Update(2_000_000_000);
                }
            });
            timers[i].Update(1);
        }

        Thread.Sleep(2);
        loop.Dispatch(TimeSpan.Zero);
        Assert.Equal(1, order[first]);
        Assert.Equal(0, order[(first + 1) % 4]);
        Assert.True(order[(first + 2) % 4] > 1);
        Assert.True(order[(first + 3) % 4] > 1);
        timers[first].Remove();
        timers[(first + 2) % 4].Remove();
        timers[(first + 3) % 4].Remove();
    }

    [Fact]
    public void Timers_run_before_fd_sources_of_the_same_batch()
    {
        using EventLoop loop = new();
        (SafeFdHandle read, SafeFdHandle write) = UnixSocket.CreatePair();
        List<string> calls = [];
        TimerEventSource? timer = null;
        FdEventSource fdSource = loop.AddFd(read, FdEvents.Readable, (_, _) =>
        {
            calls.Add("fd");
            timer!.Update(0); // too late: the timer already ran
        });
        timer = loop.AddTimer(() => calls.Add("timer"));
        timer.Update(1);
        TestSupport.WriteInt(write, 1);
        Thread.Sleep(5);
        loop.Dispatch(TimeSpan.Zero);
        Assert.Equal(["timer", "fd"], calls);
        fdSource.Remove();
        timer.Remove();
        read.Dispose();
        write.Dispose();
    }

    [Fact]
    public void A_cancelled_timer_does_not_fire_and_an_updated_one_fires_once()
    {
        using EventLoop loop = new();
        int fired = 0;
        TimerEventSource timer = loop.AddTimer(() => fired++);
        timer.Update(1);
        Assert.True(timer.IsArmed);
        timer.Update(0);
        Assert.False(timer.IsArmed);
        Thread.Sleep(5);
        loop.Dispatch(TimeSpan.Zero);
        Assert.Equal(0, fired);

        timer.Update(1);
        timer.Update(2);
        loop.Dispatch(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(1, fired);
        Assert.False(timer.IsArmed);
        Assert.Equal(0, loop.Dispatch(TimeSpan.FromMilliseconds(10)));
        Assert.Equal(1, fired);
        timer.Remove();
    }

    [Fact]
    public void Each_expiry_wakes_the_loop_once_and_a_timer_armed_again_fires_again()
    {
        // The timerfd is edge-triggered and left expired (not read, not disarmed) when no timer is pending.
        using EventLoop loop = new();
        using EventLoop outer = new();
        int outerCalls = 0;
        FdEventSource nested = outer.AddFd(loop.Fd, FdEvents.Readable, (_, _) => outerCalls++);
        int fired = 0;
        TimerEventSource timer = loop.AddTimer(() => fired++);
        for (int round = 1; round <= 3; round++)
        {
            timer.Update(1);
            Assert.Equal(1, loop.Dispatch(TimeSpan.FromMilliseconds(1000)));
            Assert.Equal(round, fired);
            Assert.Equal(0, loop.Dispatch(TimeSpan.FromMilliseconds(5)));
            Assert.Equal(0, outer.Dispatch(TimeSpan.Zero));
        }

        // Armed again from its own callback (as a refresh timer is), and with another timer pending.
        int again = 0;
        TimerEventSource repeating = null!;
        repeating = loop.AddTimer(() =>
        {
            if (++again < 3)
            {
                repeating.Update(1);
            }
        });
        TimerEventSource later = loop.AddTimer(() => fired++);
        later.Update(200);
        repeating.Update(1);
        Stopwatch clock = Stopwatch.StartNew();
        while (again < 3 && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            loop.Dispatch(TimeSpan.FromMilliseconds(1000));
        }

        Assert.Equal(3, again);
        Assert.Equal(3, fired);
        Assert.True(later.IsArmed);
        Assert.Equal(1, loop.Dispatch(TimeSpan.FromMilliseconds(1000)));
        Assert.Equal(4, fired);
        Assert.Equal(0, loop.Dispatch(TimeSpan.FromMilliseconds(5)));
        Assert.Equal(0, outerCalls);
        nested.Remove();
        timer.Remove();
        repeating.Remove();
        later.Remove();
    }

    [Fact]
    public void Idle_sources_run_once_at_the_next_dispatch_unless_removed()
    {
        using EventLoop loop = new();
        List<string> calls = [];
        loop.AddIdle(() =>
        {
            calls.Add("a");
            loop.AddIdle(() => calls.Add("queued by a"));
        });
        IdleEventSource removed = loop.AddIdle(() => calls.Add("removed"));
        removed.Remove();
        loop.Dispatch(TimeSpan.Zero);
        Assert.Equal(["a", "queued by a"], calls);
        loop.Dispatch(TimeSpan.Zero);
        Assert.Equal(2, calls.Count);
    }

    [Fact]
    public void Its_fd_nests_in_another_loop()
    {
        using EventLoop inner = new();
        using EventLoop outer = new();
        (SafeFdHandle read, SafeFdHandle write) = UnixSocket.CreatePair();
        int innerCalls = 0;
        int outerCalls = 0;
        FdEventSource innerSource = inner.AddFd(read, FdEvents.Readable, (_, _) => innerCalls++);
        FdEventSource outerSource = outer.AddFd(inner.Fd, FdEvents.Readable, (_, events) =>
        {
            Assert.Equal(FdEvents.Readable, events);
            outerCalls++;
            inner.Dispatch(TimeSpan.Zero);
        });
        Assert.Equal(0, outer.Dispatch(TimeSpan.Zero));
        TestSupport.WriteInt(write, 1);
        outer.Dispatch(TimeSpan.FromMilliseconds(1000));
        Assert.Equal(1, outerCalls);
        Assert.Equal(1, innerCalls);
        innerSource.Remove();
        outerSource.Remove();
        read.Dispose();
        write.Dispose();
    }

    [Fact]
    public void Update_changes_what_an_fd_source_waits_for_and_hangups_are_reported()
    {
        using EventLoop loop = new();
        (SafeFdHandle mine, SafeFdHandle peer) = UnixSocket.CreatePair();
        FdEvents seen = FdEvents.None;
        FdEventSource source = loop.AddFd(mine, FdEvents.Readable, (_, events) => seen = events);
        Assert.Equal(0, loop.Dispatch(TimeSpan.Zero));
        source.Update(FdEvents.Writable);
        Assert.Equal(FdEvents.Writable, source.Mask);
        loop.Dispatch(TimeSpan.Zero);
        Assert.Equal(FdEvents.Writable, seen);
        source.Update(FdEvents.Readable);
        peer.Dispose();
        loop.Dispatch(TimeSpan.FromMilliseconds(1000));
        Assert.True(seen.HasFlag(FdEvents.Hangup), $"saw {seen}");
        source.Remove();
        mine.Dispose();
    }

    [Fact]
    public async Task Run_returns_after_Terminate_from_another_thread_and_Post_runs_on_the_loop_thread()
    {
        using EventLoop loop = new();
        Task running = loop.RunAsync();
        TaskCompletionSource<string?> ran = new(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Post(() => ran.SetResult(Thread.CurrentThread.Name));
        Assert.Equal("Wayland event loop", await ran.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        loop.Terminate();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(loop.IsTerminating);
    }

    [Fact]
    public async Task RunAsync_stops_when_its_token_is_cancelled()
    {
        using EventLoop loop = new();
        using CancellationTokenSource cancel = new();
        Task running = loop.RunAsync(cancel.Token);
        await Task.Delay(20);
        Assert.False(running.IsCompleted);
        await cancel.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Terminate_before_Run_makes_it_return_at_once()
    {
        using EventLoop loop = new();
        loop.Terminate();
        loop.Run();
        Assert.False(loop.IsTerminating);
    }

    [Fact]
    public void An_exception_in_a_callback_propagates_and_the_loop_stays_usable()
    {
        using EventLoop loop = new();
        loop.AddIdle(() => throw new InvalidOperationException("boom"));
        Assert.Throws<InvalidOperationException>(() => loop.Dispatch(TimeSpan.Zero));
        int ran = 0;
        loop.AddIdle(() => ran++);
        loop.Dispatch(TimeSpan.Zero);
        Assert.Equal(1, ran);
    }

    [Fact]
    public void Dispatch_from_a_callback_is_refused()
    {
        using EventLoop loop = new();
        Exception? error = null;
        loop.AddIdle(() => error = Record.Exception(() => loop.Dispatch(TimeSpan.Zero)));
        loop.Dispatch(TimeSpan.Zero);
        Assert.IsType<InvalidOperationException>(error);
    }

    [Fact]
    public void Disposing_is_raised_and_no_descriptor_leaks()
    {
        OpenFds.Snapshot before = OpenFds.Take();
        (SafeFdHandle read, SafeFdHandle write) = UnixSocket.CreatePair();
        bool disposing = false;
        EventLoop loop = new();
        loop.Disposing += _ => disposing = true;
        loop.AddFd(read, FdEvents.Readable, (_, _) => { });
        FdEventSource removed = loop.AddFd(write, FdEvents.Writable, (_, _) => { });
        removed.Remove();
        loop.AddTimer(() => { }).Update(1000);
        loop.AddSignal(TestSupport.SIGUSR1, _ => { });
        loop.AddIdle(() => { });
        loop.Dispose();
        Assert.True(disposing);
        read.Dispose();
        write.Dispose();
        OpenFds.AssertUnchanged(before);
    }
}
