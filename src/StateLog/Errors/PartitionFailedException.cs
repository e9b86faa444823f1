using System;

namespace StateLog;

/// <summary>
/// A partition refuses writes because an earlier write or fsync failed; what was on disk may not be what was acknowledged
/// as buffered. Reopen the engine to recover the partition from disk.
/// </summary>
public sealed class PartitionFailedException : StateLogException
{
    /// <summary>Creates the exception.</summary>
    public PartitionFailedException(string topic, int partition, Exception cause)
        : base($"Partition {partition} of topic '{topic}' refuses writes after a storage failure ({cause.Message}). Reopen the engine to recover it.", cause)
    {
        Topic = topic;
        Partition = partition;
    }

    /// <summary>The topic.</summary>
    public string Topic { get; }

    /// <summary>The partition.</summary>
    public int Partition { get; }
}
