using System;

namespace StateLog;

/// <summary>
/// Marks a type as the value of a compacted topic: the log keeps the latest record for each key.
/// The source generator emits a MessagePack formatter and a typed client named <c>{Type}Topic</c>.
/// </summary>
/// <example><code>
/// [CompactedTopic("user-activity", Partitions = 3)]
/// public sealed record UserActivity([Key] string UserId, string Action, DateTimeOffset At);
/// </code></example>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false, AllowMultiple = false)]
public sealed class CompactedTopicAttribute : Attribute
{
    /// <summary>Creates the attribute for the topic <paramref name="name"/>.</summary>
    /// <param name="name">The topic name: 1 to 249 characters of <c>[a-zA-Z0-9._-]</c>, not <c>.</c> or <c>..</c> (Kafka's rule).</param>
    public CompactedTopicAttribute(string name) => Name = name;

    /// <summary>The topic name.</summary>
    public string Name { get; }

    /// <summary>The number of partitions (at least 1). Keys are spread over them with Kafka's default partitioner.</summary>
    public int Partitions { get; set; } = 1;
}
