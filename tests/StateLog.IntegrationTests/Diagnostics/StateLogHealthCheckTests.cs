using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StateLog.Diagnostics;
using StateLog.IntegrationTests.TestSupport;

namespace StateLog.IntegrationTests.Diagnostics;

public sealed class StateLogHealthCheckTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Check_BeforeStart_IsDegraded()
    {
        using var host = TestHost.Build(_directory.Path);

        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("ready", entry.Tags);
    }

    [Fact]
    public async Task Check_WhileOpening_IsDegradedThenHealthy()
    {
        // Without a host nothing validates the options early, so they are first built inside the open; a configure
        // delegate that waits holds the engine in its opening state for as long as the test needs.
        using var opening = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddStateLog(o =>
        {
            o.DataDirectory = _directory.Path;
            opening.Set();
            release.Wait(TimeSpan.FromMinutes(1));
        });
        services.AddHealthChecks().AddStateLog();
        await using var provider = services.BuildServiceProvider();
        var health = provider.GetRequiredService<HealthCheckService>();

        var open = Task.Run(provider.GetRequiredService<StateLogEngine>);
        Assert.True(opening.Wait(TimeSpan.FromMinutes(1)));
        var whileOpening = (await health.CheckHealthAsync()).Entries["statelog"];
        release.Set();
        await open;
        var afterwards = (await health.CheckHealthAsync()).Entries["statelog"];

        Assert.Equal(HealthStatus.Degraded, whileOpening.Status);
        Assert.Contains("opening", whileOpening.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, afterwards.Status);
    }

    [Fact]
    public async Task Check_WhenOpen_IsHealthyWithTopicsAndPartitions()
    {
        using var host = TestHost.Build(_directory.Path);
        await host.StartAsync();
        host.Services.GetRequiredService<StateLogEngine>().GetTopic("health-three", partitions: 3);

        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        var topics = (int)entry.Data["topics"];
        var partitions = (int)entry.Data["partitions"];
        Assert.True(topics >= 1, $"topics: {topics}");
        Assert.True(partitions >= 3, $"partitions: {partitions}");
        Assert.Empty((string[])entry.Data["failedPartitions"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task Check_AfterStop_ReportsFailureStatus()
    {
        using var host = TestHost.Build(_directory.Path);
        await host.StartAsync();
        await host.StopAsync();

        var entry = await CheckAsync(host);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("stopped", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_WhenOpenFailed_IsUnhealthyWithTheCause()
    {
        using var first = TestHost.Build(_directory.Path);
        await first.StartAsync();
        using var second = TestHost.Build(_directory.Path);
        await Assert.ThrowsAsync<DataDirectoryLockedException>(() => second.StartAsync());

        var entry = await CheckAsync(second);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.IsType<DataDirectoryLockedException>(entry.Exception);
        Assert.Contains(_directory.Path, entry.Description, StringComparison.Ordinal);
        await first.StopAsync();
    }

    [Fact]
    public void Assess_FailedPartition_ReportsFailureStatusAndNamesIt()
    {
        TopicStats[] topics =
        [
            new("orders", [Partition(0, failed: false), Partition(1, failed: true)]),
            new("users", [Partition(0, failed: false)]),
        ];

        var result = StateLogHealthCheck.Assess(topics, HealthStatus.Degraded);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("orders-1", result.Description, StringComparison.Ordinal);
        Assert.Equal(2, result.Data["topics"]);
        Assert.Equal(3, result.Data["partitions"]);
        Assert.Equal(["orders-1"], (string[])result.Data["failedPartitions"]);
    }

    [Fact]
    public void Assess_CleaningFailure_IsDegradedAndNamesThePartition()
    {
        TopicStats[] topics = [new("orders", [Partition(0, failed: false), Partition(1, failed: false) with { IsCleaningFailed = true }])];

        var result = StateLogHealthCheck.Assess(topics, HealthStatus.Unhealthy);

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Contains("orders-1", result.Description, StringComparison.Ordinal);
        Assert.Equal(["orders-1"], (string[])result.Data["cleanerFailedPartitions"]);
    }

    [Fact]
    public void Assess_NoFailedPartition_IsHealthy()
    {
        var result = StateLogHealthCheck.Assess([new TopicStats("users", [Partition(0, failed: false)])], HealthStatus.Unhealthy);

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Empty((string[])result.Data["failedPartitions"]);
    }

    [Fact]
    public async Task AddStateLog_OnHealthChecksWithoutAddStateLog_FailsSayingWhatIsMissing()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHealthChecks().AddStateLog();
        using var provider = services.BuildServiceProvider();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetRequiredService<HealthCheckService>().CheckHealthAsync());

        Assert.Contains("services.AddStateLog()", error.Message, StringComparison.Ordinal);
    }

    private static PartitionStats Partition(int partition, bool failed) =>
        new(partition, 0, 10, 1, 1000, 5, 0, 0, null, null, failed);

    private static async Task<HealthReportEntry> CheckAsync(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Entries["statelog"];
    }
}
