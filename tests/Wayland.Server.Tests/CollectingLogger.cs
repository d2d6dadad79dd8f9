using Microsoft.Extensions.Logging;

namespace Wayland.Server.Tests;

/// <summary>A logger factory that keeps every message (formatted, with its level and exception) for a test to read.</summary>
public sealed class CollectingLogger : ILoggerFactory, ILogger
{
    private readonly List<LogEntry> _entries = [];

    /// <summary>The lowest level logged (Trace: everything).</summary>
    public LogLevel Minimum { get; init; } = LogLevel.Trace;

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>The messages' text, an exception's text appended.</summary>
    public IReadOnlyList<string> Lines => Entries.Select(e => e.Exception is null ? e.Message : $"{e.Message} {e.Exception}").ToList();

    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public bool IsEnabled(LogLevel logLevel) => logLevel >= Minimum && logLevel != LogLevel.None;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_entries)
        {
            _entries.Add(new LogEntry(logLevel, eventId, formatter(state, exception), exception));
        }
    }

    public void Dispose()
    {
    }
}

public sealed record LogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception);
