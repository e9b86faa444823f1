using System.Threading;
using StateLog.Storage.Records;
using StateLog.Storage.Segments;

namespace StateLog.Compaction;

/// <summary>The cleaner's way through a segment: every batch verified (CRC, sizes, offsets), a bad one a <see cref="CorruptLogException"/>.</summary>
internal static class SegmentBatches
{
    /// <summary>Sees one batch; returns false to stop.</summary>
    public delegate bool Visitor(RecordBatch batch);

    /// <summary>
    /// Walks the batches of <paramref name="segment"/> from <paramref name="fromOffset"/> through a
    /// <see cref="SegmentReader"/> (CRCs and offsets checked), holding a reference so a swap cannot close the segment
    /// meanwhile. Returns false, reading nothing, when the segment was already retired.
    /// </summary>
    public static bool ForEach(LogSegment segment, long fromOffset, int maxBatchBytes, CancellationToken cancellationToken, Visitor visit)
    {
        if (!segment.TryAcquire())
        {
            return false;
        }

        try
        {
            using var reader = new SegmentReader(segment, fromOffset, maxBatchBytes);
            while (reader.MoveNext())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!visit(reader.Current))
                {
                    break;
                }
            }

            return true;
        }
        finally
        {
            segment.Release();
        }
    }
}
