using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using StateLog.Storage.Records;
using StateLog.Storage.Segments;

namespace StateLog.Storage;

/// <summary>The read side: reads by offset through the sparse index, and latest-value lookups through the key index.</summary>
internal sealed partial class PartitionLog
{
    /// <summary>Bytes of batches one <see cref="ReadChunk"/> reads before it hands back what it found.</summary>
    private const int ReadChunkBytes = 256 * 1024;

    /// <summary>
    /// Reads records at or after <paramref name="fromOffset"/>: at least one batch's worth when any exists. Returns
    /// the offset to continue from (past the batches read, or past a gap), or -1 when the end of the log was reached.
    /// </summary>
    public long ReadChunk(long fromOffset, List<LogRecord> into)
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
                var end = ReadFromSegment(segment, next, into);
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

    /// <summary>The latest value of <paramref name="key"/>, or null when it has none or its latest record is a tombstone.</summary>
    public byte[]? GetLatest(ReadOnlySpan<byte> key)
    {
        var hash = KeyIndex.Hash(key);
        while (true)
        {
            KeyLocation location;
            LogSegment[] segments;
            lock (Keys.Gate)
            {
                if (!Keys.TryGet(hash, out location) || location.IsTombstone)
                {
                    return null;
                }

                segments = Segments;
            }

            var segment = segments[FindSegment(segments, location.Offset)];
            if (!segment.TryAcquire())
            {
                continue;
            }

            var buffer = ArrayPool<byte>.Shared.Rent(location.Size);
            try
            {
                var bytes = buffer.AsSpan(0, location.Size);
                if (segment.Read(location.Position, bytes) != location.Size)
                {
                    throw new CorruptLogException(segment.LogPath, location.Position, $"the record at offset {location.Offset} ends past the end of the file");
                }

                if (Crc32C.Compute(bytes) != location.Checksum)
                {
                    throw new CorruptLogException(segment.LogPath, location.Position, $"the record at offset {location.Offset} does not match its CRC-32C");
                }

                Record record;
                try
                {
                    record = Record.Parse(bytes, 0, 0, 0);
                }
                catch (InvalidDataException e)
                {
                    throw new CorruptLogException(segment.LogPath, location.Position, $"the record at offset {location.Offset} is unreadable: {e.Message}", e);
                }

                if (record.Key.SequenceEqual(key))
                {
                    return record.IsTombstone ? null : record.Value.ToArray();
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                segment.Release();
            }

            // Two keys share a 128-bit hash: find the key's latest record the slow way.
            return ScanForLatest(key);
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

    private long ReadFromSegment(LogSegment segment, long next, List<LogRecord> into)
    {
        var end = next;
        using var reader = new SegmentReader(segment, next, MaxBatchBytes);
        var read = 0L;
        while (reader.MoveNext())
        {
            var batch = reader.Current;
            if (batch.LastOffset < next)
            {
                continue; // the sparse index starts before `next`; batches below it do not count against the chunk
            }

            foreach (var record in batch)
            {
                if (record.Offset >= next)
                {
                    into.Add(new LogRecord(
                        record.Key.ToArray(),
                        record.IsTombstone ? (ReadOnlyMemory<byte>?)null : record.Value.ToArray(),
                        Partition,
                        record.Offset,
                        DateTimeOffset.FromUnixTimeMilliseconds(record.Timestamp)));
                }
            }

            end = batch.NextOffset;
            read += batch.SizeInBytes;
            if (read >= ReadChunkBytes)
            {
                break;
            }
        }

        return end;
    }
}
