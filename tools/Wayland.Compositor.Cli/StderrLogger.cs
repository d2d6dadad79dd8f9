using Microsoft.Extensions.Logging;

namespace Wayland.Compositor.Cli;

/// <summary>
/// The logger wl-headless gives the compositor: one line per message on standard error, "wl-headless: " first, an
/// exception's text after it. A few lines instead of Microsoft.Extensions.Logging.Console, whose options and
/// dependency-injection machinery a command-line tool does not need (and NativeAOT would have to carry).
/// </summary>
internal sealed class StderrLoggerFactory(TextWriter output, LogLevel minimum) : ILoggerFactory, ILogger
{
    private readonly Lock _lock = new();

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider) =>
        throw new NotSupportedException("wl-headless writes its log to standard error only");

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimum;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        string level = logLevel switch
        {
            LogLevel.Critical or LogLevel.Error => "error: ",
            LogLevel.Warning => "warning: ",
            _ => string.Empty,
        };
        string line = exception is null
            ? $"wl-headless: {level}{formatter(state, exception)}"
            : $"wl-headless: {level}{formatter(state, exception)}: {exception}";
        lock (_lock)
        {
            output.WriteLine(line);
        }
    }

    public void Dispose()
    {
    }
}
