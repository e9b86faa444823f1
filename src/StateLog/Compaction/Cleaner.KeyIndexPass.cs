using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Threading;
using StateLog.Storage;
using StateLog.Storage.Records;
using StateLog.Storage.Segments;

namespace StateLog.Compaction;

/// <summary>
/// The key-index pass (<see cref="LiveRecords"/>): it walks the batch headers of each source segment and reads, of
/// each batch, only the records the key index lists in it, so its cost follows the live records rather than the log.
/// The batch rules (<see cref="Write"/>) are Kafka's pass's own, so both write the same bytes.
/// </summary>
internal sealed partial class Cleaner
{
    private readonly List<LiveRecords.Entry> _keptEntries = new();
    private byte[] _scratch = new byte[64 * 1024];

    /// <summary>The next entry of the key-index pass's <see cref="LiveRecords"/> to meet.</summary>
    private int Cursor { get; set; }

    /// <summary>
    /// Cleans one source segment from the key index. Each batch header is checked (size, magic, compression, offsets
    /// within the segment and after the previous batch); each live record against its key-index entry (position
    /// inside the batch, offset, key hash, size and record checksum). A batch whose records are mostly live, or that
    /// holds a tombstone (which has no record checksum), is read whole and checked by its CRC. Records that are no
    /// longer the latest of their key are never read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per pass: no time to tier up
    private void CleanSegment(PartitionLog log, LogSegment source, LiveRecords live, long nowMs, long upperBound, GroupOutput output, CleanStats stats, ref LastBatch last, CancellationToken cancellationToken)
    {
        if (!source.TryAcquire())
        {
            throw Closed();
        }

        try
        {
            using var view = new SegmentView(source);
            var entries = live.Entries;
            var position = 0L;
            var nextBase = source.BaseOffset;
            while (position < source.Size)
            {
                cancellationToken.ThrowIfCancellationRequested();
                view.Read(position, _scratch.AsSpan(0, BatchLayout.HeaderSize));
                var header = new RecordBatch(_scratch.AsSpan(0, BatchLayout.HeaderSize));
                var size = CheckHeader(source, header, position, nextBase, log.MaxBatchBytes);
                var first = Cursor;
                if (first < entries.Length && entries[first].Location.Offset < header.BaseOffset)
                {
                    throw NotFound(source, entries[first]);
                }

                var end = first;
                long liveBytes = 0;
                var tombstones = false;
                while (end < entries.Length && entries[end].Location.Offset <= header.LastOffset)
                {
                    tombstones |= entries[end].Location.IsTombstone;
                    liveBytes += Math.Max(entries[end].Location.Size, 0);
                    end++;
                }

                var whole = tombstones || end - first == header.RecordsCount || liveBytes * 2 >= size;
                var read = CleanBatch(log, source, view, position, size, whole, entries, first, end - first, nowMs, upperBound, output, stats, cancellationToken);
                Cursor = end;
                _throttler.MaybeThrottle(read, cancellationToken);
                var batch = new RecordBatch(_scratch.AsSpan(0, BatchLayout.HeaderSize));
                last = new LastBatch(batch.BaseOffset, batch.LastOffset, batch.MaxTimestamp, true);
                nextBase = batch.NextOffset;
                position += size;
            }

            var segments = log.Segments;
            var after = segments[Array.IndexOf(segments, source) + 1].BaseOffset;
            if (Cursor < entries.Length && entries[Cursor].Location.Offset < after)
            {
                throw NotFound(source, entries[Cursor]);
            }
        }
        finally
        {
            source.Release();
        }
    }

    /// <summary>
    /// One batch (its header in <see cref="_scratch"/>) with the key-index entries that fall in it (the <paramref name="count"/>
    /// <paramref name="entries"/> from <paramref name="first"/>): reads the live records (or the whole batch),
    /// applies Kafka's record and batch rules, and notes each kept record's new place. Returns the bytes read.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int CleanBatch(PartitionLog log, LogSegment source, SegmentView view, long position, int size, bool whole, ChunkedArray<LiveRecords.Entry> entries, int first, int count, long nowMs, long upperBound, GroupOutput output, CleanStats stats, CancellationToken cancellationToken)
    {
        var length = BatchLayout.HeaderSize;
        if (whole)
        {
            Grow(size);
            view.Read(position + BatchLayout.HeaderSize, _scratch.AsSpan(BatchLayout.HeaderSize, size - BatchLayout.HeaderSize));
            length = size;
            try
            {
                new RecordBatch(_scratch.AsSpan(0, size)).Validate();
            }
            catch (InvalidDataException e)
            {
                throw new CorruptLogException(source.LogPath, position, e.Message);
            }
        }

        var header = new RecordBatch(_scratch.AsSpan(0, BatchLayout.HeaderSize));
        var baseOffset = header.BaseOffset;
        var baseTimestamp = header.BaseTimestamp;
        var horizonPassed = header.DeleteHorizon is { } horizon && nowMs >= horizon;
        stats.RecordsRead += header.RecordsCount;
        _kept.Clear();
        _keptEntries.Clear();
        long? firstKeptTimestamp = null;
        var keptTombstone = false;
        for (var k = first; k < first + count; k++)
        {
            var entry = entries[k];
            var location = entry.Location;
            var at = location.Position - position;
            if (at < BatchLayout.HeaderSize || at + Math.Max(location.Size, 1) > size)
            {
                throw Mismatch(source, location, $"its position is outside the batch at {position} that holds its offset");
            }

            var recordAt = whole ? (int)at : length;
            if (!whole)
            {
                Grow(length + location.Size);
                view.Read(location.Position, _scratch.AsSpan(length, location.Size));
                length += location.Size;
            }

            KeptRecord parsed;
            try
            {
                var bytes = _scratch.AsSpan(0, whole ? size : length);
                var record = Record.Parse(bytes, recordAt, baseOffset, baseTimestamp);
                if (record.Offset != location.Offset || record.KeyIsNull || record.IsTombstone != location.IsTombstone || KeyIndex.Hash(record.Key) != entry.Hash)
                {
                    throw Mismatch(source, location, $"the record there (offset {record.Offset}) is another one");
                }

                if (!record.IsTombstone && (record.SizeInBytes != location.Size || Crc32C.Compute(_scratch.AsSpan(recordAt, record.SizeInBytes)) != location.Checksum))
                {
                    throw Mismatch(source, location, "its bytes do not match the record checksum");
                }

                parsed = KeptRecord.Of(bytes, record);
            }
            catch (InvalidDataException e)
            {
                throw Mismatch(source, location, e.Message);
            }

            if (parsed.IsTombstone && horizonPassed)
            {
                stats.TombstonesRemoved++;
                output.KeyMoves.Remove(entry.Hash, location);
                continue;
            }

            keptTombstone |= parsed.IsTombstone;
            firstKeptTimestamp ??= parsed.Timestamp;
            _kept.Add(parsed);
            _keptEntries.Add(entry);
        }

        var kept = _keptEntries.Count;
        var written = Write(log, new RecordBatch(_scratch.AsSpan(0, length)), kept, keptTombstone, firstKeptTimestamp, nowMs, upperBound, output, stats, cancellationToken, out var writtenAt);
        if (!written.IsEmpty)
        {
            var horizonWritten = new RecordBatch(written).DeleteHorizon;
            for (var i = 0; i < kept; i++)
            {
                var start = _writtenPositions[i];
                var end = i + 1 < kept ? _writtenPositions[i + 1] : written.Length;
                var entry = _keptEntries[i];
                var isTombstone = entry.Location.IsTombstone;
                output.Summary.Add(isTombstone, keyIsNull: false, horizonWritten);
                output.KeyMoves.Move(entry.Hash, KeyLocation.Of(entry.Location.Offset, writtenAt + start, written[start..end], isTombstone));
            }
        }

        return length;
    }

    /// <summary>
    /// The checks a reader makes on a batch header before trusting it (<see cref="SegmentReader"/>, without the CRC,
    /// which needs the whole batch): its size, magic, compression, counts, and offsets inside the segment, after the
    /// previous batch's (exactly after, in a segment no pass has rewritten). Returns the batch's size.
    /// </summary>
    private static int CheckHeader(LogSegment source, RecordBatch header, long position, long nextBase, int maxBatchBytes)
    {
        var size = (long)header.Length + BatchLayout.LogOverhead;
        var problem = BatchLayout.LengthProblem(header.Length, maxBatchBytes)
            ?? (position + size > source.Size ? "a batch is cut short" : null)
            ?? header.HeaderProblem(size)
            ?? SegmentReader.OffsetProblem(header, nextBase, source.NextOffset, source.IsDense ? nextBase : -1);
        return problem is null ? (int)size : throw new CorruptLogException(source.LogPath, position, problem);
    }

    /// <summary>Makes <see cref="_scratch"/> at least <paramref name="bytes"/> long, keeping what it holds.</summary>
    private void Grow(int bytes)
    {
        if (_scratch.Length < bytes)
        {
            Array.Resize(ref _scratch, Math.Max(bytes, _scratch.Length * 2));
        }
    }

    private static CorruptLogException Mismatch(LogSegment source, KeyLocation location, string problem) =>
        new(source.LogPath, location.Position, $"the latest record of a key, at offset {location.Offset}: {problem}");

    private static CorruptLogException NotFound(LogSegment source, LiveRecords.Entry entry) =>
        new(source.LogPath, entry.Location.Position, $"the key index places the latest record of a key at offset {entry.Location.Offset}, which no batch of the segment holds");
}
