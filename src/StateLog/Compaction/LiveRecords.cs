using System;
using System.Runtime.CompilerServices;
using StateLog.Storage;
using StateLog.Storage.Segments;

namespace StateLog.Compaction;

/// <summary>
/// The key index's view of a pass's range, when it equals Kafka's offset map: the latest record of every key, sorted
/// by offset, taken when every key's latest record lies below the first uncleanable offset. Kafka's map holds, for
/// each key with a record in the dirty range, its latest offset there; with no key's latest record at or beyond the
/// first uncleanable offset, that is the key index's entry for every key whose entry is at or past the cleaner point.
/// Keys whose entry is below the cleaner point are absent from Kafka's map, so Kafka keeps all their records in the
/// clean section; the clean section holds one record per key (every pass leaves it so: a pass keeps, below its end
/// offset, only the latest record of each key it indexed, and clean records of keys it did not index are already
/// unique), so that is again exactly the key index's entry. The retained set of a pass is therefore these
/// locations, less the tombstones whose horizon has passed, and the pass can copy them without reading or hashing
/// any other record (<see cref="Cleaner"/>'s key-index pass).
/// </summary>
internal sealed class LiveRecords
{
    private LiveRecords(ChunkedArray<Entry> entries, int dirtyKeys)
    {
        Entries = entries;
        DirtyKeys = dirtyKeys;
    }

    /// <summary>The latest record of each key, by offset (chunked, like every array of the pass that grows with the keys: see <see cref="ChunkedArray{T}"/>).</summary>
    public ChunkedArray<Entry> Entries { get; }

    /// <summary>Keys whose latest record is at or past the cleaner point: the keys Kafka's offset map would hold.</summary>
    public int DirtyKeys { get; }

    /// <summary>Sorts a copy taken by <see cref="Take"/>; outside the partition's write lock, so appends never wait for the sort.</summary>
    public static LiveRecords Sort(Taken taken)
    {
        var entries = taken.Entries;
        SortByOffset(ref entries);
        return new LiveRecords(entries, taken.DirtyKeys);
    }

    /// <summary>For each segment, how many keys have their latest record in it.</summary>
    public long[] CountsPerSegment(LogSegment[] segments)
    {
        var counts = new long[segments.Length];
        var entries = Entries;
        var next = 0;
        for (var i = 0; i < segments.Length; i++)
        {
            var end = i + 1 < segments.Length ? segments[i + 1].BaseOffset : long.MaxValue;
            var start = next;
            while (next < entries.Length && entries[next].Location.Offset < end)
            {
                next++;
            }

            counts[i] = next - start;
        }

        return counts;
    }

    /// <summary>The index of the first entry at or after <paramref name="offset"/>.</summary>
    public int FirstAtOrAfter(long offset)
    {
        var entries = Entries;
        var (low, high) = (0, entries.Length);
        while (low < high)
        {
            var middle = (int)((uint)(low + high) >> 1);
            (low, high) = entries[middle].Location.Offset < offset ? (middle + 1, high) : (low, middle);
        }

        return low;
    }

    /// <summary>
    /// Copies the key index's entries, unsorted, where they equal Kafka's map; the caller holds the partition's write
    /// lock (so every record below the first uncleanable offset has its key-index entry published). Null where the
    /// copy would not equal Kafka's map: a key's latest record at or beyond <paramref name="firstUncleanable"/>, a first
    /// uncleanable offset that is not a segment's base offset (or below the cleaner point), or as many dirty keys as the
    /// map's capacity (Kafka's pass would stop at a full map).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs once per pass, under the write lock: no time to tier up
    public static Taken? Take(PartitionLog log, long firstDirty, long firstUncleanable, int maxMapEntries)
    {
        if (firstDirty > firstUncleanable || Array.FindIndex(log.Segments, s => s.BaseOffset == firstUncleanable) < 0)
        {
            return null;
        }

        lock (log.Keys.Gate)
        {
            var entries = new ChunkedArray<Entry>(log.Keys.Count);
            var i = 0;
            var dirtyKeys = 0;
            foreach (var (hash, location) in log.Keys.Walk())
            {
                if (location.Offset >= firstUncleanable)
                {
                    return null;
                }

                if (location.Offset >= firstDirty && ++dirtyKeys >= maxMapEntries)
                {
                    return null;
                }

                entries[i++] = new Entry(hash, location);
            }

            return new Taken(entries, dirtyKeys);
        }
    }

    /// <summary>
    /// Sorts <paramref name="entries"/> by offset (offsets are distinct): a least significant digit radix sort, 11 bits
    /// a round over the bits the largest offset uses, linear in the keys. Each round walks the entries a chunk at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SortByOffset(ref ChunkedArray<Entry> entries)
    {
        const int Bits = 11;
        const int Buckets = 1 << Bits;
        var maxOffset = 0L;
        for (var c = 0; c < entries.ChunkCount; c++)
        {
            foreach (ref readonly var entry in entries.Chunk(c))
            {
                maxOffset = Math.Max(maxOffset, entry.Location.Offset);
            }
        }

        var spare = new ChunkedArray<Entry>(maxOffset == 0 ? 0 : entries.Length);
        var counts = new int[Buckets];
        for (var shift = 0; shift < 64 && (maxOffset >> shift) != 0; shift += Bits)
        {
            Array.Clear(counts);
            for (var c = 0; c < entries.ChunkCount; c++)
            {
                foreach (ref readonly var entry in entries.Chunk(c))
                {
                    counts[(int)((entry.Location.Offset >> shift) & (Buckets - 1))]++;
                }
            }

            for (int b = 0, sum = 0; b < Buckets; b++)
            {
                (counts[b], sum) = (sum, sum + counts[b]);
            }

            for (var c = 0; c < entries.ChunkCount; c++)
            {
                foreach (ref readonly var entry in entries.Chunk(c))
                {
                    spare[counts[(int)((entry.Location.Offset >> shift) & (Buckets - 1))]++] = entry;
                }
            }

            (entries, spare) = (spare, entries);
        }
    }

    /// <summary>The key index's entries as <see cref="Take"/> copied them, before <see cref="Sort"/>.</summary>
    public readonly record struct Taken(ChunkedArray<Entry> Entries, int DirtyKeys);

    /// <summary>One key's latest record.</summary>
    public readonly record struct Entry(UInt128 Hash, KeyLocation Location);
}
