using System;
using System.Linq;
using StateLog.Compaction;

namespace StateLog.Storage;

/// <summary>The cleaner's view of the partition and the snapshot that <c>GetStats</c> reports.</summary>
internal sealed partial class PartitionLog
{
    /// <summary>The cleaner point: offsets below it have been cleaned (Kafka's cleaner checkpoint).</summary>
    public long FirstDirtyOffset { get; set; }

    public DateTimeOffset? LastCleaned { get; set; }

    public string? LastCleaningOutcome { get; set; }

    /// <summary>Whether the last cleaning pass failed (the cleaner retries it with backoff).</summary>
    public bool LastCleaningFailed { get; set; }

    /// <summary>
    /// How old the active segment's first batch may get before the segment rolls: SegmentMaxAge, capped by
    /// MaxCompactionLag (KIP-354), since the active segment is never cleaned.
    /// </summary>
    public TimeSpan RollAge => Config.MaxCompactionLag is { } lag && lag < Config.SegmentMaxAge ? lag : Config.SegmentMaxAge;

    /// <summary>The engine options (the cleaner takes the storage, crash points and clock from them).</summary>
    public StateLogOptions Options => _options;

    /// <summary>
    /// Kafka's cleanable ratio now: bytes of the closed segments from the one holding the cleaner point up to the
    /// first uncleanable one (MinCompactionLag applied), over the bytes of those and of the clean segments (reference §1.3).
    /// </summary>
    public double DirtyRatio() => CleanableRange.Compute(this, _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds()).Ratio;

    public PartitionStats GetStats()
    {
        var segments = Segments;
        long liveKeys;
        lock (Keys.Gate)
        {
            liveKeys = Keys.LiveKeys;
        }

        return new PartitionStats(
            Partition,
            segments[0].BaseOffset,
            LogEndOffset,
            segments.Length,
            segments.Sum(s => s.Size),
            liveKeys,
            DirtyRatio(),
            Math.Max(FirstDirtyOffset, segments[0].BaseOffset),
            LastCleaned,
            LastCleaningOutcome,
            IsFailed)
        {
            IsCleaningFailed = LastCleaningFailed,
        };
    }
}
