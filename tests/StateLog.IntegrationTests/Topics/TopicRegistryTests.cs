using System;
using Microsoft.Extensions.DependencyInjection;
using StateLog.IntegrationTests.Library;

namespace StateLog.IntegrationTests.Topics;

/// <summary>
/// The registry of generated clients, and what AddStateLog checks across assemblies, where SLOG005 and SLOG009 see one
/// project only: two clients on one topic, or on topics that differ only in letter case, are refused.
/// </summary>
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

    [Fact]
    public void TwoClientsOnOneTopic_AreRefused_NamingBoth()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            StateLogTopicRegistry.ThrowIfTopicsCollide([Registration<UsersClient>("users"), Registration<OrdersClient>("orders"), Registration<ProfilesClient>("users")]));

        Assert.Contains(typeof(UsersClient).FullName!, e.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(ProfilesClient).FullName!, e.Message, StringComparison.Ordinal);
        Assert.Contains("both use the topic 'users'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoClientsOnTopicsDifferingOnlyInCase_AreRefused()
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            StateLogTopicRegistry.ThrowIfTopicsCollide([Registration<UsersClient>("users"), Registration<ProfilesClient>("Users")]));

        Assert.Contains("'users' and 'Users' differ only in letter case", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddStateLog_WithCollidingClients_Throws_AndAddsNothing()
    {
        var services = new ServiceCollection();

        Assert.Throws<InvalidOperationException>(() =>
            StateLogServiceCollectionExtensions.AddStateLog(services, null, [Registration<UsersClient>("users"), Registration<ProfilesClient>("USERS")]));

        Assert.Empty(services);
    }

    [Fact]
    public void DistinctTopics_AndTheApplicationsOwnRegistrations_Pass()
    {
        StateLogTopicRegistry.ThrowIfTopicsCollide([Registration<UsersClient>("users"), Registration<ProfilesClient>("users.v2"), Registration<OrdersClient>("orders")]);
        StateLogTopicRegistry.ThrowIfTopicsCollide(StateLogTopicRegistry.Registrations); // this assembly's and the library's
    }

    private static TopicRegistration Registration<TClient>(string topic) =>
        new(typeof(TClient), typeof(object), topic, 1, _ => throw new InvalidOperationException("not created in these tests"));

    private sealed class UsersClient;

    private sealed class ProfilesClient;

    private sealed class OrdersClient;
}
