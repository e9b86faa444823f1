using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using StateLog.Storage;
using StateLog.Storage.Records;
using StateLog.Storage.Segments;

namespace StateLog.Compaction;

/// <summary>
/// One cleaning pass over one partition (Kafka's <c>Cleaner.doClean</c>, reference §1.5–§1.7): index the latest
/// offset of every key in the dirty range into a bounded <see cref="OffsetMap"/>, pick the segments to rewrite, group
/// them by Kafka's size and offset-span limits, rewrite each group into a <c>.cleaned</c> segment that keeps a record
/// iff it is the latest of its key (or beyond what the map covers), and swap it in (<see cref="SegmentSwap"/>).
/// Beyond Kafka, a clean segment that holds nothing removable is left as it is, so a pass costs in proportion to the
/// dirty data when no clean segment holds a shadowed key; and where the key index equals the offset map (no key's
/// latest record at or beyond the first uncleanable offset, <see cref="LiveRecords"/>), the pass builds no map and
/// reads only the records it keeps (<c>Cleaner.KeyIndexPass.cs</c>), writing the same bytes.
/// </summary>
internal sealed partial class Cleaner : IDisposable
{
    private readonly Throttler _throttler;
    private readonly int _maxMapEntries;
    private readonly bool _keyIndexPasses;
    private readonly SegmentDeleter? _deleter;
    private readonly int _copyThreads;
    private readonly long _concurrentCopyMinBytes;

    /// <param name="throttler">The I/O throttle.</param>
    /// <param name="maxMapEntries">The offset map's capacity.</param>
    /// <param name="keyIndexPasses">Use the key-index pass where it equals Kafka's (tests turn it off to compare).</param>
    /// <param name="deleter">Deletes replaced segments after the topic's <c>FileDeleteDelay</c>; without one, when the last reader lets go.</param>
    /// <param name="copyThreads">Threads that may copy a key-index pass's groups at once (<c>Cleaner.ConcurrentCopies.cs</c>); 1 copies them in turn.</param>
    /// <param name="concurrentCopyMinBytes">The source bytes below which a pass copies its groups in turn whatever <paramref name="copyThreads"/> allows.</param>
    public Cleaner(Throttler throttler, int maxMapEntries = OffsetMap.DefaultMaxEntries, bool keyIndexPasses = true, SegmentDeleter? deleter = null, int copyThreads = 1, long concurrentCopyMinBytes = 0)
    {
        _throttler = throttler;
        _maxMapEntries = maxMapEntries;
        _keyIndexPasses = keyIndexPasses;
        _deleter = deleter;
        _copyThreads = copyThreads;
        _concurrentCopyMinBytes = concurrentCopyMinBytes;
    }

    public void Dispose() => _builder.Dispose();

    /// <summary>Kafka's <c>Clean(d, u)</c>: one pass with the given cleaner point and first uncleanable offset; the caller excludes other passes on the log.</summary>
    public CleanStats Clean(PartitionLog log, long firstDirty, long firstUncleanable, long nowMs, CancellationToken cancellationToken) =>
        Clean(log, firstDirty, firstUncleanable, TakeLiveRecords(log, firstDirty, firstUncleanable), nowMs, cancellationToken);

    /// <summary>The key index's snapshot for a pass over <c>[firstDirty, firstUncleanable)</c>, when it equals Kafka's offset map (<see cref="LiveRecords"/>).</summary>
    public LiveRecords? TakeLiveRecords(PartitionLog log, long firstDirty, long firstUncleanable) =>
        log.UnderWriteLock(() => CopyLiveRecords(log, firstDirty, firstUncleanable)) is { } taken ? LiveRecords.Sort(taken) : null;

    /// <summary>The unsorted copy behind <see cref="TakeLiveRecords"/>, for a caller that already holds the partition's write lock (and sorts it after letting go).</summary>
    public LiveRecords.Taken? CopyLiveRecords(PartitionLog log, long firstDirty, long firstUncleanable) =>
        _keyIndexPasses ? LiveRecords.Take(log, firstDirty, firstUncleanable, _maxMapEntries) : null;

    /// <summary>
    /// One pass: with <paramref name="live"/> (taken for this range), the key-index pass copies just the records it
    /// lists; without, Kafka's pass indexes the dirty range into an offset map and recopies every record it keeps.
    /// Both pick, group and swap segments alike and write the same bytes.
    /// </summary>
    public CleanStats Clean(PartitionLog log, long firstDirty, long firstUncleanable, LiveRecords? live, long nowMs, CancellationToken cancellationToken)
    {
        var stats = new CleanStats { KeyIndexPass = live is not null };
        OffsetMap? map = null;
        if (live is null)
        {
            map = new OffsetMap(_maxMapEntries);
            stats.MapFull = BuildOffsetMap(log, map, firstDirty, firstUncleanable, stats, cancellationToken);
            stats.MapSize = map.Size;

            // Nothing indexed (no dirty range): the map still "covers" everything below the cleaner point, so a clean
            // segment's tombstones past their horizon can go (Kafka would keep them until the log gets dirty again).
            map.LatestOffset = Math.Max(map.LatestOffset, firstDirty - 1);
        }
        else
        {
            stats.MapSize = live.DirtyKeys;
        }

        // The key-index pass covers the whole range: Kafka's map, never full here, ends one below it.
        var endOffset = map is null ? firstUncleanable : map.LatestOffset + 1;
        stats.EndOffset = endOffset;

        var segments = log.Segments;
        var closed = segments.Length - 1;
        var rewrite = new bool[closed];
        var liveCounts = live?.CountsPerSegment(segments) ?? LatestRecordsPerSegment(log, segments);
        for (var i = 0; i < closed && segments[i].BaseOffset < endOffset; i++)
        {
            var dirty = segments[i + 1].BaseOffset > firstDirty;
            rewrite[i] = dirty || NeedsRecopy(segments[i], liveCounts[i], log.MaxBatchBytes, nowMs);
            if (!rewrite[i])
            {
                stats.SegmentsSkipped++;
            }
        }

        var groups = new List<LogSegment[]>();
        foreach (var run in Runs(segments, rewrite))
        {
            groups.AddRange(GroupSegments(segments[run.Start..run.End], log.Config.SegmentBytes, segments[run.End].BaseOffset));
        }

        if (live is not null && _copyThreads > 1 && groups.Count > 1 && groups.Sum(g => g.Sum(s => s.Size)) >= _concurrentCopyMinBytes)
        {
            CleanGroupsConcurrently(log, groups, live, nowMs, firstUncleanable, stats, cancellationToken);
            return stats;
        }

        foreach (var group in groups)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CleanGroup(log, group, map, live, nowMs, firstUncleanable, stats, cancellationToken);
        }

        return stats;
    }

    /// <summary>
    /// Whether a pass over <c>[firstDirty, firstUncleanable)</c> would rewrite nothing, told from the segment summaries
    /// alone; the caller holds the partition's write lock. So it is when nothing is dirty, no record lies at or beyond the
    /// first uncleanable offset, and no closed segment is empty, holds a due or unstamped tombstone (<see cref="NeedsRecopy"/>),
    /// or holds a record that is not the latest of its key: every key's latest record is in one of these segments, so
    /// their records add up to the key index's count exactly when each holds latest records only. A forced pass over a
    /// log at its steady state then costs a look at each segment, not a copy and sort of the key index.
    /// </summary>
    public static bool IsSteady(PartitionLog log, long firstDirty, long firstUncleanable, long nowMs)
    {
        if (firstDirty < firstUncleanable || log.LogEndOffset != firstUncleanable)
        {
            return false;
        }

        var segments = log.Segments;
        long records = 0;
        for (var i = 0; i < segments.Length - 1 && segments[i].BaseOffset < firstUncleanable; i++)
        {
            var summary = SegmentSummary.Find(segments[i]);
            if (NeedsRecopyOfItsOwn(segments[i], summary, nowMs))
            {
                return false;
            }

            records += summary!.Records;
        }

        lock (log.Keys.Gate)
        {
            return records == log.Keys.Count;
        }
    }

    /// <summary>What <see cref="Clean(PartitionLog, long, long, LiveRecords?, long, CancellationToken)"/> returns where <see cref="IsSteady"/> holds: every closed segment skipped.</summary>
    public CleanStats SteadyPass(PartitionLog log, long firstUncleanable) => new()
    {
        KeyIndexPass = _keyIndexPasses, // the key index equals Kafka's (empty) map here
        EndOffset = firstUncleanable,
        SegmentsSkipped = log.Segments.Count(s => s.BaseOffset < firstUncleanable),
    };

    /// <summary>Kafka's <c>cleanSegments</c>: rewrites one group with a given map and upper bound, and swaps it in.</summary>
    public CleanStats CleanSegments(PartitionLog log, LogSegment[] group, OffsetMap map, long nowMs, long upperBound)
    {
        var stats = new CleanStats();
        CleanGroup(log, group, map, null, nowMs, upperBound, stats, CancellationToken.None);
        return stats;
    }

    /// <summary>
    /// Indexes <c>[start, end)</c> (Kafka's <c>buildOffsetMap</c>): every keyed record at or after
    /// <paramref name="start"/> until the map is full. Returns whether it filled up; <see cref="OffsetMap.LatestOffset"/>
    /// then is the last offset indexed, else one below the end of the last segment read.
    /// </summary>
    public bool BuildOffsetMap(PartitionLog log, OffsetMap map, long start, long end, CleanStats stats, CancellationToken cancellationToken)
    {
        var segments = log.Segments;
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var next = i + 1 < segments.Length ? Math.Min(segments[i + 1].BaseOffset, end) : end;
            if (segment.BaseOffset >= end || (i + 1 < segments.Length && segments[i + 1].BaseOffset <= start))
            {
                continue;
            }

            var full = false;
            ForEachBatch(segment, start, log.MaxBatchBytes, cancellationToken, batch =>
            {
                stats.MapBytesRead += batch.SizeInBytes;
                foreach (var record in batch)
                {
                    if (!record.KeyIsNull && record.Offset >= start)
                    {
                        if (map.IsFull)
                        {
                            full = true;
                            return false;
                        }

                        map.Put(KeyIndex.Hash(record.Key), record.Offset);
                    }

                    stats.MapRecordsRead++;
                }

                if (batch.LastOffset >= start)
                {
                    map.LatestOffset = Math.Max(map.LatestOffset, batch.LastOffset);
                }

                return true;
            });
            if (full)
            {
                return true;
            }

            // A whole segment was read: the map covers up to the next one, offset gaps included (KAFKA-8764).
            map.LatestOffset = Math.Max(map.LatestOffset, next - 1);
        }

        return false;
    }

    /// <summary>
    /// Kafka's <c>groupSegmentsBySize</c>: consecutive segments whose sizes add up to at most
    /// <paramref name="maxSize"/> and whose offsets fit 32 bits relative to the group's base offset (estimated from the
    /// next segment's base, or <paramref name="nextBaseAfter"/> for the last); empty segments skip the span check.
    /// </summary>
    public static List<LogSegment[]> GroupSegments(IReadOnlyList<LogSegment> segments, long maxSize, long nextBaseAfter)
    {
        var groups = new List<LogSegment[]>();
        var i = 0;
        while (i < segments.Count)
        {
            var first = i;
            var size = segments[i].Size;
            i++;
            while (i < segments.Count && size + segments[i].Size <= maxSize
                && (segments[i].Size == 0 || LastOffsetEstimate(segments, i, nextBaseAfter) - segments[first].BaseOffset <= int.MaxValue))
            {
                size += segments[i].Size;
                i++;
            }

            groups.Add(segments.Skip(first).Take(i - first).ToArray());
        }

        return groups;
    }

    private static long LastOffsetEstimate(IReadOnlyList<LogSegment> segments, int index, long nextBaseAfter) =>
        (index + 1 < segments.Count ? segments[index + 1].BaseOffset : nextBaseAfter) - 1;

    /// <summary>Contiguous ranges <c>[Start, End)</c> of segments to rewrite.</summary>
    private static IEnumerable<(int Start, int End)> Runs(LogSegment[] segments, bool[] rewrite)
    {
        var i = 0;
        while (i < rewrite.Length)
        {
            if (!rewrite[i])
            {
                i++;
                continue;
            }

            var start = i;
            while (i < rewrite.Length && rewrite[i])
            {
                i++;
            }

            yield return (start, i);
        }
    }

    /// <summary>
    /// Whether a clean segment holds something a pass could remove: a record that is no longer the latest of its key
    /// (fewer key-index entries point into it than it has records), a tombstone past its horizon or unstamped, or
    /// nothing at all (an empty segment merges into its neighbours, as in Kafka).
    /// </summary>
    private static bool NeedsRecopy(LogSegment segment, long latestRecords, int maxBatchBytes, long nowMs)
    {
        var summary = segment.Size == 0 ? null : SegmentSummary.GetOrScan(segment, maxBatchBytes);
        return NeedsRecopyOfItsOwn(segment, summary, nowMs) || summary!.Records > latestRecords;
    }

    /// <summary>
    /// Whether a closed segment needs a pass whatever the rest of the log holds: it is empty, its summary is unknown
    /// (<paramref name="summary"/> null), or it holds a tombstone past its horizon or not yet stamped.
    /// </summary>
    private static bool NeedsRecopyOfItsOwn(LogSegment segment, SegmentSummary? summary, long nowMs) =>
        segment.Size == 0 || summary is null || summary.HasDueTombstones(nowMs) || summary.UnstampedTombstones > 0;

    /// <summary>For each closed segment, how many keys have their latest record in it (one walk of the key index).</summary>
    private static long[] LatestRecordsPerSegment(PartitionLog log, LogSegment[] segments)
    {
        var counts = new long[segments.Length];
        var bases = segments.Select(s => s.BaseOffset).ToArray();
        lock (log.Keys.Gate)
        {
            foreach (var (_, location) in log.Keys.Walk())
            {
                var index = Array.BinarySearch(bases, location.Offset);
                counts[index >= 0 ? index : ~index - 1]++;
            }
        }

        return counts;
    }

    /// <summary>Walks the batches of <paramref name="segment"/> from <paramref name="fromOffset"/>, counting them against the throttle.</summary>
    private void ForEachBatch(LogSegment segment, long fromOffset, int maxBatchBytes, CancellationToken cancellationToken, SegmentBatches.Visitor visit)
    {
        var read = SegmentBatches.ForEach(segment, fromOffset, maxBatchBytes, cancellationToken, batch =>
        {
            _throttler.MaybeThrottle(batch.SizeInBytes, cancellationToken);
            return visit(batch);
        });
        if (!read)
        {
            throw Closed();
        }
    }

    private static OperationCanceledException Closed() => new("The partition was closed during a cleaning pass.");
}
