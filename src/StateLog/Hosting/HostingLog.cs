using System;
using Microsoft.Extensions.Logging;

namespace StateLog.Hosting;

/// <summary>Log messages of the hosted engine lifetime (event ids 4000–4099).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 4001, EventName = "EngineOpening", Level = LogLevel.Debug,
        Message = "Opening StateLog data directory {DataDirectory}")]
    public static partial void EngineOpening(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 4002, EventName = "EngineOpened", Level = LogLevel.Information,
        Message = "Opened and recovered StateLog data directory {DataDirectory} with {TopicCount} topic(s) in {ElapsedMilliseconds:0.0} ms")]
    public static partial void EngineOpened(ILogger logger, string dataDirectory, int topicCount, double elapsedMilliseconds);

    [LoggerMessage(EventId = 4003, EventName = "EngineOpenFailed", Level = LogLevel.Error,
        Message = "Could not open StateLog data directory {DataDirectory}")]
    public static partial void EngineOpenFailed(ILogger logger, string dataDirectory, Exception exception);

    [LoggerMessage(EventId = 4004, EventName = "EngineStopping", Level = LogLevel.Debug,
        Message = "Flushing and closing StateLog data directory {DataDirectory}")]
    public static partial void EngineStopping(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 4005, EventName = "EngineStopped", Level = LogLevel.Information,
        Message = "Closed StateLog data directory {DataDirectory} in {ElapsedMilliseconds:0.0} ms")]
    public static partial void EngineStopped(ILogger logger, string dataDirectory, double elapsedMilliseconds);

    [LoggerMessage(EventId = 4006, EventName = "ShutdownTimeoutReached", Level = LogLevel.Warning,
        Message = "The host's shutdown timeout passed while flushing StateLog data directory {DataDirectory}; closing it now")]
    public static partial void ShutdownTimeoutReached(ILogger logger, string dataDirectory);

    [LoggerMessage(EventId = 4007, EventName = "EngineStopFailed", Level = LogLevel.Error,
        Message = "Flushing or closing StateLog data directory {DataDirectory} failed")]
    public static partial void EngineStopFailed(ILogger logger, string dataDirectory, Exception exception);
}
