using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace StateLog.Hosting;

/// <summary>
/// Ties the engine to the host: opens and recovers it at start, so that errors such as
/// <see cref="DataDirectoryLockedException"/> fail the start, and flushes and disposes it at stop. The engine runs its
/// own flush timer and cleaner; this service only owns the lifetime.
/// </summary>
internal sealed class StateLogHostedService(
    StateLogEngineLifetime lifetime,
    IOptions<StateLogOptions> options,
    ILogger<StateLogHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var dataDirectory = options.Value.DataDirectory;
        HostingLog.EngineOpening(logger, dataDirectory);
        var started = Stopwatch.GetTimestamp();
        try
        {
            // Recovery reads the whole uncheckpointed tail; keep it off the thread that starts the host.
            var engine = await Task.Run(lifetime.Open, cancellationToken).ConfigureAwait(false);
            HostingLog.EngineOpened(logger, engine.DataDirectory, engine.TopicNames.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            HostingLog.EngineOpenFailed(logger, dataDirectory, e);
            throw;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (lifetime.Stop() is not { } engine)
        {
            return;
        }

        var dataDirectory = engine.DataDirectory;
        HostingLog.EngineStopping(logger, dataDirectory);
        var started = Stopwatch.GetTimestamp();
        try
        {
            try
            {
                // The flush is the slow part and honours the host's shutdown timeout; disposing then writes only what was
                // appended, and not yet awaited, since.
                await engine.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                HostingLog.ShutdownTimeoutReached(logger, dataDirectory);
            }
            finally
            {
                await engine.DisposeAsync().ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            HostingLog.EngineStopFailed(logger, dataDirectory, e);
            throw;
        }

        HostingLog.EngineStopped(logger, dataDirectory, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }
}
