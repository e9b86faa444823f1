using System;
using System.Linq;

namespace StateLog.Storage;

/// <summary>The cleaner's view of the partition and the snapshot that <c>GetStats</c> reports.</summary>
internal sealed partial class PartitionLog
{
    /// <summary>The cleaner point: offsets below it have been cleaned (Kafka's cleaner checkpoint).</summary>
    public long FirstDirtyOffset { get; set; }

    public DateTimeOffset? LastCleaned { get; set; }

    public string? LastCleaningOutcome { get; set; }

    /// <summary>
    /// Kafka's cleanable ratio over the closed segments: bytes from the segment holding the cleaner point up to the
    /// active segment, over the bytes of all closed segments (reference §1.3, lags not applied).
    /// </summary>
    public double DirtyRatio()
    {
        var segments = Segments;
        long clean = 0, dirty = 0;
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var containsDirtyPoint = segments[i + 1].BaseOffset > FirstDirtyOffset;
            if (segments[i].BaseOffset < FirstDirtyOffset && !containsDirtyPoint)
            {
                clean += segments[i].Size;
            }
            else
            {
                dirty += segments[i].Size;
            }
        }

        return clean + dirty == 0 ? 0 : (double)dirty / (clean + dirty);
    }

    /// <summary>Whether the record at <paramref name="offset"/> is the latest of its key.</summary>
    public bool IsLatest(ReadOnlySpan<byte> key, long offset)
    {
        lock (Keys.Gate)
        {
            return Keys.TryGet(KeyIndex.Hash(key), out var location) && location.Offset == offset;
        }
    }

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
            IsFailed);
    }
}
