using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using StateLog.Storage;
using StateLog.Storage.IO;
using StateLog.Storage.Segments;

namespace StateLog.Compaction;

/// <summary>
/// Kafka's swap protocol (<c>LocalLog.replaceSegments</c>, reference §1.12) for one cleaned segment: the
/// <c>.cleaned</c> files (already fsynced) become <c>.swap</c>, the old segments' files become <c>.deleted</c>, the
/// <c>.swap</c> files take their final names, and the folder is fsynced; then the new segment list and the moved
/// key-index entries are published at once. Readers that hold an old segment keep reading it; its files go
/// <c>FileDeleteDelay</c> after the swap (<see cref="SegmentDeleter"/>), and not before the last reader lets go. A crash at any step leaves a folder that recovery turns into exactly the old segments or exactly
/// the new one (each step has a named crash point, <c>Cleaner.*</c>).
/// </summary>
internal static class SegmentSwap
{
    /// <summary>The file kinds of a segment, the log first: renaming it first or last does not matter to recovery, which keys on any <c>.cleaned</c> file.</summary>
    private static readonly Func<string, long, string>[] Kinds = [SegmentFiles.Log, SegmentFiles.Index, SegmentFiles.TimeIndex];

    /// <summary>The key-index entries that point into the rewritten range: their new places, and the entries to remove.</summary>
    public sealed class KeyMoves
    {
        /// <summary>Entries whose record was kept, at its new place: the first <see cref="MovedCount"/> (chunked, so a pass over many keys leaves no large-object garbage).</summary>
        private readonly ChunkedArray<KeyIndex.Update> _moved = new(0);

        public int MovedCount { get; private set; }

        /// <summary>Entries whose record was removed (a tombstone past its horizon), at their old place.</summary>
        public List<KeyIndex.Update> Removed { get; } = new();

        /// <summary>Makes room for <paramref name="count"/> moves at once (a pass that knows its count spares the regrowth).</summary>
        public void EnsureCapacity(int count)
        {
            if (count > _moved.Length)
            {
                _moved.Resize(count);
            }
        }

        public void Move(UInt128 hash, KeyLocation location)
        {
            if (MovedCount == _moved.Length)
            {
                // Doubling up to a chunk, then a chunk at a time: a resize copies the last chunk only.
                _moved.Resize(_moved.Length + Math.Clamp(_moved.Length, 16, ChunkedArray<KeyIndex.Update>.ChunkLength));
            }

            _moved[MovedCount++] = new KeyIndex.Update(hash, location);
        }

        /// <summary>Applies the moves to <paramref name="keys"/> in order, a chunk at a time.</summary>
        public void ApplyMoved(KeyIndex keys)
        {
            var chunkLength = ChunkedArray<KeyIndex.Update>.ChunkLength;
            for (var start = 0; start < MovedCount; start += chunkLength)
            {
                keys.SetMany(_moved.Chunk(start / chunkLength)[..Math.Min(chunkLength, MovedCount - start)]);
            }
        }

        public void Remove(UInt128 hash, KeyLocation location) => Removed.Add(new KeyIndex.Update(hash, location));
    }

    /// <summary>Writes the cleaned segment's sealed indexes as <c>.index.cleaned</c> and <c>.timeindex.cleaned</c>, fsynced.</summary>
    public static void WriteCleanedIndexes(IStorage storage, LogSegment cleaned)
    {
        cleaned.SealTimeIndex();
        Write(storage, SegmentFiles.Index(cleaned.Directory, cleaned.BaseOffset) + SegmentFiles.CleanedSuffix, cleaned.OffsetIndex.Serialize());
        Write(storage, SegmentFiles.TimeIndex(cleaned.Directory, cleaned.BaseOffset) + SegmentFiles.CleanedSuffix, cleaned.TimeIndex.Serialize());
    }

    public static void DeleteCleanedFiles(IStorage storage, string directory, long baseOffset) =>
        DeleteIfExists(storage, Kinds.Select(kind => kind(directory, baseOffset) + SegmentFiles.CleanedSuffix));

    /// <summary>
    /// Replaces <paramref name="old"/> (consecutive closed segments) by <paramref name="cleaned"/>. The old segments'
    /// <c>.deleted</c> files go through <paramref name="deleter"/> (the topic's <c>FileDeleteDelay</c> after the swap), or,
    /// without one, when the last reader lets go.
    /// </summary>
    /// <exception cref="SwapInterruptedException">A step failed: the folder is mid-swap until the next open recovers it.</exception>
    public static void Swap(PartitionLog log, LogSegment[] old, LogSegment cleaned, SegmentSummary summary, KeyMoves keyMoves, SegmentDeleter? deleter)
    {
        var storage = log.Options.Storage;
        var directory = log.Directory;
        // Outside the write lock, since an earlier swap's waiting deletion of a reused name runs here: the renames below
        // reuse the .deleted names of a base offset an earlier swap replaced.
        var claims = deleter is null ? null : Array.ConvertAll(old, segment => deleter.Claim(directory, segment.BaseOffset));

        var renamedOld = 0;
        try
        {
            log.UnderWriteLock(() =>
            {
                try
                {
                    Rename(log, old, cleaned, summary, keyMoves, ref renamedOld);
                }
                catch (Exception e)
                {
                    cleaned.Retire(null);
                    throw new SwapInterruptedException(log, e);
                }

                return true;
            });
        }
        catch (SwapInterruptedException) when (claims is not null)
        {
            // The names of segments not yet renamed go back (outside the write lock: giving a claim back waits for a
            // deletion the timer may be running); those renamed hold this swap's old files until recovery.
            for (var i = renamedOld; i < old.Length; i++)
            {
                deleter!.Unclaim(directory, old[i].BaseOffset, claims[i]);
            }

            throw;
        }

        cleaned.Retire(null);
        var dueMs = log.Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() + (long)log.Config.FileDeleteDelay.TotalMilliseconds;
        for (var i = 0; i < old.Length; i++)
        {
            var baseOfOld = old[i].BaseOffset;
            var claim = claims?[i];
            void Delete() => DeleteIfExists(storage, Kinds.Select(kind => kind(directory, baseOfOld) + SegmentFiles.DeletedSuffix));
            old[i].Retire(deleter is null ? Delete : () => deleter.Schedule(directory, baseOfOld, claim!, dueMs, Delete));
        }
    }

    /// <summary>
    /// The renames, fsyncs and the publication, under the log's write lock; <c>renamedOld</c> counts the old segments
    /// whose renames to <c>.deleted</c> have begun.
    /// </summary>
    private static void Rename(PartitionLog log, LogSegment[] old, LogSegment cleaned, SegmentSummary summary, KeyMoves keyMoves, ref int renamedOld)
    {
        var storage = log.Options.Storage;
        var crash = log.Options.CrashPoints;
        var directory = log.Directory;
        var baseOffset = cleaned.BaseOffset;
        RenameAll(storage, directory, baseOffset, SegmentFiles.CleanedSuffix, SegmentFiles.SwapSuffix, crash, "Cleaner.SwapRenamePartial");
        storage.SyncDirectory(directory);
        crash.Hit("Cleaner.AfterSwapRename");

        for (var i = 0; i < old.Length; i++)
        {
            renamedOld = i + 1; // counted before the first rename: a failure part-way leaves some of its files renamed
            RenameAll(storage, directory, old[i].BaseOffset, "", SegmentFiles.DeletedSuffix, crash, null);
            if (i == 0)
            {
                crash.Hit("Cleaner.OldDeletedPartial");
            }
        }

        crash.Hit("Cleaner.AfterOldDeleted");
        RenameAll(storage, directory, baseOffset, SegmentFiles.SwapSuffix, "", crash, "Cleaner.FinalRenamePartial");
        crash.Hit("Cleaner.AfterFinalRename");
        storage.SyncDirectory(directory);
        crash.Hit("Cleaner.AfterDirectorySync");

        var replacement = LogSegment.Open(storage, directory, baseOffset, log.Config.IndexIntervalBytes);
        replacement.AdoptIndexes(cleaned.OffsetIndex, cleaned.TimeIndex, cleaned.NextOffset, cleaned.MaxTimestamp, cleaned.OffsetOfMaxTimestamp, cleaned.FirstBatchTimestamp, cleaned.IsDense);
        SegmentSummary.Remember(replacement, summary);
        var current = log.Segments;
        var first = Array.IndexOf(current, old[0]);
        var segments = current[..first].Append(replacement).Concat(current[(first + old.Length)..]).ToArray();
        log.ReplaceSegments(segments, [MethodImpl(MethodImplOptions.AggressiveOptimization)] (keys) => // once per swap, a move per kept record: no time to tier up
        {
            // Each key appears once. A kept record keeps its offset: Set moves the entry, or leaves it if a newer record of
            // the key arrived meanwhile (the entry is there: only a pass removes entries, and passes over a partition are
            // serial). SetMany touches each chunk's slots first, so their cache misses overlap.
            keyMoves.ApplyMoved(keys);
            foreach (var removed in keyMoves.Removed)
            {
                if (keys.TryGet(removed.Hash, out var now) && now.Offset == removed.Location.Offset)
                {
                    keys.Remove(removed.Hash); // unless a newer record of the key arrived meanwhile
                }
            }
        });
    }

    private static void RenameAll(IStorage storage, string directory, long baseOffset, string fromSuffix, string toSuffix, ICrashPoints crash, string? partialPoint)
    {
        var first = true;
        foreach (var kind in Kinds)
        {
            var from = kind(directory, baseOffset) + fromSuffix;
            if (!storage.FileExists(from))
            {
                continue; // an index that was never written (recovery rebuilds it)
            }

            storage.Rename(from, kind(directory, baseOffset) + toSuffix);
            if (first && partialPoint is not null)
            {
                crash.Hit(partialPoint);
            }

            first = false;
        }
    }

    private static void Write(IStorage storage, string path, byte[] bytes)
    {
        using var file = storage.Open(path, create: true);
        file.SetLength(0);
        file.Write(0, bytes);
        file.Sync();
    }

    private static void DeleteIfExists(IStorage storage, IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            try
            {
                if (storage.FileExists(path))
                {
                    storage.Delete(path);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for recovery, which deletes every leftover .cleaned and .deleted file at open.
            }
        }
    }
}
