using System;
using System.ComponentModel;

namespace StateLog;

/// <summary>
/// Describes one generated typed topic client so that <c>AddStateLog</c> can register it without reflection.
/// Emitted by the StateLog source generator; not meant to be written by hand.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TopicRegistration
{
    /// <summary>Creates the registration.</summary>
    /// <param name="clientType">The generated client, for example <c>UserActivityTopic</c>.</param>
    /// <param name="serviceType">The closed <c>ICompactedTopic&lt;TKey, T&gt;</c> the client implements.</param>
    /// <param name="topicName">The topic name from <see cref="CompactedTopicAttribute"/>.</param>
    /// <param name="partitions">The partition count from <see cref="CompactedTopicAttribute.Partitions"/>.</param>
    /// <param name="create">Creates the client over an open engine.</param>
    public TopicRegistration(Type clientType, Type serviceType, string topicName, int partitions, Func<StateLogEngine, object> create)
    {
        ClientType = clientType ?? throw new ArgumentNullException(nameof(clientType));
        ServiceType = serviceType ?? throw new ArgumentNullException(nameof(serviceType));
        TopicName = topicName ?? throw new ArgumentNullException(nameof(topicName));
        Partitions = partitions;
        Create = create ?? throw new ArgumentNullException(nameof(create));
    }

    /// <summary>The generated client type.</summary>
    public Type ClientType { get; }

    /// <summary>The closed <c>ICompactedTopic&lt;TKey, T&gt;</c> interface.</summary>
    public Type ServiceType { get; }

    /// <summary>The topic name.</summary>
    public string TopicName { get; }

    /// <summary>The partition count.</summary>
    public int Partitions { get; }

    /// <summary>Creates the client over an open engine.</summary>
    public Func<StateLogEngine, object> Create { get; }
}
