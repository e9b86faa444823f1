using System;
using System.Runtime.CompilerServices;
using System.Threading;
using StateLog.Storage.Segments;

namespace StateLog.Compaction;

/// <summary>
/// What the cleaner knows about a segment's records without reading it again: how many there are, and its
/// tombstones' earliest delete horizon. With the key index this tells whether a clean segment holds anything a pass
/// could remove (a record that is no longer the latest of its key, or a tombstone past its horizon), so that clean
/// segments with nothing to remove are left untouched (DESIGN §4) and due tombstones schedule a pass by themselves.
/// Kept beside the segment object (a weak table): written by the pass that creates the segment, or read once from
/// the file for segments found at open.
/// </summary>
/// <param name="Records">Records in the segment.</param>
/// <param name="Tombstones">Tombstones in the segment.</param>
/// <param name="EarliestHorizon">The earliest delete horizon of a batch holding a tombstone, or <see cref="long.MaxValue"/>.</param>
/// <param name="UnstampedTombstones">Tombstones in batches without a horizon, or records without a key: a pass must rewrite them.</param>
internal sealed record SegmentSummary(long Records, long Tombstones, long EarliestHorizon, long UnstampedTombstones)
{
    private static readonly ConditionalWeakTable<LogSegment, SegmentSummary> Known = new();

    public static void Remember(LogSegment segment, SegmentSummary summary) => Known.AddOrUpdate(segment, summary);

    public static SegmentSummary? Find(LogSegment segment) => Known.TryGetValue(segment, out var summary) ? summary : null;

    /// <summary>The summary of <paramref name="segment"/>, reading the file once if no pass wrote it; null if it was retired meanwhile.</summary>
    public static SegmentSummary? GetOrScan(LogSegment segment, int maxBatchBytes)
    {
        if (Find(segment) is { } known)
        {
            return known;
        }

        var builder = new Builder();
        var read = SegmentBatches.ForEach(segment, segment.BaseOffset, maxBatchBytes, CancellationToken.None, batch =>
        {
            foreach (var record in batch)
            {
                builder.Add(record.IsTombstone, record.KeyIsNull, batch.DeleteHorizon);
            }

            return true;
        });
        if (!read)
        {
            return null;
        }

        var summary = builder.Build();
        Remember(segment, summary);
        return summary;
    }

    /// <summary>Whether a pass at <paramref name="nowMs"/> could remove a tombstone of this segment by its horizon alone.</summary>
    public bool HasDueTombstones(long nowMs) => Tombstones > 0 && EarliestHorizon <= nowMs;

    /// <summary>Counts records as they are written or read.</summary>
    public sealed class Builder
    {
        private long _records;
        private long _tombstones;
        private long _earliest = long.MaxValue;
        private long _unstamped;

        public void Add(bool isTombstone, bool keyIsNull, long? horizon)
        {
            _records++;
            if (keyIsNull)
            {
                _unstamped++;
            }
            else if (isTombstone)
            {
                _tombstones++;
                if (horizon is { } h)
                {
                    _earliest = Math.Min(_earliest, h);
                }
                else
                {
                    _unstamped++;
                }
            }
        }

        public SegmentSummary Build() => new(_records, _tombstones, _earliest, _unstamped);
    }
}
