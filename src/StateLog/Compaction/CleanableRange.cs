using System;
using StateLog.Storage;
using StateLog.Storage.Segments;

namespace StateLog.Compaction;

/// <summary>
/// What a partition offers the cleaner now (Kafka's <c>LogToClean</c> and <c>cleanableOffsets</c>, reference §1.3):
/// the cleaner point, the first offset that may not be cleaned (the active segment, or the first dirty segment still
/// inside MinCompactionLag), the clean and cleanable bytes and their ratio, and how overdue MaxCompactionLag is.
/// </summary>
/// <param name="FirstDirtyOffset">The validated cleaner point.</param>
/// <param name="FirstUncleanableOffset">A segment base offset: this segment and later ones are not cleaned.</param>
/// <param name="CleanBytes">Bytes of segments whose base offset is below the cleaner point.</param>
/// <param name="CleanableBytes">Bytes of segments from the one holding the cleaner point up to the uncleanable one.</param>
/// <param name="CompactionDelayMs">How far past MaxCompactionLag the oldest dirty record is (0 when not overdue).</param>
/// <param name="CheckpointReset">The stored cleaner point was outside the log and had to be reset (Kafka rewrites the checkpoint then).</param>
internal sealed record CleanableRange(
    long FirstDirtyOffset,
    long FirstUncleanableOffset,
    long CleanBytes,
    long CleanableBytes,
    long CompactionDelayMs,
    bool CheckpointReset)
{
    public long TotalBytes => CleanBytes + CleanableBytes;

    /// <summary>Kafka's cleanable ratio ("dirty ratio").</summary>
    public double Ratio => TotalBytes == 0 ? 0 : (double)CleanableBytes / TotalBytes;

    public bool NeedCompactionNow => CompactionDelayMs > 0;

    /// <summary>Kafka's rule: overdue with something to clean, or a ratio strictly above the minimum.</summary>
    public bool IsEligible(double minCleanableRatio) =>
        TotalBytes > 0 && ((NeedCompactionNow && CleanableBytes > 0) || Ratio > minCleanableRatio);

    public static CleanableRange Compute(PartitionLog log, long nowMs) => Compute(log.Segments, log.FirstDirtyOffset, log.LogEndOffset, log.Config, nowMs);

    public static CleanableRange Compute(LogSegment[] segments, long checkpoint, long logEndOffset, Configuration.TopicConfig config, long nowMs)
    {
        var logStart = segments[0].BaseOffset;
        var reset = checkpoint < logStart || checkpoint > logEndOffset;
        var firstDirty = reset ? logStart : checkpoint;
        var active = segments.Length - 1;

        // Uncleanable: the active segment, or the first dirty closed segment with a record newer than now - MinCompactionLag.
        var firstUncleanable = segments[active].BaseOffset;
        var minLagMs = (long)config.MinCompactionLag.TotalMilliseconds;
        long earliestDirty = long.MaxValue;
        for (var i = 0; i < active; i++)
        {
            if (segments[i + 1].BaseOffset <= firstDirty)
            {
                continue;
            }

            if (segments[i].FirstBatchTimestamp is { } first && first > 0)
            {
                earliestDirty = Math.Min(earliestDirty, first);
            }

            if (minLagMs > 0 && segments[i].MaxTimestamp > nowMs - minLagMs && segments[i].BaseOffset < firstUncleanable)
            {
                firstUncleanable = segments[i].BaseOffset;
            }
        }

        firstUncleanable = Math.Max(firstUncleanable, firstDirty);
        long clean = 0, cleanable = 0;
        for (var i = 0; i < active; i++)
        {
            var segment = segments[i];
            if (segment.BaseOffset < firstDirty)
            {
                clean += segment.Size;
            }

            if (segments[i + 1].BaseOffset > firstDirty && segment.BaseOffset < firstUncleanable)
            {
                cleanable += segment.Size;
            }
        }

        long delay = 0;
        if (config.MaxCompactionLag is { } maxLag && earliestDirty != long.MaxValue)
        {
            delay = Math.Max(0, nowMs - (long)maxLag.TotalMilliseconds - earliestDirty);
        }

        return new CleanableRange(firstDirty, firstUncleanable, clean, cleanable, delay, reset);
    }
}
