namespace StateLog;

/// <summary>A topic was opened with a partition count other than the one recorded on disk. Keys are never silently re-mapped.</summary>
public sealed class TopicConfigurationMismatchException : StateLogException
{
    /// <summary>Creates the exception.</summary>
    public TopicConfigurationMismatchException(string topic, int recordedPartitions, int requestedPartitions)
        : base($"Topic '{topic}' has {recordedPartitions} partition(s) on disk but was opened with {requestedPartitions}. Changing the count would move keys to other partitions; open it with Partitions = {recordedPartitions}, or copy the records into a new topic.")
    {
        Topic = topic;
        RecordedPartitions = recordedPartitions;
        RequestedPartitions = requestedPartitions;
    }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>The partition count stored in the data directory.</summary>
    public int RecordedPartitions { get; }

    /// <summary>The partition count asked for.</summary>
    public int RequestedPartitions { get; }
}
