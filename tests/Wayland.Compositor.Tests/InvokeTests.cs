namespace Wayland.Compositor.Tests;

/// <summary>
/// <see cref="HeadlessCompositor.Invoke{T}(Func{T})"/> from another thread while the loop is stopping: a call that was
/// handed to the loop just before it stopped must still run (on the caller's thread), not wait out its 30 s timeout.
/// </summary>
public sealed class InvokeTests
{
    [Fact]
    public void A_call_posted_as_the_loop_stops_runs_once_on_the_callers_thread()
    {
        using HeadlessCompositor compositor = new();
        compositor.Start();
        int runs = 0;
        int ranOn = -1;
        Thread? caller = null;
        Exception? failure = null;
        int result = 0;

        compositor.Invoke(() =>
        {
            // Inside the loop: ask it to stop, then have another thread post a call before this batch ends. The loop
            // then leaves Run without dispatching that call.
            compositor.Stop();
            caller = new Thread(() =>
            {
                try
                {
                    result = compositor.Invoke(() =>
                    {
                        Interlocked.Increment(ref runs);
                        ranOn = Environment.CurrentManagedThreadId;
                        return 42;
                    });
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            caller.Start();
            SpinWait spin = default;
            while ((caller.ThreadState & ThreadState.WaitSleepJoin) == 0 && caller.IsAlive)
            {
                spin.SpinOnce();
            }
        });

        caller!.Join();
        Assert.Null(failure);
        Assert.Equal(42, result);
        Assert.Equal(1, runs);
        Assert.Equal(caller.ManagedThreadId, ranOn);

        // The loop can be started again (Stop was called on its own thread), and does not run the call a second time.
        compositor.Start();
        compositor.Invoke(() => { });
        Assert.Equal(1, runs);
    }

    [Fact]
    public void A_call_that_throws_on_the_loop_reports_the_failure()
    {
        using HeadlessCompositor compositor = new();
        compositor.Start();
        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => compositor.Invoke<int>(() => throw new FormatException("bad")));
        Assert.IsType<FormatException>(e.InnerException);
    }
}
