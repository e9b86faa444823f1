using System;

namespace StateLog;

/// <summary>What one <c>CompactAsync</c> did, summed over the topic's partitions.</summary>
/// <param name="RecordsBefore">Records in the cleaned range before the pass.</param>
/// <param name="RecordsAfter">Records left in that range after it.</param>
/// <param name="BytesBefore">Bytes of the segments rewritten, before.</param>
/// <param name="BytesAfter">Bytes of the segments that replaced them.</param>
/// <param name="TombstonesRemoved">Tombstones dropped because their delete horizon had passed.</param>
/// <param name="PartitionsCleaned">Partitions the pass rewrote.</param>
/// <param name="Duration">Wall time of the pass.</param>
public sealed record CompactionResult(
    long RecordsBefore,
    long RecordsAfter,
    long BytesBefore,
    long BytesAfter,
    long TombstonesRemoved,
    int PartitionsCleaned,
    TimeSpan Duration)
{
    /// <summary>A pass that found nothing to clean.</summary>
    public static CompactionResult Empty { get; } = new(0, 0, 0, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The sum of two results, their durations added.</summary>
    public CompactionResult Add(CompactionResult other) => new(
        RecordsBefore + other.RecordsBefore,
        RecordsAfter + other.RecordsAfter,
        BytesBefore + other.BytesBefore,
        BytesAfter + other.BytesAfter,
        TombstonesRemoved + other.TombstonesRemoved,
        PartitionsCleaned + other.PartitionsCleaned,
        Duration + other.Duration);
}
