using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using StateLog.Configuration;
using StateLog.Storage.Records;
using StateLog.Storage.Segments;

namespace StateLog.Storage;

/// <summary>
/// Opening a partition folder (Kafka's LogLoader): finish or undo an interrupted cleaner swap, drop leftovers, load
/// the segments, validate every batch from the recovery point on and truncate at the first bad byte, rebuild the
/// indexes, and build the key index.
/// </summary>
internal sealed partial class PartitionLog
{
    /// <param name="options">The engine options.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="partition">The partition number.</param>
    /// <param name="directory">The partition folder (created when missing).</param>
    /// <param name="config">The topic's effective settings.</param>
    /// <param name="recoveryPoint">Offsets below this were fsynced before the last stop: their CRCs are not re-checked.
    /// 0 after an unclean stop without a checkpoint.</param>
    public static PartitionLog Open(StateLogOptions options, string topic, int partition, string directory, TopicConfig config, long recoveryPoint)
    {
        var storage = options.Storage;
        if (!storage.DirectoryExists(directory))
        {
            storage.CreateDirectory(directory);
            storage.SyncDirectory(Path.GetDirectoryName(directory)!);
        }

        CompleteInterruptedSwap(options, directory);
        var segments = LoadSegments(options, directory, config);
        var keys = new KeyIndex();
        var log = new PartitionLog(options, topic, partition, directory, config, segments, keys, recoveryPoint);
        log.Recover(recoveryPoint);
        return log;
    }

    /// <summary>Kafka's swap recovery (reference §1.12): afterwards the folder holds exactly the old segments or exactly the new ones.</summary>
    private static void CompleteInterruptedSwap(StateLogOptions options, string directory)
    {
        var storage = options.Storage;
        var files = storage.ListFiles(directory);
        if (!files.Any(IsSwapOrLeftover))
        {
            return; // the usual case, found without the queries below (an open runs once per process: each is compiled for it)
        }

        var changed = false;
        void Delete(string name)
        {
            storage.Delete(Path.Combine(directory, name));
            changed = true;
        }

        foreach (var name in files.Where(f => f.EndsWith(SegmentFiles.DeletedSuffix, StringComparison.Ordinal) || f.EndsWith(".tmp", StringComparison.Ordinal)))
        {
            Delete(name);
        }

        var cleaned = files.Where(f => f.EndsWith(SegmentFiles.CleanedSuffix, StringComparison.Ordinal)).ToList();
        var minCleaned = cleaned.Select(BaseOffsetOf).DefaultIfEmpty(long.MaxValue).Min();
        var swaps = files.Where(f => f.EndsWith(SegmentFiles.SwapSuffix, StringComparison.Ordinal)).ToList();
        foreach (var name in swaps.Where(f => BaseOffsetOf(f) >= minCleaned).Concat(cleaned))
        {
            Delete(name);
        }

        swaps = swaps.Where(f => BaseOffsetOf(f) < minCleaned).ToList();
        var swapLogs = swaps.Where(f => f.EndsWith(SegmentFiles.LogExtension + SegmentFiles.SwapSuffix, StringComparison.Ordinal)).ToList();
        if (swapLogs.Count > 0)
        {
            var minSwap = swapLogs.Min(BaseOffsetOf);
            var maxSwap = swapLogs.Max(f => NextOffsetOfFile(options, Path.Combine(directory, f), BaseOffsetOf(f)));
            foreach (var name in storage.ListFiles(directory).Where(f => !f.EndsWith(SegmentFiles.SwapSuffix, StringComparison.Ordinal)
                && SegmentFiles.TryParseOffset(f, out var o) && o >= minSwap && o < maxSwap))
            {
                Delete(name);
            }
        }

        foreach (var name in swaps)
        {
            storage.Rename(Path.Combine(directory, name), Path.Combine(directory, name[..^SegmentFiles.SwapSuffix.Length]));
            changed = true;
        }

        if (changed)
        {
            storage.SyncDirectory(directory);
        }
    }

    /// <summary>Whether <paramref name="fileName"/> is part of an interrupted swap or a leftover of one.</summary>
    private static bool IsSwapOrLeftover(string fileName) =>
        fileName.EndsWith(SegmentFiles.DeletedSuffix, StringComparison.Ordinal) || fileName.EndsWith(".tmp", StringComparison.Ordinal)
        || fileName.EndsWith(SegmentFiles.CleanedSuffix, StringComparison.Ordinal) || fileName.EndsWith(SegmentFiles.SwapSuffix, StringComparison.Ordinal);

    private static long BaseOffsetOf(string fileName) => SegmentFiles.TryParseOffset(fileName, out var offset) ? offset : long.MaxValue;

    /// <summary>One past the last offset of the whole batches in a file (its base offset when it has none).</summary>
    private static long NextOffsetOfFile(StateLogOptions options, string path, long baseOffset)
    {
        using var file = options.Storage.Open(path, create: false);
        using var scanner = new BatchScanner(file, 0, file.Length, int.MaxValue);
        var next = baseOffset;
        while (scanner.Next(verify: false) == ScanResult.Batch)
        {
            next = new RecordBatch(scanner.Current).NextOffset;
        }

        return next;
    }

    private static LogSegment[] LoadSegments(StateLogOptions options, string directory, TopicConfig config)
    {
        var storage = options.Storage;
        var files = storage.ListFiles(directory);

        // The log files' names sorted as strings: their fixed-width names sort as their offsets do, and an open (once per
        // process) then compiles no sorted collection or sort over a value type, which the runtime does not ship precompiled.
        var logs = new List<string>();
        foreach (var name in files)
        {
            if (SegmentFiles.IsLog(name))
            {
                logs.Add(name);
            }
        }

        logs.Sort(StringComparer.Ordinal);

        // Index files without a log are leftovers (Kafka's "orphaned index").
        foreach (var name in files)
        {
            if ((name.EndsWith(SegmentFiles.IndexExtension, StringComparison.Ordinal) || name.EndsWith(SegmentFiles.TimeIndexExtension, StringComparison.Ordinal))
                && SegmentFiles.TryParseOffset(name, out var offset) && logs.BinarySearch(SegmentFiles.Name(offset) + SegmentFiles.LogExtension, StringComparer.Ordinal) < 0)
            {
                storage.Delete(Path.Combine(directory, name));
            }
        }

        if (logs.Count == 0)
        {
            var first = LogSegment.Create(storage, directory, 0, config.IndexIntervalBytes);
            storage.SyncDirectory(directory);
            return [first];
        }

        var segments = new LogSegment[logs.Count];
        for (var i = 0; i < segments.Length; i++)
        {
            SegmentFiles.TryParseOffset(logs[i], out var baseOffset);
            segments[i] = LogSegment.Open(storage, directory, baseOffset, config.IndexIntervalBytes);
        }

        return segments;
    }

    /// <summary>
    /// Walks every batch once: rebuilds the in-memory indexes and the key index; from the recovery point on (and in
    /// the last segment always) a bad or torn batch truncates the log there and drops later segments; before it, a
    /// bad batch is corruption of data that was known durable and is reported, not silently cut.
    /// </summary>
    private void Recover(long recoveryPoint)
    {
        if (TryResumeFromSnapshot())
        {
            return;
        }

        var segments = Segments.ToList();
        var previousNext = segments[0].BaseOffset;
        for (var s = 0; s < segments.Count; s++)
        {
            var segment = segments[s];
            var isLast = s == segments.Count - 1;
            var nextBase = isLast ? long.MaxValue : segments[s + 1].BaseOffset;
            var verify = isLast || nextBase > recoveryPoint;
            segment.ResetIndexes();
            var (cut, problem) = ScanSegment(segment, ref previousNext, nextBase);
            if (cut < 0)
            {
                continue;
            }

            // Damage in a sealed segment below the recovery point is reported; the last segment follows Kafka's
            // point-in-time rule and is cut at its first bad byte.
            if (!verify)
            {
                throw new CorruptLogException(segment.LogPath, cut, problem);
            }

            segment.TruncateTo(cut);
            foreach (var later in segments.Skip(s + 1))
            {
                later.Retire(() => DeleteSegmentFiles(later.Directory, later.BaseOffset));
            }

            segments.RemoveRange(s + 1, segments.Count - s - 1);
            break;
        }

        Volatile.Write(ref _segments, segments.ToArray());
        _nextOffset = Math.Max(ActiveSegment.NextOffset, ActiveSegment.BaseOffset);
        _syncedOffset = Math.Min(_syncedOffset, _nextOffset);
        RecoveryPoint = _syncedOffset;
        foreach (var segment in segments.Take(segments.Count - 1))
        {
            RewriteIndexesIfStale(segment);
        }

        _storage.SyncDirectory(Directory);
    }

    /// <summary>
    /// After a clean close the snapshot describes every segment and the key index exactly, so the log is not read at
    /// all: only the small index files are loaded. Any mismatch falls back to the full walk.
    /// </summary>
    private bool TryResumeFromSnapshot()
    {
        var segments = Segments;
        var states = KeyIndexSnapshot.TryLoad(_storage, Directory, segments, Keys);
        if (states is null)
        {
            return false;
        }

        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            var state = states[i];
            var offsetIndex = LoadIndex(SegmentFiles.Index(Directory, segment.BaseOffset), state.OffsetIndexChecksum, sizeof(int), int.MaxValue, (int)Math.Min(state.Size, int.MaxValue));
            var timeIndex = LoadIndex(SegmentFiles.TimeIndex(Directory, segment.BaseOffset), state.TimeIndexChecksum, sizeof(long), long.MaxValue, int.MaxValue);
            if (offsetIndex is null || timeIndex is null)
            {
                Keys.Clear();
                return false;
            }

            segment.AdoptIndexes(offsetIndex, timeIndex, state.NextOffset, state.MaxTimestamp, state.OffsetOfMaxTimestamp, state.FirstBatchTimestamp < 0 ? null : state.FirstBatchTimestamp, state.IsDense);
        }

        _nextOffset = Math.Max(ActiveSegment.NextOffset, ActiveSegment.BaseOffset);
        _syncedOffset = _nextOffset;
        RecoveryPoint = _nextOffset;
        _storage.SyncDirectory(Directory);
        return true;
    }

    /// <summary>Loads an index file whose bytes must have the CRC-32C the snapshot recorded, or returns null.</summary>
    private SegmentIndex? LoadIndex(string path, uint checksum, int keyBytes, long maxKey, int maxValue)
    {
        if (!_storage.FileExists(path))
        {
            return null;
        }

        using var file = _storage.Open(path, create: false);
        if (file.Length > 64L * 1024 * 1024)
        {
            return null;
        }

        var bytes = new byte[file.Length];
        return file.Read(0, bytes) == bytes.Length && Crc32C.Compute(bytes) == checksum ? SegmentIndex.TryLoad(bytes, keyBytes, maxKey, maxValue) : null;
    }

    /// <summary>Returns (-1, "") when the whole segment is good, else the position of the first bad byte and why.</summary>
    private (long Cut, string Problem) ScanSegment(LogSegment segment, ref long previousNext, long nextBase)
    {
        using var scanner = new BatchScanner(segment.File, 0, segment.File.Length, MaxBatchBytes);
        while (true)
        {
            // Every CRC is checked, below the recovery point too: the key index points into these bytes, and point reads
            // do not re-check a batch's CRC, so a flipped bit in a sealed segment would otherwise be served as data.
            var result = scanner.Next(verify: true);
            if (result == ScanResult.End)
            {
                return (-1, "");
            }

            if (result != ScanResult.Batch)
            {
                return (scanner.Position, scanner.Problem ?? "a batch is cut short (torn write)");
            }

            var batch = new RecordBatch(scanner.Current);
            // The last segment is never cleaned, so its offsets are dense: a jump means a damaged base offset (outside the CRC).
            var last = nextBase == long.MaxValue;
            if (batch.BaseOffset < previousNext || batch.BaseOffset < segment.BaseOffset || (last && batch.BaseOffset != Math.Max(previousNext, segment.BaseOffset)) || batch.LastOffset - segment.BaseOffset > int.MaxValue
                || batch.LastOffset >= nextBase || batch.LastOffset < batch.BaseOffset)
            {
                return (scanner.Position, $"batch offsets {batch.BaseOffset}..{batch.LastOffset} are out of order (expected at least {previousNext}, below {nextBase})");
            }

            try
            {
                IndexRecords(batch, scanner.Position);
            }
            catch (InvalidDataException e)
            {
                return (scanner.Position, e.Message);
            }

            segment.Track(scanner.Position, batch.SizeInBytes, batch.BaseOffset, batch.LastOffset, batch.MaxTimestamp);
            previousNext = batch.NextOffset;
        }
    }

    private void IndexRecords(RecordBatch batch, long batchPosition)
    {
        // Parse all records first so that a bad record leaves the key index untouched by its batch.
        _keyUpdates.Clear();
        foreach (var record in batch)
        {
            _keyUpdates.Add(new KeyIndex.Update(KeyIndex.Hash(record.Key), KeyLocation.Of(batch, record, batchPosition)));
        }

        Keys.SetMany(CollectionsMarshal.AsSpan(_keyUpdates));
    }

    private void RewriteIndexesIfStale(LogSegment segment)
    {
        var offsetPath = SegmentFiles.Index(Directory, segment.BaseOffset);
        var timePath = SegmentFiles.TimeIndex(Directory, segment.BaseOffset);
        segment.SealTimeIndex();
        if (!SameBytes(offsetPath, segment.OffsetIndex.Serialize()) || !SameBytes(timePath, segment.TimeIndex.Serialize()))
        {
            segment.WriteIndexes();
        }
    }

    private bool SameBytes(string path, byte[] expected)
    {
        if (!_storage.FileExists(path))
        {
            return false;
        }

        using var file = _storage.Open(path, create: false);
        if (file.Length != expected.Length)
        {
            return false;
        }

        var actual = new byte[expected.Length];
        return file.Read(0, actual) == expected.Length && actual.AsSpan().SequenceEqual(expected);
    }

    private void DeleteSegmentFiles(string directory, long baseOffset)
    {
        foreach (var path in new[] { SegmentFiles.Log(directory, baseOffset), SegmentFiles.Index(directory, baseOffset), SegmentFiles.TimeIndex(directory, baseOffset) })
        {
            if (_storage.FileExists(path))
            {
                _storage.Delete(path);
            }
        }
    }
}
