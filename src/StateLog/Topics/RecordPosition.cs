namespace StateLog;

/// <summary>Where a record was written: its topic, partition and offset.</summary>
/// <param name="Topic">The topic name.</param>
/// <param name="Partition">The partition number.</param>
/// <param name="Offset">The record's offset in the partition; it never changes, compaction included.</param>
public readonly record struct RecordPosition(string Topic, int Partition, long Offset);
