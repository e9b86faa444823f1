using System;
using StateLog.Storage.Records;

namespace StateLog.Storage.Segments;

/// <summary>
/// Reads a segment's batches from an offset on, with every check a reader needs before it trusts them: the CRC-32C
/// and header of each batch, and its offsets — which Kafka's CRC does not cover. Offsets must increase and stay within
/// the segment; the batch the sparse index points at must end at the offset the index says; and in a dense segment
/// (one the cleaner has not rewritten) each batch must start exactly where the last one ended. A damaged base offset
/// is therefore reported as <see cref="CorruptLogException"/> instead of silently shifting the offsets of its records.
/// Readers, the cleaner and verification all walk segments through it.
/// </summary>
internal sealed class SegmentReader : IDisposable
{
    private readonly LogSegment _segment;
    private readonly BatchScanner _scanner;
    private readonly long _endOffset;
    private long _expectedLastOffset;
    private long _minBaseOffset;
    private long _expectedBaseOffset;

    /// <param name="segment">A segment the caller holds a reference to.</param>
    /// <param name="fromOffset">The offset to start at (through the sparse index).</param>
    /// <param name="maxBatchBytes">The largest batch the partition can hold.</param>
    public SegmentReader(LogSegment segment, long fromOffset, int maxBatchBytes)
    {
        _segment = segment;
        var size = segment.Size; // read before NextOffset: every batch below this size is already tracked
        _endOffset = segment.NextOffset;
        var (position, lastOffset) = segment.PositionFor(fromOffset);
        _expectedLastOffset = lastOffset;
        _minBaseOffset = segment.BaseOffset;
        _expectedBaseOffset = position == 0 && segment.IsDense ? segment.BaseOffset : -1;
        _scanner = new BatchScanner(segment.File, position, size, maxBatchBytes);
    }

    /// <summary>The file position of <see cref="Current"/>.</summary>
    public long Position => _scanner.Position;

    public RecordBatch Current => new(_scanner.Current);

    /// <summary>Moves to the next batch; false at the end of the segment. Throws <see cref="CorruptLogException"/>.</summary>
    public bool MoveNext()
    {
        var result = _scanner.Next(verify: true);
        if (result == ScanResult.End)
        {
            return false;
        }

        if (result != ScanResult.Batch)
        {
            throw new CorruptLogException(_segment.LogPath, _scanner.Position, _scanner.Problem ?? "a batch is cut short");
        }

        var batch = Current;
        if (_expectedLastOffset >= 0 && batch.LastOffset != _expectedLastOffset)
        {
            throw Corrupt($"the offset index says the batch here ends at offset {_expectedLastOffset}, but it ends at {batch.LastOffset}");
        }

        if (OffsetProblem(batch, _minBaseOffset, _endOffset, _expectedBaseOffset) is { } problem)
        {
            throw Corrupt(problem);
        }

        _expectedLastOffset = -1;
        _minBaseOffset = batch.NextOffset;
        _expectedBaseOffset = _segment.IsDense ? batch.NextOffset : -1;
        return true;
    }

    /// <summary>
    /// What is wrong with <paramref name="batch"/>'s offsets, which Kafka's CRC does not cover, or null: they must lie in
    /// <c>[minBase, end)</c> and, where <paramref name="expectedBase"/> is not -1 (a segment no pass has rewritten),
    /// start exactly there.
    /// </summary>
    public static string? OffsetProblem(RecordBatch batch, long minBase, long end, long expectedBase) =>
        batch.BaseOffset < minBase || batch.LastOffset >= end || batch.LastOffset < batch.BaseOffset ? $"batch offsets {batch.BaseOffset}..{batch.LastOffset} are outside {minBase}..{end - 1}"
        : expectedBase >= 0 && batch.BaseOffset != expectedBase ? $"the batch starts at offset {batch.BaseOffset}, but the one before it ended at {expectedBase - 1}"
        : null;

    public void Dispose() => _scanner.Dispose();

    private CorruptLogException Corrupt(string reason) => new(_segment.LogPath, _scanner.Position, reason);
}
