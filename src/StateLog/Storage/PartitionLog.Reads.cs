using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Numerics;
using System.Runtime.CompilerServices;
using StateLog.Storage.Records;
using StateLog.Storage.Segments;

namespace StateLog.Storage;

/// <summary>The read side: reads by offset through the sparse index, and latest-value lookups through the key index.</summary>
internal sealed partial class PartitionLog
{
    /// <summary>Bytes of batches one <see cref="ReadChunk(long, List{LogRecord})"/> reads before it hands back what it found.</summary>
    private const int ReadChunkBytes = 256 * 1024;

    /// <summary>How many records appended during a scan it judges together (one hold of the key index's lock per group: appends wait for it).</summary>
    private const int RecordsPerLock = 256;

    /// <summary>Records up to this size are read into a per-thread scratch buffer; larger ones into a pooled one.</summary>
    private const int MaxScratchBytes = 16 * 1024;

    /// <summary>The thread's buffer for point reads; taken out while in use, so a nested read gets its own.</summary>
    [ThreadStatic]
    private static byte[]? t_scratch;

    /// <summary>
    /// Reads records at or after <paramref name="fromOffset"/>: at least one batch's worth when any exists. Returns
    /// the offset to continue from (past the batches read, or past a gap), or -1 when the end of the log was reached.
    /// </summary>
    public long ReadChunk(long fromOffset, List<LogRecord> into) => ReadChunk(fromOffset, into, live: null);

    /// <summary>
    /// As <see cref="ReadChunk(long, List{LogRecord})"/>, but keeps only the records that are their key's latest and
    /// not tombstones: what a full scan of latest values returns. <paramref name="live"/> (from
    /// <see cref="TakeLiveOffsets"/> when the scan started) answers for the records it covers, the key index for
    /// those appended since.
    /// </summary>
    public long ReadLatestChunk(long fromOffset, LiveOffsets live, List<LogRecord> into) => ReadChunk(fromOffset, into, live);

    /// <summary>The offsets of every key's latest live record now, for a full scan (<see cref="ReadLatestChunk"/>).</summary>
    public LiveOffsets TakeLiveOffsets()
    {
        lock (Keys.Gate)
        {
            return LiveOffsets.Take(Keys, LogStartOffset, LogEndOffset);
        }
    }

    /// <summary>The latest value of <paramref name="key"/>, or null when it has none or its latest record is a tombstone.</summary>
    /// <remarks>
    /// The methods of a point read are compiled fully optimized at first call (<c>AggressiveOptimization</c>, here and
    /// on the callers and callees it does not inline): tiered compilation starts counting calls only once no method has
    /// been compiled for 100 ms, so in a fresh process the first few hundred milliseconds of reads ran at tier 0 (30% of
    /// the macro bench's read samples). Reads measured no slower for it in a warm process, where PGO would otherwise apply.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public byte[]? GetLatest(ReadOnlySpan<byte> key) =>
        GetLatest(key, 0, [MethodImpl(MethodImplOptions.AggressiveOptimization)] static (_, value) => value.ToArray());

    /// <summary>
    /// Finds the latest value of <paramref name="key"/> and hands it to <paramref name="read"/> while its bytes are
    /// valid (they are reused after <paramref name="read"/> returns); <see langword="default"/> when the key has no
    /// value or its latest record is a tombstone.
    /// </summary>
    /// <remarks>
    /// First without the key index's lock (<see cref="TryReadUnlocked"/>): a record in a mapped sealed segment, the
    /// common case, is read with no lock and no system call. Whatever that cannot prove is asked again under the lock.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public TResult? GetLatest<TState, TResult>(ReadOnlySpan<byte> key, TState state, Func<TState, ReadOnlyMemory<byte>, TResult> read)
    {
        var hash = KeyIndex.Hash(key);
        if (Keys.TryGetUnsynchronized(hash, out var location) && location.Size > 0 && MappedSealedSegment(location.Offset) is { } segment)
        {
            var buffer = TakeBuffer(location.Size);
            try
            {
                if (TryReadUnlocked(key, location, segment, buffer, out var value))
                {
                    return read(state, value);
                }
            }
            finally
            {
                GiveBack(buffer);
            }
        }

        return GetLatestLocked(key, hash, state, read);
    }

    /// <summary>
    /// The point read's fast path: reads the record at <paramref name="location"/>, which came from the key index
    /// without its lock, out of <paramref name="segment"/>'s memory map. That location may be torn by a concurrent append,
    /// cleaner swap or table growth (<see cref="KeyIndex.TryGetUnsynchronized"/>), so it is used only once proven: the
    /// bytes there pass the CRC-32C it names, parse as a record, and carry <paramref name="key"/> with a value. Such
    /// a record is one the key's slot named during this call (other bytes fail the checks but for a CRC collision on
    /// top of a torn read), so it was the key's latest at some moment of the call. Anything else (a map closed since,
    /// a tombstone, a failed check) returns false: the caller asks again under the lock, which alone reports corruption.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryReadUnlocked(ReadOnlySpan<byte> key, KeyLocation location, LogSegment segment, byte[] buffer, out ReadOnlyMemory<byte> value)
    {
        value = default;
        var bytes = buffer.AsSpan(0, location.Size);
        if (!segment.TryReadMapped(location.Position, bytes)
            || RecordProblem(bytes, location.Checksum, out var record) is not null || record.IsTombstone || !record.Key.SequenceEqual(key))
        {
            return false;
        }

        value = ValueIn(buffer, record);
        return true;
    }

    /// <summary>
    /// The sealed, already mapped segment holding <paramref name="offset"/>, or null: records in the active segment, or
    /// in a segment no read has mapped yet, go straight to the locked read.
    /// </summary>
    private LogSegment? MappedSealedSegment(long offset)
    {
        var segments = Segments;
        var index = FindSegment(segments, offset);
        return index < segments.Length - 1 && segments[index].IsMapped ? segments[index] : null;
    }

    /// <summary>The point read under the key index's lock: the answer of record, and the one that reports a damaged record.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private TResult? GetLatestLocked<TState, TResult>(ReadOnlySpan<byte> key, UInt128 hash, TState state, Func<TState, ReadOnlyMemory<byte>, TResult> read)
    {
        while (true)
        {
            KeyLocation location;
            LogSegment[] segments;
            lock (Keys.Gate)
            {
                if (!Keys.TryGet(hash, out location) || location.IsTombstone)
                {
                    return default;
                }

                segments = Segments;
            }

            var index = FindSegment(segments, location.Offset);
            var segment = segments[index];
            var isSealed = index < segments.Length - 1; // the last segment takes appends
            var buffer = TakeBuffer(location.Size);
            try
            {
                var bytes = buffer.AsSpan(0, location.Size);

                // A sealed segment already mapped is read without taking a reference to it: the map unmaps only once the
                // copies in flight are done, and a map closed meanwhile refuses the read.
                if (!isSealed || !segment.TryReadMapped(location.Position, bytes))
                {
                    if (!segment.TryAcquire())
                    {
                        continue; // swapped out by the cleaner a moment ago: look again
                    }

                    int count;
                    try
                    {
                        count = isSealed ? segment.ReadSealed(location.Position, bytes) : segment.Read(location.Position, bytes);
                    }
                    finally
                    {
                        segment.Release();
                    }

                    if (count != location.Size)
                    {
                        throw new CorruptLogException(segment.LogPath, location.Position, $"the record at offset {location.Offset} ends past the end of the file");
                    }
                }

                if (RecordProblem(bytes, location.Checksum, out var record) is { } problem)
                {
                    throw new CorruptLogException(segment.LogPath, location.Position, $"the record at offset {location.Offset} {problem}");
                }

                if (record.Key.SequenceEqual(key))
                {
                    return record.IsTombstone ? default : read(state, ValueIn(buffer, record));
                }
            }
            finally
            {
                GiveBack(buffer);
            }

            // Two keys share a 128-bit hash: find the key's latest record the slow way.
            var latest = ScanForLatest(key);
            return latest is null ? default : read(state, latest);
        }
    }

    /// <summary>
    /// What is wrong with the record <paramref name="bytes"/> read for a point read, or null when it matches
    /// <paramref name="checksum"/> and parses (into <paramref name="record"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? RecordProblem(ReadOnlySpan<byte> bytes, uint checksum, out Record record)
    {
        record = default;
        if (Crc32C.Compute(bytes) != checksum)
        {
            return "does not match its CRC-32C";
        }

        try
        {
            record = Record.Parse(bytes, 0, 0, 0);
            return null;
        }
        catch (InvalidDataException e)
        {
            return $"is unreadable: {e.Message}";
        }
    }

    /// <summary>The value of <paramref name="record"/>, parsed from the start of <paramref name="buffer"/>, as memory of the buffer.</summary>
    private static ReadOnlyMemory<byte> ValueIn(byte[] buffer, Record record)
    {
        // Parse checked that the value lies inside the record.
        buffer.AsSpan().Overlaps(record.Value, out var valueStart);
        return buffer.AsMemory(record.Value.IsEmpty ? 0 : valueStart, record.Value.Length);
    }

    private static byte[] TakeBuffer(int size)
    {
        if (size > MaxScratchBytes)
        {
            return ArrayPool<byte>.Shared.Rent(size);
        }

        var scratch = t_scratch;
        t_scratch = null;
        return scratch is not null && scratch.Length >= size ? scratch : new byte[Math.Max(1024, (int)BitOperations.RoundUpToPowerOf2((uint)size))];
    }

    private static void GiveBack(byte[] buffer)
    {
        if (buffer.Length > MaxScratchBytes)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        else
        {
            t_scratch = buffer;
        }
    }

    private byte[]? ScanForLatest(ReadOnlySpan<byte> key)
    {
        byte[]? latest = null;
        var records = new List<LogRecord>();
        for (var next = LogStartOffset; next >= 0; records.Clear())
        {
            next = ReadChunk(next, records);
            foreach (var r in records)
            {
                if (r.Key.Span.SequenceEqual(key))
                {
                    latest = r.Value?.ToArray();
                }
            }
        }

        return latest;
    }

    private long ReadChunk(long fromOffset, List<LogRecord> into, LiveOffsets? live)
    {
        while (true)
        {
            var segments = Segments;
            var next = Math.Max(fromOffset, segments[0].BaseOffset);
            if (next >= LogEndOffset)
            {
                return -1;
            }

            var index = FindSegment(segments, next);
            var segment = segments[index];
            if (!segment.TryAcquire())
            {
                continue; // swapped out by the cleaner a moment ago: look again
            }

            try
            {
                var end = ReadFromSegment(segment, next, into, live);
                if (end > next)
                {
                    return end;
                }

                // Nothing at or after `next` here: the rest of this segment was cleaned away.
                if (index + 1 < segments.Length)
                {
                    fromOffset = segments[index + 1].BaseOffset;
                    continue;
                }

                return -1;
            }
            finally
            {
                segment.Release();
            }
        }
    }

    /// <summary>The index of the segment that holds <paramref name="offset"/>: the last one whose base offset is at most it.</summary>
    private static int FindSegment(LogSegment[] segments, long offset)
    {
        int lo = 0, hi = segments.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (segments[mid].BaseOffset <= offset)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    /// <summary>
    /// Reads a chunk of <paramref name="segment"/> from <paramref name="next"/> on into <paramref name="into"/>: every
    /// record, or with <paramref name="live"/> only the latest live ones (see <see cref="TakeRecords"/>).
    /// </summary>
    private long ReadFromSegment(LogSegment segment, long next, List<LogRecord> into, LiveOffsets? live)
    {
        var end = next;
        using var reader = new SegmentReader(segment, next, MaxBatchBytes);
        var read = 0L;
        var arena = default(RecordArena);
        RecordSlice[]? appended = null; // made when a record appended during a scan turns up (rare)
        while (reader.MoveNext())
        {
            var batch = reader.Current;
            if (batch.LastOffset < next)
            {
                continue; // the sparse index starts before `next`; batches below it do not count against the chunk
            }

            TakeRecords(batch, next, live, ref arena, ref appended, into);
            end = batch.NextOffset;
            read += batch.SizeInBytes;
            if (read >= ReadChunkBytes)
            {
                break;
            }
        }

        return end;
    }

    /// <summary>
    /// Adds the records of <paramref name="batch"/> at or after <paramref name="next"/> that are kept, their keys and
    /// values copied into shared <see cref="RecordArena"/> blocks instead of two arrays per record: all of them, or
    /// with <paramref name="live"/> those it says are latest. Records appended since it was taken are gathered in
    /// <paramref name="appended"/> (made on first use) and judged by the key index (<see cref="KeepLatestAppended"/>).
    /// </summary>
    /// <remarks>
    /// Compiled optimized at once: a full scan runs once per process, and this is its per-record step. Only what every
    /// record needs is in it, so it compiles quickly; the rare records appended during a scan take a separate path.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TakeRecords(RecordBatch batch, long next, LiveOffsets? live, ref RecordArena arena, ref RecordSlice[]? appended, List<LogRecord> into)
    {
        var bytes = batch.Bytes;
        var pending = 0;
        foreach (var record in batch)
        {
            if (record.Offset < next)
            {
                continue;
            }

            if (live is not null)
            {
                if (record.IsTombstone)
                {
                    continue;
                }

                if (record.Offset >= live.End)
                {
                    appended ??= new RecordSlice[RecordsPerLock];
                    appended[pending++] = RecordSlice.Of(bytes, record);
                    if (pending == appended.Length)
                    {
                        KeepLatestAppended(bytes, appended, ref arena, into);
                        pending = 0;
                    }

                    continue;
                }

                if (!live.Contains(record.Offset))
                {
                    continue;
                }
            }

            Add(record.Key, record.Value, record.IsTombstone, record.Offset, record.Timestamp, ref arena, into);
        }

        if (pending > 0)
        {
            KeepLatestAppended(bytes, appended.AsSpan(0, pending), ref arena, into);
        }
    }

    /// <summary>
    /// Adds the records of <paramref name="slices"/> (of the batch <paramref name="batch"/>, appended after the scan's
    /// live offsets were taken) that the key index says are latest, looked up together under one hold of its lock.
    /// </summary>
    private void KeepLatestAppended(ReadOnlySpan<byte> batch, Span<RecordSlice> slices, ref RecordArena arena, List<LogRecord> into)
    {
        lock (Keys.Gate)
        {
            foreach (ref var slice in slices)
            {
                slice.Kept = Keys.TryGet(slice.Hash, out var location) && location.Offset == slice.Offset;
            }
        }

        foreach (ref readonly var slice in slices)
        {
            if (slice.Kept)
            {
                Add(batch.Slice(slice.KeyStart, slice.KeyLength), batch.Slice(slice.ValueStart, Math.Max(slice.ValueLength, 0)), slice.ValueLength < 0, slice.Offset, slice.Timestamp, ref arena, into);
            }
        }
    }

    /// <summary>Adds one record, its key and value copied into one arena block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into TakeRecords' loop
    private void Add(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool isTombstone, long offset, long timestamp, ref RecordArena arena, List<LogRecord> into)
    {
        arena.Reserve(key.Length + value.Length);
        into.Add(new LogRecord(arena.Copy(key), isTombstone ? (ReadOnlyMemory<byte>?)null : arena.Copy(value), Partition, offset, DateTimeOffset.FromUnixTimeMilliseconds(timestamp)));
    }
}
