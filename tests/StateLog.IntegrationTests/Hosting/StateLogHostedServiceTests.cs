using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StateLog.IntegrationTests.TestSupport;

namespace StateLog.IntegrationTests.Hosting;

public sealed class StateLogHostedServiceTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly LogCapture _logs = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task StartAsync_SecondHostOnSameDirectory_FailsWithDataDirectoryLockedException()
    {
        using var first = TestHost.Build(_directory.Path);
        await first.StartAsync();
        using var second = TestHost.Build(_directory.Path, services: LogTo);

        var error = await Assert.ThrowsAsync<DataDirectoryLockedException>(() => second.StartAsync());

        Assert.Contains(_directory.Path, error.Message, StringComparison.Ordinal);
        var failure = Assert.Single(_logs.Entries, e => e.EventId.Id == 4003);
        Assert.Equal(LogLevel.Error, failure.Level);
        Assert.Same(error, failure.Exception);
        Assert.Equal(_directory.Path, failure.Values["DataDirectory"]);
        await first.StopAsync();
    }

    [Fact]
    public async Task StopAsync_ReleasesTheDirectoryBeforeTheHostIsDisposed()
    {
        using var first = TestHost.Build(_directory.Path);
        await first.StartAsync();
        await first.Services.GetRequiredService<StateLogEngine>().GetTopic("stop-test").PutAsync("k"u8.ToArray(), "v"u8.ToArray());
        await first.StopAsync();

        using var second = TestHost.Build(_directory.Path);
        await second.StartAsync();

        var value = await second.Services.GetRequiredService<StateLogEngine>().GetTopic("stop-test").GetAsync("k"u8.ToArray());
        Assert.Equal("v"u8.ToArray(), value);
        await second.StopAsync();
    }

    [Fact]
    public async Task StartAndStop_LogOpenedWithDurationAndStopped()
    {
        using var host = TestHost.Build(_directory.Path, services: LogTo);
        await host.StartAsync();
        var dataDirectory = host.Services.GetRequiredService<StateLogEngine>().DataDirectory;
        await host.StopAsync();

        var entries = _logs.Entries.Where(e => e.Category.StartsWith("StateLog", StringComparison.Ordinal)).ToList();
        Assert.Equal([4001, 4002, 4004, 4005], entries.Select(e => e.EventId.Id));
        var opened = entries[1];
        Assert.Equal("EngineOpened", opened.EventId.Name);
        Assert.Equal(LogLevel.Information, opened.Level);
        Assert.Equal(dataDirectory, opened.Values["DataDirectory"]);
        Assert.Equal(dataDirectory, entries[3].Values["DataDirectory"]);
        Assert.IsType<double>(opened.Values["ElapsedMilliseconds"]);
        Assert.IsType<int>(opened.Values["TopicCount"]);
    }

    [Fact]
    public async Task StopAsync_ShutdownTimeoutAlreadyPassed_StillClosesTheDirectory()
    {
        using var host = TestHost.Build(_directory.Path, services: LogTo);
        await host.StartAsync();

        await host.StopAsync(new CancellationToken(canceled: true));

        Assert.Contains(_logs.Entries, e => e.EventId.Id == 4006 && e.Level == LogLevel.Warning);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 4005);
        using var next = TestHost.Build(_directory.Path);
        await next.StartAsync();
        await next.StopAsync();
    }

    [Fact]
    public async Task Engine_ResolvedBeforeStart_IsTheOneTheHostStartsAndStops()
    {
        using var host = TestHost.Build(_directory.Path);
        var early = host.Services.GetRequiredService<StateLogEngine>();

        await host.StartAsync();
        var topic = host.Services.GetRequiredService<StateLogEngine>().GetTopic("early");
        await topic.PutAsync("k"u8.ToArray(), "v"u8.ToArray());
        await host.StopAsync();

        Assert.Same(early, host.Services.GetRequiredService<StateLogEngine>());
        using var reopened = TestHost.Build(_directory.Path);
        await reopened.StartAsync();
        await reopened.StopAsync();
    }

    private void LogTo(IServiceCollection services) =>
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Debug).AddProvider(_logs));
}
