using System;
using System.Collections.Generic;
using System.IO;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StateLog.IntegrationTests.TestSupport;

namespace StateLog.IntegrationTests.Hosting;

public sealed class StateLogOptionsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task StartAsync_InvalidOptionInCode_FailsNamingTheOptionAndOpensNothing()
    {
        using var host = TestHost.Build(_directory.Path, o => o.SegmentBytes = 10);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("StateLogOptions.SegmentBytes", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_directory.Path));
    }

    [Theory]
    [InlineData("StateLog:MinCleanableDirtyRatio", "1.5", "StateLogOptions.MinCleanableDirtyRatio")]
    [InlineData("StateLog:FlushInterval", "00:00:00", "StateLogOptions.FlushInterval")]
    [InlineData("StateLog:Topics:user-activity:DeleteRetention", "-01:00:00", "StateLogOptions.Topic(\"user-activity\").DeleteRetention")]
    [InlineData("StateLog:FileDeleteDelay", "-00:00:01", "StateLogOptions.FileDeleteDelay")]
    [InlineData("StateLog:Topics:bad/name:SegmentBytes", "4096", "StateLogOptions.Topic(\"bad/name\")")]
    public async Task StartAsync_InvalidOptionInConfiguration_FailsNamingTheOption(string key, string value, string named)
    {
        using var host = TestHost.Build(_directory.Path, configuration: new Dictionary<string, string?> { [key] = value });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_UnreadableConfigurationValue_FailsNamingThePath()
    {
        using var host = TestHost.Build(_directory.Path, configuration: new Dictionary<string, string?> { ["StateLog:SegmentBytes"] = "lots" });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("'lots' at 'StateLog:SegmentBytes'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_ComeFromConfigurationThenCode()
    {
        var configuration = new Dictionary<string, string?>
        {
            ["StateLog:Durability"] = "Buffered",
            ["StateLog:FlushInterval"] = "00:00:05",
            ["StateLog:SegmentBytes"] = "65536",
            ["StateLog:MaxRecordBytes"] = "2048",
            ["StateLog:MinCleanableDirtyRatio"] = "0.25",
            ["StateLog:MaxCompactionLag"] = "1.00:00:00",
            ["StateLog:CleanerMaxBytesPerSecond"] = "1048576",
            ["StateLog:EnableCleaner"] = "false",
            ["StateLog:FileDeleteDelay"] = "00:00:10",
            ["StateLog:Topics:user-activity:DeleteRetention"] = "01:00:00",
            ["StateLog:Topics:user-activity:FileDeleteDelay"] = "00:00:00",
            ["StateLog:Topics:user-activity:SegmentBytes"] = "8192",
        };
        using var host = TestHost.Build(
            _directory.Path,
            o => o.FlushInterval = TimeSpan.FromSeconds(2),
            configuration,
            services => services.AddStateLog().ConfigureTopic("user-activity", t => t.SegmentBytes = 4096));

        var options = host.Services.GetRequiredService<IOptions<StateLogOptions>>().Value;

        Assert.Equal(_directory.Path, options.DataDirectory);
        Assert.Equal(Durability.Buffered, options.Durability);
        Assert.Equal(TimeSpan.FromSeconds(2), options.FlushInterval);
        Assert.Equal(65536, options.SegmentBytes);
        Assert.Equal(2048, options.MaxRecordBytes);
        Assert.Equal(0.25, options.MinCleanableDirtyRatio);
        Assert.Equal(TimeSpan.FromDays(1), options.MaxCompactionLag);
        Assert.Equal(1048576, options.CleanerMaxBytesPerSecond);
        Assert.False(options.EnableCleaner);
        Assert.Equal(TimeSpan.FromSeconds(10), options.FileDeleteDelay);
        var topic = options.TopicOverrides["user-activity"];
        Assert.Equal(TimeSpan.FromHours(1), topic.DeleteRetention);
        Assert.Equal(TimeSpan.Zero, topic.FileDeleteDelay);
        Assert.Equal(4096, topic.SegmentBytes);
        Assert.Null(topic.MinCompactionLag);
    }

    [Fact]
    public void Options_WithoutConfiguration_ComeFromCodeAlone()
    {
        using var provider = new ServiceCollection()
            .AddStateLog(o => o.DataDirectory = _directory.Path).Services
            .BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<StateLogOptions>>().Value;

        Assert.Equal(_directory.Path, options.DataDirectory);
        Assert.Equal(new StateLogOptions().SegmentBytes, options.SegmentBytes);
    }

    [Fact]
    public void AddStateLog_Twice_RegistersEachServiceOnceAndAppliesBothDelegates()
    {
        var services = new ServiceCollection();
        services.AddStateLog(o => o.DataDirectory = _directory.Path);
        services.AddStateLog(o => o.MaxRecordBytes = 4096);

        Assert.Single(services, d => d.ServiceType == typeof(StateLogEngine));
        Assert.Single(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<StateLogOptions>));
        Assert.Single(services, d => d.ServiceType == typeof(IConfigureOptions<StateLogOptions>) && d.ImplementationType is not null);
        foreach (var registration in StateLogTopicRegistry.Registrations)
        {
            Assert.Single(services, d => d.ServiceType == registration.ClientType);
            Assert.Single(services, d => d.ServiceType == registration.ServiceType);
        }

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<StateLogOptions>>().Value;
        Assert.Equal(_directory.Path, options.DataDirectory);
        Assert.Equal(4096, options.MaxRecordBytes);
    }
}
