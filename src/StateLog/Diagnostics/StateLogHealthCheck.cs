using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StateLog.Hosting;

namespace StateLog.Diagnostics;

/// <summary>
/// Degraded until the engine has opened and recovered, or while a partition's last cleaning pass failed (it is
/// retried; reads and writes go on); the registration's failure status when opening failed, the host stopped, or a
/// partition refuses writes after a storage failure; Healthy otherwise.
/// </summary>
internal sealed class StateLogHealthCheck(StateLogEngineLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failureStatus = context.Registration.FailureStatus;
        var result = lifetime.State switch
        {
            EngineState.NotStarted => HealthCheckResult.Degraded("The StateLog engine has not been opened yet."),
            EngineState.Opening => HealthCheckResult.Degraded("The StateLog engine is opening and recovering its data directory."),
            EngineState.OpenFailed => new HealthCheckResult(failureStatus, "The StateLog engine could not be opened: " + lifetime.OpenFailure?.Message, lifetime.OpenFailure),
            EngineState.Open when lifetime.Engine is { } engine => Assess(Stats(engine), failureStatus),
            _ => new HealthCheckResult(failureStatus, "The StateLog engine has been stopped."),
        };
        return Task.FromResult(result);
    }

    /// <summary>The verdict on an open engine whose topics report <paramref name="topics"/>.</summary>
    internal static HealthCheckResult Assess(IReadOnlyList<TopicStats> topics, HealthStatus failureStatus)
    {
        var partitions = 0;
        var failed = new List<string>();
        var cleanerFailed = new List<string>();
        foreach (var topic in topics)
        {
            foreach (var partition in topic.Partitions)
            {
                partitions++;
                if (partition.IsFailed)
                {
                    failed.Add($"{topic.Topic}-{partition.Partition}");
                }

                if (partition.IsCleaningFailed)
                {
                    cleanerFailed.Add($"{topic.Topic}-{partition.Partition}");
                }
            }
        }

        var data = new Dictionary<string, object>
        {
            ["topics"] = topics.Count,
            ["partitions"] = partitions,
            ["failedPartitions"] = failed.ToArray(),
            ["cleanerFailedPartitions"] = cleanerFailed.ToArray(),
        };
        if (failed.Count == 0 && cleanerFailed.Count > 0)
        {
            return HealthCheckResult.Degraded(
                $"The last cleaning pass failed for {string.Join(", ", cleanerFailed)}; it is retried with backoff (see GetStats().LastCleaningOutcome). Reads and writes go on.",
                data: data);
        }

        return failed.Count == 0
            ? HealthCheckResult.Healthy($"{topics.Count} topic(s), {partitions} partition(s) open.", data)
            : new HealthCheckResult(
                failureStatus,
                $"{failed.Count} partition(s) refuse writes after a storage failure: {string.Join(", ", failed)}. Restart the application to recover them from disk.",
                data: data);
    }

    private static List<TopicStats> Stats(StateLogEngine engine)
    {
        var stats = new List<TopicStats>();
        foreach (var name in engine.TopicNames)
        {
            stats.Add(engine.GetTopic(name).GetStats());
        }

        return stats;
    }
}
