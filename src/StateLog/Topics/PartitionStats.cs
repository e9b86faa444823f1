using System;

namespace StateLog;

/// <summary>A snapshot of one partition: its offsets, size and the cleaner's view of it.</summary>
/// <param name="Partition">The partition number.</param>
/// <param name="LogStartOffset">The first offset of the log.</param>
/// <param name="LogEndOffset">The offset the next record will get.</param>
/// <param name="SegmentCount">Segments, the active one included.</param>
/// <param name="SizeInBytes">Bytes of all <c>.log</c> files.</param>
/// <param name="LiveKeys">Keys whose latest record is not a tombstone.</param>
/// <param name="DirtyRatio">Dirty bytes of closed segments over bytes of closed segments (Kafka's cleanable ratio).</param>
/// <param name="FirstDirtyOffset">The cleaner point: offsets below it have been cleaned.</param>
/// <param name="LastCleaned">When the last cleaning pass ended, or <see langword="null"/> if none has run since open.</param>
/// <param name="LastCleaningOutcome">What that pass did, or why it failed.</param>
/// <param name="IsFailed">Whether the partition refuses writes after a storage failure.</param>
public sealed record PartitionStats(
    int Partition,
    long LogStartOffset,
    long LogEndOffset,
    int SegmentCount,
    long SizeInBytes,
    long LiveKeys,
    double DirtyRatio,
    long FirstDirtyOffset,
    DateTimeOffset? LastCleaned,
    string? LastCleaningOutcome,
    bool IsFailed)
{
    /// <summary>Whether the last cleaning pass failed; the cleaner retries it with backoff while reads and writes go on.</summary>
    public bool IsCleaningFailed { get; init; }
}
