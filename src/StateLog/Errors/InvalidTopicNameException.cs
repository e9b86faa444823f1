namespace StateLog;

/// <summary>
/// A topic name breaks Kafka's rule (1–249 of <c>[a-zA-Z0-9._-]</c>, not <c>.</c> or <c>..</c>), or a new topic's name
/// starts with a Windows device name and a dot (<c>con.</c>, <c>nul.</c>, <c>com1.</c>, ...) or differs from an existing
/// topic's only in letter case. <see cref="System.Exception.Message"/> says which. Nothing was created.
/// </summary>
public sealed class InvalidTopicNameException : StateLogException
{
    /// <summary>Creates the exception.</summary>
    public InvalidTopicNameException(string topicName, string reason)
        : base($"Invalid topic name: {reason}") => TopicName = topicName;

    /// <summary>The rejected name.</summary>
    public string TopicName { get; }
}
