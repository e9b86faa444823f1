using System.Collections.Generic;

namespace StateLog;

/// <summary>The findings of <see cref="StateLogEngine.Verify"/> for one partition.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition number.</param>
/// <param name="LogStartOffset">The first offset the log holds.</param>
/// <param name="LogEndOffset">The offset the next record will get.</param>
/// <param name="Segments">The number of segments scanned.</param>
/// <param name="Batches">The number of record batches whose CRC-32C was checked.</param>
/// <param name="Records">The number of records read.</param>
/// <param name="Problems">What is wrong, each naming the file and position; empty when the partition is sound.</param>
public sealed record PartitionVerifyResult(
    string Topic,
    int Partition,
    long LogStartOffset,
    long LogEndOffset,
    int Segments,
    long Batches,
    long Records,
    IReadOnlyList<string> Problems)
{
    /// <summary>Whether no problem was found.</summary>
    public bool IsClean => Problems.Count == 0;
}
