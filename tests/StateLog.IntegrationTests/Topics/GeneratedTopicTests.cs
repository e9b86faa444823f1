using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StateLog.IntegrationTests.Library;
using StateLog.IntegrationTests.TestSupport;

namespace StateLog.IntegrationTests.Topics;

/// <summary>Generated clients resolved from a host built with <c>AddStateLog</c>, end to end on a temp data directory.</summary>
public sealed class GeneratedTopicTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Morning = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = TestHost.Build(_directory.Path);
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public void Client_ResolvesAsGeneratedTypeAndAsInterface_OneInstance()
    {
        var client = _host.Services.GetRequiredService<UserActivityTopic>();

        Assert.Same(client, _host.Services.GetRequiredService<ICompactedTopic<string, UserActivity>>());
        Assert.Same(client, _host.Services.GetRequiredService<UserActivityTopic>());
        Assert.Equal("user-activity", client.Name);
    }

    [Fact]
    public async Task PutGetDeleteRead_RoundTripThroughTheLog()
    {
        var topic = _host.Services.GetRequiredService<ICompactedTopic<string, UserActivity>>();

        var first = await topic.PutAsync(new UserActivity("user-1", "login", Morning));
        await topic.PutAsync(new UserActivity("user-2", "logout", Morning.AddMinutes(5)));
        var deleted = await topic.DeleteAsync("user-2");

        Assert.Equal(new RecordPosition("user-activity", 0, 0), first);
        Assert.Equal(2, deleted.Offset);
        Assert.Equal(new UserActivity("user-1", "login", Morning), await topic.GetAsync("user-1"));
        Assert.Null(await topic.GetAsync("user-2"));
        Assert.Null(await topic.GetAsync("user-9"));
        List<(long, string, string?)> expected = [(0, "user-1", "login"), (1, "user-2", "logout"), (2, "user-2", null)];
        Assert.Equal(expected, await Rows(topic));
        var tombstone = (await ToListAsync(topic.ReadAsync(new ReadOptions { FromOffset = 2 }))).Single();
        Assert.True(tombstone.IsTombstone);
        Assert.Null(tombstone.Value);
        Assert.Equal([new UserActivity("user-1", "login", Morning)], await ToListAsync(topic.GetAllAsync()));
    }

    [Fact]
    public async Task CompactAsync_KeepsTheLatestRecordPerKeyAtItsOffset()
    {
        var topic = _host.Services.GetRequiredService<UserActivityTopic>();
        await SeedAsync(topic);

        var result = await topic.CompactAsync();

        List<(long, string, string?)> expected = [(1, "user-2", "logout"), (2, "user-1", "update-profile"), (3, "user-3", "login")];
        Assert.Equal(expected, await Rows(topic));
        Assert.Equal(4, result.RecordsBefore);
        Assert.Equal(3, result.RecordsAfter);
        Assert.Equal(1, result.PartitionsCleaned);
        Assert.Equal("update-profile", (await topic.GetAsync("user-1"))?.Action);
    }

    [Fact]
    public async Task Restart_SameDirectory_ReadsTheSameLogBack()
    {
        var topic = _host.Services.GetRequiredService<UserActivityTopic>();
        await SeedAsync(topic);
        await topic.DeleteAsync("user-3");
        var before = await Rows(topic);
        await _host.StopAsync();
        _host.Dispose();

        _host = TestHost.Build(_directory.Path);
        await _host.StartAsync();
        var reopened = _host.Services.GetRequiredService<UserActivityTopic>();

        Assert.Equal(before, await Rows(reopened));
        Assert.Equal("update-profile", (await reopened.GetAsync("user-1"))?.Action);
        Assert.Null(await reopened.GetAsync("user-3"));
    }

    [Fact]
    public async Task TopicOfReferencedLibrary_IsRegisteredAndWorks()
    {
        var orders = _host.Services.GetRequiredService<OrderTopic>();

        Assert.Same(orders, _host.Services.GetRequiredService<ICompactedTopic<int, Order>>());
        await orders.PutAsync(new Order(7, "tea", 2));
        await orders.PutAsync(new Order(7, "tea", 3));
        Assert.Equal(new Order(7, "tea", 3), await orders.GetAsync(7));
        Assert.Equal(2, orders.GetStats().Partitions.Count);
    }

    private static async Task SeedAsync(UserActivityTopic topic)
    {
        await topic.PutAsync(new UserActivity("user-1", "login", Morning));
        await topic.PutAsync(new UserActivity("user-2", "logout", Morning.AddMinutes(5)));
        await topic.PutAsync(new UserActivity("user-1", "update-profile", Morning.AddMinutes(10)));
        await topic.PutAsync(new UserActivity("user-3", "login", Morning.AddMinutes(15)));
    }

    private static async Task<List<(long Offset, string Key, string? Action)>> Rows(ICompactedTopic<string, UserActivity> topic) =>
        (await ToListAsync(topic.ReadAsync())).Select(r => (r.Offset, r.Key, r.Value?.Action)).ToList();

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
