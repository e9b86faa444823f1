using System;
using System.Collections.Generic;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StateLog.Diagnostics;
using StateLog.Hosting;

namespace StateLog;

/// <summary>Adds the StateLog health check.</summary>
public static class StateLogHealthChecksBuilderExtensions
{
    private static readonly string[] DefaultTags = ["ready", "statelog"];

    /// <summary>
    /// Adds a check of the engine registered by <c>AddStateLog</c>: Degraded while it opens and recovers, <paramref name="failureStatus"/>
    /// when opening failed or a partition refuses writes after a storage failure, Healthy otherwise. Its data holds the
    /// number of topics and partitions and the names of failed partitions (<c>topic-partition</c>).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="name">The check's name. Default: <c>statelog</c>.</param>
    /// <param name="failureStatus">The status reported on failure. Default: <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags for filtering checks. Default: <c>ready</c> and <c>statelog</c>, so it gates readiness, not liveness.</param>
    /// <param name="timeout">How long the check may take. Default: none.</param>
    /// <returns>The builder, for chaining.</returns>
    public static IHealthChecksBuilder AddStateLog(
        this IHealthChecksBuilder builder,
        string name = "statelog",
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null,
        TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            sp => new StateLogHealthCheck(sp.GetService<StateLogEngineLifetime>()
                ?? throw new InvalidOperationException("The StateLog health check needs services.AddStateLog() to be called first.")),
            failureStatus,
            tags ?? DefaultTags,
            timeout));
    }
}
