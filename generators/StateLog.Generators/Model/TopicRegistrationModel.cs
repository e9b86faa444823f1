namespace StateLog.Generators.Model;

/// <summary>What the registrar needs about one topic client.</summary>
/// <param name="ClientTypeName">The generated client, fully qualified.</param>
/// <param name="ServiceTypeName">The closed <c>ICompactedTopic&lt;TKey, T&gt;</c>, fully qualified.</param>
/// <param name="TopicName">The topic name.</param>
/// <param name="Partitions">The partition count, as a C# literal.</param>
internal sealed record TopicRegistrationModel(string ClientTypeName, string ServiceTypeName, string TopicName, string Partitions);
