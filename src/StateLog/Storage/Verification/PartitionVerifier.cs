using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using StateLog.Storage.IO;
using StateLog.Storage.Records;
using StateLog.Storage.Segments;

namespace StateLog.Storage.Verification;

/// <summary>
/// Checks one partition the way SQLite's <c>integrity_check</c> checks a database: every batch's CRC-32C and
/// framing, offsets that only grow, the in-memory and on-disk offset and time indexes against the batches they point
/// at, the key index against the latest record of every key, and the checkpoints against the log end.
/// </summary>
internal sealed class PartitionVerifier
{
    private readonly PartitionLog _log;
    private readonly IStorage _storage;
    private readonly long? _checkpointedRecoveryPoint;
    private readonly List<string> _problems = new();
    private readonly Dictionary<UInt128, KeyLocation> _latest = new();
    private long _batches;
    private long _records;

    private PartitionVerifier(PartitionLog log, IStorage storage, long? checkpointedRecoveryPoint)
    {
        _log = log;
        _storage = storage;
        _checkpointedRecoveryPoint = checkpointedRecoveryPoint;
    }

    /// <param name="log">The partition.</param>
    /// <param name="storage">The storage the partition's files are in.</param>
    /// <param name="checkpointedRecoveryPoint">The partition's entry in the recovery-point checkpoint file, if any.</param>
    public static PartitionVerifyResult Verify(PartitionLog log, IStorage storage, long? checkpointedRecoveryPoint) =>
        log.UnderWriteLock(() => new PartitionVerifier(log, storage, checkpointedRecoveryPoint).Run());

    private PartitionVerifyResult Run()
    {
        var segments = _log.Segments;
        var previousNext = segments[0].BaseOffset;
        for (var s = 0; s < segments.Length; s++)
        {
            var segment = segments[s];
            var nextBase = s + 1 < segments.Length ? segments[s + 1].BaseOffset : long.MaxValue;
            if (nextBase <= segment.BaseOffset)
            {
                _problems.Add($"segment {segment.BaseOffset} is followed by segment {nextBase}: base offsets must increase");
            }

            if (!segment.TryAcquire())
            {
                _problems.Add($"segment {segment.BaseOffset} was released while still listed");
                continue;
            }

            try
            {
                VerifySegment(segment, ref previousNext, nextBase, sealed_: s + 1 < segments.Length);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                _problems.Add($"{segment.LogPath}: {e.Message}");
            }
            finally
            {
                segment.Release();
            }
        }

        var end = _log.LogEndOffset;
        var active = segments[^1];
        var expectedEnd = active.Size > 0 ? previousNext : Math.Max(previousNext, active.BaseOffset);
        if (end != expectedEnd)
        {
            _problems.Add($"the log end offset is {end} but the last batch ends at {expectedEnd}");
        }

        VerifyKeyIndex();
        VerifyCheckpoint("the recovery point", _log.RecoveryPoint, end);
        VerifyCheckpoint("the cleaner point", _log.FirstDirtyOffset, end);
        if (_checkpointedRecoveryPoint is { } written)
        {
            VerifyCheckpoint("the checkpointed recovery point", written, end);
        }

        return new PartitionVerifyResult(_log.Topic, _log.Partition, segments[0].BaseOffset, end, segments.Length, _batches, _records, _problems);
    }

    private void VerifySegment(LogSegment segment, ref long previousNext, long nextBase, bool sealed_)
    {
        var path = segment.LogPath;
        var batchesAt = new Dictionary<long, (long LastOffset, long MaxTimestamp, long RunningMax)>();
        var runningMax = -1L;
        using (var scanner = new BatchScanner(segment.File, 0, segment.Size, _log.MaxBatchBytes))
        {
            ScanResult result;
            while ((result = scanner.Next(verify: true)) == ScanResult.Batch)
            {
                var batch = new RecordBatch(scanner.Current);
                _batches++;
                if (batch.BaseOffset < previousNext || batch.BaseOffset < segment.BaseOffset || batch.LastOffset >= nextBase)
                {
                    _problems.Add($"{path} at byte {scanner.Position}: batch offsets {batch.BaseOffset}..{batch.LastOffset} are out of order (expected at least {previousNext}, below {nextBase})");
                }

                foreach (var record in batch)
                {
                    _records++;
                    var location = KeyLocation.Of(batch, record, scanner.Position);
                    _latest[KeyIndex.Hash(record.Key)] = location;
                }

                runningMax = Math.Max(runningMax, batch.MaxTimestamp);
                batchesAt[scanner.Position] = (batch.LastOffset, batch.MaxTimestamp, runningMax);
                previousNext = batch.NextOffset;
            }

            if (result != ScanResult.End)
            {
                _problems.Add($"{path} at byte {scanner.Position}: {scanner.Problem ?? "a batch is cut short"}");
            }
        }

        if (segment.File.Length != segment.Size)
        {
            _problems.Add($"{path}: the file has {segment.File.Length} bytes but its batches end at byte {segment.Size}");
        }

        var byLastOffset = new Dictionary<long, (long MaxTimestamp, long RunningMax)>();
        foreach (var (_, b) in batchesAt)
        {
            byLastOffset[b.LastOffset] = (b.MaxTimestamp, b.RunningMax);
        }

        VerifyOffsetIndex($"{path} (offset index in memory)", segment.OffsetIndex.Serialize(), segment.BaseOffset, batchesAt);
        VerifyTimeIndex($"{path} (time index in memory)", segment.TimeIndex.Serialize(), segment.BaseOffset, byLastOffset);
        if (sealed_)
        {
            VerifyIndexFile(SegmentFiles.Index(segment.Directory, segment.BaseOffset), segment.OffsetIndex.Serialize(), bytes => VerifyOffsetIndex(SegmentFiles.Index(segment.Directory, segment.BaseOffset), bytes, segment.BaseOffset, batchesAt));
            VerifyIndexFile(SegmentFiles.TimeIndex(segment.Directory, segment.BaseOffset), segment.TimeIndex.Serialize(), bytes => VerifyTimeIndex(SegmentFiles.TimeIndex(segment.Directory, segment.BaseOffset), bytes, segment.BaseOffset, byLastOffset));
        }
    }

    /// <summary>Each entry (relative offset, position) must point at the start of the batch whose last offset it names.</summary>
    private void VerifyOffsetIndex(string what, byte[] bytes, long baseOffset, Dictionary<long, (long LastOffset, long MaxTimestamp, long RunningMax)> batchesAt)
    {
        foreach (var (key, value, at) in Entries(what, bytes, sizeof(int)))
        {
            if (!batchesAt.TryGetValue(value, out var batch) || batch.LastOffset != baseOffset + key)
            {
                _problems.Add($"{what} entry {at}: offset {baseOffset + key} → byte {value} is not the start of the batch ending at that offset");
            }
        }
    }

    /// <summary>Each entry (timestamp, relative offset) must name a batch that set the segment's running maximum timestamp to that value.</summary>
    private void VerifyTimeIndex(string what, byte[] bytes, long baseOffset, Dictionary<long, (long MaxTimestamp, long RunningMax)> byLastOffset)
    {
        foreach (var (key, value, at) in Entries(what, bytes, sizeof(long)))
        {
            // A negative timestamp is Kafka's "no timestamp" (-1): batches without real timestamps name no batch.
            if (key < 0)
            {
                continue;
            }

            if (!byLastOffset.TryGetValue(baseOffset + value, out var batch) || batch.MaxTimestamp != key || batch.RunningMax != key)
            {
                _problems.Add($"{what} entry {at}: timestamp {key} → offset {baseOffset + value} does not match the batch there");
            }
        }
    }

    private void VerifyIndexFile(string path, byte[] inMemory, Action<byte[]> verifyAgainstLog)
    {
        var storage = _storage;
        if (!storage.FileExists(path))
        {
            _problems.Add($"{path}: the index of a sealed segment is missing");
            return;
        }

        byte[] bytes;
        using (var file = storage.Open(path, create: false))
        {
            bytes = new byte[file.Length];
            bytes = bytes[..file.Read(0, bytes)];
        }

        verifyAgainstLog(bytes);
        if (!bytes.AsSpan().SequenceEqual(inMemory))
        {
            _problems.Add($"{path}: the file differs from the index rebuilt from the log");
        }
    }

    private IEnumerable<(long Key, int Value, int Entry)> Entries(string what, byte[] bytes, int keyBytes)
    {
        var entrySize = keyBytes + sizeof(int);
        if (bytes.Length % entrySize != 0)
        {
            _problems.Add($"{what}: {bytes.Length} bytes is not a whole number of {entrySize}-byte entries");
        }

        var previous = long.MinValue;
        for (var p = 0; p + entrySize <= bytes.Length; p += entrySize)
        {
            var key = keyBytes == sizeof(int) ? BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(p)) : BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(p));
            if (key <= previous)
            {
                _problems.Add($"{what} entry {p / entrySize}: key {key} does not increase");
            }

            previous = key;
            yield return (key, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(p + keyBytes)), p / entrySize);
        }
    }

    private void VerifyKeyIndex()
    {
        lock (_log.Keys.Gate)
        {
            if (_log.Keys.Count != _latest.Count)
            {
                _problems.Add($"the key index holds {_log.Keys.Count} keys but the log holds {_latest.Count}");
            }

            foreach (var (hash, expected) in _latest)
            {
                if (!_log.Keys.TryGet(hash, out var actual))
                {
                    _problems.Add($"the key index lacks the key whose latest record is at offset {expected.Offset}");
                }
                else if (actual != expected)
                {
                    _problems.Add($"the key index says {actual} for the key whose latest record is {expected}");
                }
            }
        }
    }

    private void VerifyCheckpoint(string what, long value, long end)
    {
        if (value < 0 || value > end)
        {
            _problems.Add($"{what} {value} is outside the log (end offset {end})");
        }
    }
}
