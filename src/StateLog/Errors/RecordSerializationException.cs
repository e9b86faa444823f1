using System;

namespace StateLog;

/// <summary>A stored value could not be read as the topic's type. Names the topic, partition and offset.</summary>
public sealed class RecordSerializationException : StateLogException
{
    /// <summary>Creates the exception.</summary>
    public RecordSerializationException(string topic, int partition, long offset, Type valueType, Exception innerException)
        : base($"The record at offset {offset} of partition {partition} of topic '{topic}' could not be read as {valueType.FullName}: {innerException.Message}", innerException)
    {
        Topic = topic;
        Partition = partition;
        Offset = offset;
    }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>The partition.</summary>
    public int Partition { get; }

    /// <summary>The offset of the unreadable record.</summary>
    public long Offset { get; }
}
