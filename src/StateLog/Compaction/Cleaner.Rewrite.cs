using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;
using StateLog.Storage;
using StateLog.Storage.Records;
using StateLog.Storage.Segments;

namespace StateLog.Compaction;

/// <summary>Rewriting one group of segments into a <c>.cleaned</c> segment (Kafka's <c>cleanSegments</c> and <c>cleanInto</c>).</summary>
internal sealed partial class Cleaner
{
    private readonly RecordBatchBuilder _builder = new();
    private readonly List<bool> _keep = new();
    private readonly List<UInt128> _hashes = new();
    private readonly List<KeptRecord> _kept = new();
    private readonly List<int> _writtenPositions = new();

    /// <summary>Rewrites <paramref name="group"/> keeping what <paramref name="map"/> (Kafka's pass) or <paramref name="live"/> (the key-index pass) retains, and swaps it in.</summary>
    private void CleanGroup(PartitionLog log, LogSegment[] group, OffsetMap? map, LiveRecords? live, long nowMs, long upperBound, CleanStats stats, CancellationToken cancellationToken) =>
        SwapGroup(log, group, CopyGroup(log, group, map, live, nowMs, upperBound, stats, cancellationToken), stats);

    /// <summary>Swaps in the copy of <paramref name="group"/> that <see cref="CopyGroup"/> wrote.</summary>
    private void SwapGroup(PartitionLog log, LogSegment[] group, GroupOutput output, CleanStats stats)
    {
        stats.SegmentsRewritten += group.Length;
        SegmentSwap.Swap(log, group, output.Segment, output.Summary.Build(), output.KeyMoves, _deleter);
    }

    /// <summary>
    /// Writes and syncs the <c>.cleaned</c> segment of <paramref name="group"/> with its indexes, ready to swap in; on
    /// any failure its files are gone before this throws.
    /// </summary>
    private GroupOutput CopyGroup(PartitionLog log, LogSegment[] group, OffsetMap? map, LiveRecords? live, long nowMs, long upperBound, CleanStats stats, CancellationToken cancellationToken)
    {
        var storage = log.Options.Storage;
        var baseOffset = group[0].BaseOffset;
        SegmentSwap.DeleteCleanedFiles(storage, log.Directory, baseOffset);
        var cleaned = LogSegment.CreateCleaned(storage, log.Directory, baseOffset, log.Config.IndexIntervalBytes);
        var output = new GroupOutput(cleaned, new SegmentSummary.Builder(), new SegmentSwap.KeyMoves());
        try
        {
            var last = default(LastBatch);
            Cursor = live?.FirstAtOrAfter(baseOffset) ?? 0;
            if (live is not null)
            {
                // The group's live records each make a move: no list regrowth (and its copies) during the pass.
                var segments = log.Segments;
                output.KeyMoves.EnsureCapacity(live.FirstAtOrAfter(segments[Array.IndexOf(segments, group[^1]) + 1].BaseOffset) - Cursor);
            }

            foreach (var source in group)
            {
                stats.BytesRead += source.Size;
                if (live is not null)
                {
                    CleanSegment(log, source, live, nowMs, upperBound, output, stats, ref last, cancellationToken);
                    continue;
                }

                ForEachBatch(source, source.BaseOffset, log.MaxBatchBytes, cancellationToken, batch =>
                {
                    last = new LastBatch(batch.BaseOffset, batch.LastOffset, batch.MaxTimestamp, true);
                    CleanBatch(log, batch, map!, nowMs, upperBound, output, stats, cancellationToken);
                    return true;
                });
            }

            if (cleaned.Size == 0 && last.Exists)
            {
                // An empty swap segment could not say which old segments it replaces if a crash interrupted the swap:
                // keep the group's last batch as an empty header, so the segment ends where the group ended.
                _builder.Reset(last.BaseOffset, -1);
                cleaned.Append(_builder.Finish(0, last.LastOffset, last.MaxTimestamp), last.LastOffset, last.MaxTimestamp);
            }

            cleaned.Sync();
            stats.BytesWritten += cleaned.Size;
            SegmentSwap.WriteCleanedIndexes(storage, cleaned);
            log.Options.CrashPoints.Hit("Cleaner.AfterCleanedWritten");
            cancellationToken.ThrowIfCancellationRequested(); // the last moment a pass can stop without a trace
        }
        catch
        {
            Discard(log, cleaned);
            throw;
        }

        return output;
    }

    /// <summary>Deletes a <c>.cleaned</c> segment that will not be swapped in, once no one reads it.</summary>
    private static void Discard(PartitionLog log, LogSegment cleaned) =>
        cleaned.Retire(() => SegmentSwap.DeleteCleanedFiles(log.Options.Storage, log.Directory, cleaned.BaseOffset));

    /// <summary>Kafka's pass over one batch: every record's key looked up in the offset map, then the batch rules applied.</summary>
    private void CleanBatch(PartitionLog log, RecordBatch batch, OffsetMap map, long nowMs, long upperBound, GroupOutput output, CleanStats stats, CancellationToken cancellationToken)
    {
        stats.RecordsRead += batch.RecordsCount;
        var horizonPassed = batch.DeleteHorizon is { } horizon && nowMs >= horizon;
        _keep.Clear();
        _hashes.Clear();
        _kept.Clear();
        var kept = 0;
        long? firstKeptTimestamp = null;
        var keptTombstone = false;
        var expiredTombstone = false;
        foreach (var record in batch)
        {
            var hash = record.KeyIsNull ? default : KeyIndex.Hash(record.Key);
            bool keep;
            if (record.Offset > map.LatestOffset)
            {
                keep = true; // beyond what this pass indexed
            }
            else if (record.KeyIsNull)
            {
                keep = false;
                stats.InvalidRecords++;
            }
            else
            {
                var latest = record.Offset >= map.Get(hash);
                keep = latest && (!record.IsTombstone || !horizonPassed);
                if (latest && !keep)
                {
                    stats.TombstonesRemoved++;
                    expiredTombstone = true;
                }
            }

            _keep.Add(keep);
            _hashes.Add(hash);
            if (keep)
            {
                kept++;
                keptTombstone |= record.IsTombstone;
                firstKeptTimestamp ??= record.Timestamp;
                _kept.Add(KeptRecord.Of(batch.Bytes, record));
            }
        }

        NoteRemovals(log, batch, expiredTombstone, output);
        var written = Write(log, batch, kept, keptTombstone, firstKeptTimestamp, nowMs, upperBound, output, stats, cancellationToken, out var position);
        if (!written.IsEmpty)
        {
            RecordOutput(log, new RecordBatch(written), position, output);
        }
    }

    /// <summary>
    /// Writes what a batch keeps by Kafka's batch rules: a batch kept whole that needs no new horizon byte for byte;
    /// a batch with nothing kept dropped, unless it is the last before the uncleanable region (then an empty header);
    /// otherwise the kept records (<see cref="_kept"/>) rebuilt. Returns the bytes written (empty when
    /// dropped) and where; <see cref="_writtenPositions"/> then holds where each kept record starts in them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // once per batch of a pass that runs once per process: no time to tier up
    private ReadOnlySpan<byte> Write(PartitionLog log, RecordBatch batch, int kept, bool keptTombstone, long? firstKeptTimestamp, long nowMs, long upperBound, GroupOutput output, CleanStats stats, CancellationToken cancellationToken, out long position)
    {
        _writtenPositions.Clear();
        var needsHorizon = keptTombstone && !batch.HasDeleteHorizon;
        ReadOnlySpan<byte> written;
        if (kept > 0 && kept == batch.RecordsCount && !needsHorizon)
        {
            written = batch.Bytes;
            foreach (var record in _kept)
            {
                _writtenPositions.Add(record.Position);
            }
        }
        else if (kept == 0)
        {
            if (batch.NextOffset != upperBound)
            {
                position = -1;
                return default;
            }

            // The last batch before the uncleanable region stays, empty, so the log's next offset survives.
            _builder.Reset(batch.BaseOffset, -1);
            written = _builder.Finish((short)(batch.Attributes & ~BatchLayout.DeleteHorizonFlag), batch.LastOffset, batch.MaxTimestamp);
        }
        else
        {
            // A batch that keeps a tombstone carries a delete horizon: its own, or a new one on this first rewrite (KIP-534).
            var stamp = batch.DeleteHorizon ?? (keptTombstone ? nowMs + (long)log.Config.DeleteRetention.TotalMilliseconds : null);
            written = Rebuild(batch, stamp, firstKeptTimestamp!.Value);
        }

        position = output.Segment.Size;
        output.Segment.Append(written, batch.LastOffset, new RecordBatch(written).MaxTimestamp);
        stats.RecordsWritten += kept;
        _throttler.MaybeThrottle(written.Length, cancellationToken);
        return written;
    }

    /// <summary>
    /// Re-encodes the kept records (<see cref="_kept"/>, from their fields' places in the batch: no second parse) with
    /// their offsets, timestamps and headers; the
    /// last offset stays the original one. The base timestamp is <paramref name="horizon"/> when there is one (bit 6
    /// set), else the first kept record's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ReadOnlySpan<byte> Rebuild(RecordBatch batch, long? horizon, long firstKeptTimestamp)
    {
        _builder.Reset(batch.BaseOffset, horizon ?? firstKeptTimestamp);
        var bytes = batch.Bytes;
        foreach (var record in _kept)
        {
            _writtenPositions.Add(_builder.Append(
                record.Offset,
                record.Timestamp,
                bytes.Slice(record.KeyAt, record.KeyLength),
                bytes.Slice(record.ValueAt, record.ValueLength),
                record.IsTombstone,
                bytes.Slice(record.HeadersAt, record.HeadersLength),
                record.HeaderCount));
        }

        var attributes = (short)((batch.Attributes & ~BatchLayout.DeleteHorizonFlag) | (horizon is null ? 0 : BatchLayout.DeleteHorizonFlag));
        var logAppendTime = (batch.Attributes & BatchLayout.TimestampTypeFlag) != 0;
        return _builder.Finish(attributes, batch.LastOffset, logAppendTime ? batch.MaxTimestamp : null);
    }

    /// <summary>Counts the written records and notes where each key-index entry that points at one of them moves.</summary>
    private static void RecordOutput(PartitionLog log, RecordBatch written, long batchPosition, GroupOutput output)
    {
        lock (log.Keys.Gate)
        {
            foreach (var record in written)
            {
                output.Summary.Add(record.IsTombstone, record.KeyIsNull, written.DeleteHorizon);
                var hash = KeyIndex.Hash(record.Key);
                if (log.Keys.TryGet(hash, out var location) && location.Offset == record.Offset)
                {
                    output.KeyMoves.Move(hash, KeyLocation.Of(written, record, batchPosition));
                }
            }
        }
    }

    /// <summary>
    /// Notes key-index entries that point at removed records: only a tombstone past its horizon can be the latest
    /// record of its key and still go (anything else goes because the map holds a newer offset of its key).
    /// </summary>
    private void NoteRemovals(PartitionLog log, RecordBatch batch, bool expiredTombstone, GroupOutput output)
    {
        if (!expiredTombstone)
        {
            return;
        }

        lock (log.Keys.Gate)
        {
            var i = 0;
            foreach (var record in batch)
            {
                if (!_keep[i] && record.IsTombstone && log.Keys.TryGet(_hashes[i], out var location) && location.Offset == record.Offset)
                {
                    output.KeyMoves.Remove(_hashes[i], location);
                }

                i++;
            }
        }
    }

    /// <summary>A kept record's offset, timestamp and where its fields lie in its batch's bytes (as parsed once).</summary>
    private readonly record struct KeptRecord(long Offset, long Timestamp, int Position, int KeyAt, int KeyLength, int ValueAt, int ValueLength, bool IsTombstone, int HeadersAt, int HeadersLength, int HeaderCount)
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the passes' full-opt loops, which never wait for tier-up
        public static KeptRecord Of(ReadOnlySpan<byte> bytes, Record record) =>
            new(record.Offset, record.Timestamp, record.PositionInBatch, At(bytes, record.Key), record.Key.Length, At(bytes, record.Value), record.Value.Length, record.IsTombstone, At(bytes, record.RawHeaders), record.RawHeaders.Length, record.HeaderCount);

        /// <summary>Where <paramref name="part"/> (a slice of <paramref name="bytes"/>, or empty) starts in <paramref name="bytes"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static int At(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> part) =>
            part.IsEmpty ? 0 : (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(bytes), ref MemoryMarshal.GetReference(part));
    }

    private sealed record GroupOutput(LogSegment Segment, SegmentSummary.Builder Summary, SegmentSwap.KeyMoves KeyMoves);

    private readonly record struct LastBatch(long BaseOffset, long LastOffset, long MaxTimestamp, bool Exists);
}
