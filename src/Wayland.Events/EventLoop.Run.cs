namespace Wayland.Events;

public sealed partial class EventLoop
{
    /// <summary>Whether <see cref="Terminate"/> was called and <see cref="Run"/> has not returned since.</summary>
    public bool IsTerminating => _terminate;

    /// <summary>
    /// Dispatches until <see cref="Terminate"/> is called, blocking in epoll between batches (no busy loop).
    /// A <see cref="Terminate"/> that comes before <see cref="Run"/> makes it return at once (unlike libwayland,
    /// where it would be lost), so a loop started on another thread can always be stopped.
    /// </summary>
    public void Run() => RunCore(beforeWait: null);

    /// <summary>Makes <see cref="Run"/> return after the current batch. Safe to call from any thread.</summary>
    public void Terminate()
    {
        _terminate = true;
        Wake();
    }

    /// <summary>
    /// Runs the loop on a new dedicated thread until <paramref name="cancellationToken"/> is cancelled or
    /// <see cref="Terminate"/> is called; the task completes when the loop has stopped (faulted if a callback threw).
    /// Suits a hosted service: <c>protected override Task ExecuteAsync(CancellationToken t) =&gt; loop.RunAsync(t);</c>.
    /// Hand work to the loop from other threads with <see cref="Post"/>.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken = default) => RunOnThread(Run, Terminate, cancellationToken);

    internal static Task RunOnThread(Action run, Action terminate, CancellationToken cancellationToken)
    {
        TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        Thread thread = new(() =>
        {
            using CancellationTokenRegistration registration = cancellationToken.Register(terminate);
            try
            {
                run();
                done.TrySetResult();
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "Wayland event loop",
        };
        thread.Start();
        return done.Task;
    }

    internal void RunCore(Action? beforeWait)
    {
        try
        {
            while (!_terminate)
            {
                beforeWait?.Invoke();
                if (_terminate)
                {
                    break;
                }

                Dispatch(-1);
            }
        }
        finally
        {
            _terminate = false;
        }
    }
}
