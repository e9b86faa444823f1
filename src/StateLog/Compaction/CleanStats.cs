using System.Globalization;

namespace StateLog.Compaction;

/// <summary>What one pass over one partition read, wrote and removed (Kafka's <c>CleanerStats</c>).</summary>
internal sealed class CleanStats
{
    /// <summary>One past the last offset the pass indexed: the next cleaner point.</summary>
    public long EndOffset { get; set; }

    public long MapRecordsRead { get; set; }

    public long MapBytesRead { get; set; }

    /// <summary>Records of the rewritten segments (the "before" of the pass).</summary>
    public long RecordsRead { get; set; }

    public long BytesRead { get; set; }

    public long RecordsWritten { get; set; }

    public long BytesWritten { get; set; }

    /// <summary>Records without a key, discarded (Kafka's "invalid messages").</summary>
    public long InvalidRecords { get; set; }

    /// <summary>Tombstones dropped because their delete horizon had passed.</summary>
    public long TombstonesRemoved { get; set; }

    public int SegmentsRewritten { get; set; }

    /// <summary>Clean segments left untouched because nothing in them could be removed.</summary>
    public int SegmentsSkipped { get; set; }

    public int MapSize { get; set; }

    public bool MapFull { get; set; }

    /// <summary>The pass copied the records the key index lists instead of building an offset map (<see cref="LiveRecords"/>).</summary>
    public bool KeyIndexPass { get; set; }

    /// <summary>Threads that copied the pass's groups at once (<c>Cleaner.ConcurrentCopies.cs</c>); 0 when it copied them in turn.</summary>
    public int CopyThreads { get; set; }

    /// <summary>Adds what one group's copy counted (<see cref="Cleaner"/> copies groups on several threads, each into stats of its own).</summary>
    public void AddCopy(CleanStats copy)
    {
        RecordsRead += copy.RecordsRead;
        BytesRead += copy.BytesRead;
        RecordsWritten += copy.RecordsWritten;
        BytesWritten += copy.BytesWritten;
        InvalidRecords += copy.InvalidRecords;
        TombstonesRemoved += copy.TombstonesRemoved;
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"cleaned up to offset {EndOffset}: {RecordsRead} -> {RecordsWritten} records, {BytesRead} -> {BytesWritten} bytes, {TombstonesRemoved} tombstones removed, {SegmentsRewritten} segments rewritten, {SegmentsSkipped} clean segments untouched, {MapSize} keys indexed{(MapFull ? " (offset map full: partial pass)" : "")}{(KeyIndexPass ? " (from the key index)" : "")}{(CopyThreads > 1 ? $" (groups copied on {CopyThreads} threads)" : "")}");
}
