using StateLog.IntegrationTests.Library;

namespace StateLog.IntegrationTests.Topics;

public sealed class TopicRegistryTests
{
    [Fact]
    public void Registrations_HoldTheTopicsOfThisAssemblyAndOfTheLibraryItReferences()
    {
        var registrations = StateLogTopicRegistry.Registrations;

        var userActivity = Assert.Single(registrations, r => r.ClientType == typeof(UserActivityTopic));
        Assert.Equal(typeof(ICompactedTopic<string, UserActivity>), userActivity.ServiceType);
        Assert.Equal("user-activity", userActivity.TopicName);
        Assert.Equal(1, userActivity.Partitions);
        var orders = Assert.Single(registrations, r => r.ClientType == typeof(OrderTopic));
        Assert.Equal(typeof(ICompactedTopic<int, Order>), orders.ServiceType);
        Assert.Equal("library-orders", orders.TopicName);
        Assert.Equal(2, orders.Partitions);
    }
}
