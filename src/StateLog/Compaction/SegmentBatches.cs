using System.Threading;
using StateLog.Storage.Records;
using StateLog.Storage.Segments;

namespace StateLog.Compaction;

/// <summary>The cleaner's way through a segment: every batch verified (CRC, sizes), a bad one a <see cref="CorruptLogException"/>.</summary>
internal static class SegmentBatches
{
    /// <summary>Sees one batch; returns false to stop.</summary>
    public delegate bool Visitor(RecordBatch batch);

    /// <summary>
    /// Walks the batches of <paramref name="segment"/> from <paramref name="position"/>, holding a reference so a swap
    /// cannot close it meanwhile. Returns false, reading nothing, when the segment was already retired.
    /// </summary>
    public static bool ForEach(LogSegment segment, long position, int maxBatchBytes, CancellationToken cancellationToken, Visitor visit)
    {
        if (!segment.TryAcquire())
        {
            return false;
        }

        try
        {
            using var scanner = new BatchScanner(segment.File, position, segment.Size, maxBatchBytes);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = scanner.Next(verify: true);
                if (result == ScanResult.End)
                {
                    return true;
                }

                if (result != ScanResult.Batch)
                {
                    throw new CorruptLogException(segment.LogPath, scanner.Position, scanner.Problem ?? "a batch is cut short");
                }

                if (!visit(new RecordBatch(scanner.Current)))
                {
                    return true;
                }
            }
        }
        finally
        {
            segment.Release();
        }
    }
}
