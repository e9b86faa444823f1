using System;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using StateLog.Compaction;
using StateLog.Storage;

namespace StateLog.Tests.Storage;

/// <summary>
/// <see cref="ChunkedArray{T}"/>: elements on either side of chunk boundaries, chunks under the large-object threshold,
/// resizing that keeps the contents, and the users whose arrays span several chunks (the pass's sort and key moves).
/// </summary>
public sealed class ChunkedArrayTests
{
    [Fact]
    public void Chunks_AreTheLargestPowerOfTwoUnderTheLargeObjectThreshold()
    {
        Assert.Equal(8192, ChunkedArray<long>.ChunkLength);
        Assert.Equal(65536, ChunkedArray<byte>.ChunkLength);
        AssertChunkSize<long>();
        AssertChunkSize<byte>();
        AssertChunkSize<KeyIndex.Update>();
        AssertChunkSize<LiveRecords.Entry>();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(8191)]
    [InlineData(8192)]
    [InlineData(8193)]
    [InlineData(3 * 8192 + 5)]
    public void Elements_AcrossChunkBoundaries_AreTheirOwn(int length)
    {
        var array = new ChunkedArray<long>(length);
        for (var i = 0; i < length; i++)
        {
            array[i] = (i * 7L) + 1;
        }

        Assert.Equal(length, array.Length);
        Assert.Equal((length + 8191) / 8192, array.ChunkCount);
        var seen = 0;
        for (var c = 0; c < array.ChunkCount; c++)
        {
            var chunk = array.Chunk(c);
            Assert.Equal(Math.Min(8192, length - seen), chunk.Length);
            for (var j = 0; j < chunk.Length; j++)
            {
                Assert.Equal((seen * 7L) + 1, chunk[j]);
                var of = array.ChunkOf(seen, out var inChunk);
                Assert.Equal(j, inChunk);
                Assert.Equal(chunk[j], of[inChunk]);
                seen++;
            }
        }

        Assert.Equal(length, seen);
    }

    [Fact]
    public void Resize_KeepsTheElements_AndZeroesTheNewOnes()
    {
        var array = new ChunkedArray<int>(10);
        Fill(array);
        array.Resize(3 * ChunkedArray<int>.ChunkLength + 1);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => i + 1).Concat(Enumerable.Repeat(0, array.Length - 10)), Elements(array));

        Fill(array);
        array.Resize(ChunkedArray<int>.ChunkLength + 3);
        Assert.Equal(2, array.ChunkCount);
        Assert.Equal(Enumerable.Range(1, array.Length), Elements(array));

        array.Resize(2 * ChunkedArray<int>.ChunkLength);
        Assert.Equal(Enumerable.Range(1, ChunkedArray<int>.ChunkLength + 3).Concat(Enumerable.Repeat(0, ChunkedArray<int>.ChunkLength - 3)), Elements(array));

        array.Clear();
        Assert.All(Elements(array), e => Assert.Equal(0, e));
    }

    [Fact]
    public void LiveRecordsSort_OverSeveralChunks_SortsByOffset_AndFindsEachOffset()
    {
        const int Keys = 5000; // several chunks of entries and of offsets' spare arrays
        var random = new Random(7);
        var offsets = Enumerable.Range(0, Keys).Select(i => (i * 3L) + 1 + (i % 5 == 0 ? 5_000_000 : 0)).OrderBy(_ => random.Next()).ToArray();
        var entries = new ChunkedArray<LiveRecords.Entry>(Keys);
        for (var i = 0; i < Keys; i++)
        {
            entries[i] = new LiveRecords.Entry((UInt128)offsets[i] * 31, new KeyLocation(offsets[i], i, i % 100, (uint)i));
        }

        var live = LiveRecords.Sort(new LiveRecords.Taken(entries, 0));

        var sorted = offsets.Order().ToArray();
        Assert.Equal(Keys, live.Entries.Length);
        for (var i = 0; i < Keys; i++)
        {
            Assert.Equal(sorted[i], live.Entries[i].Location.Offset);
            Assert.Equal((UInt128)sorted[i] * 31, live.Entries[i].Hash);
        }

        foreach (var offset in new[] { 0L, 1, 2, 3, 4, 1000, 14_998, 14_999, 15_000, 5_000_000, 5_000_001, 5_014_996, 5_014_997, long.MaxValue })
        {
            Assert.Equal(sorted.Count(o => o < offset), live.FirstAtOrAfter(offset));
        }
    }

    [Fact]
    public void KeyMoves_OverSeveralChunks_ApplyEveryMoveInOrder()
    {
        var moves = new SegmentSwap.KeyMoves();
        var keys = new KeyIndex();
        const int Count = 2500;
        for (var i = 0; i < Count; i++)
        {
            keys.Set(Hash(i), new KeyLocation(i, 0, 1, 0));
            moves.Move(Hash(i), new KeyLocation(i, 100 + i, 1, (uint)i));
        }

        moves.Move(Hash(0), new KeyLocation(Count, 7, 1, 7)); // the same key again, later: the last move wins
        Assert.Equal(Count + 1, moves.MovedCount);

        moves.ApplyMoved(keys);

        Assert.True(keys.TryGet(Hash(0), out var first));
        Assert.Equal(new KeyLocation(Count, 7, 1, 7), first);
        for (var i = 1; i < Count; i++)
        {
            Assert.True(keys.TryGet(Hash(i), out var location));
            Assert.Equal(new KeyLocation(i, 100 + i, 1, (uint)i), location);
        }
    }

    private static void AssertChunkSize<T>()
        where T : struct
    {
        Assert.True(BitOperations.IsPow2(ChunkedArray<T>.ChunkLength));
        Assert.InRange(ChunkedArray<T>.ChunkLength * Unsafe.SizeOf<T>(), 40 * 1024 + 1, 80 * 1024);
    }

    private static UInt128 Hash(int i) => KeyIndex.Hash(BitConverter.GetBytes(i));

    private static void Fill(ChunkedArray<int> array)
    {
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = i + 1;
        }
    }

    private static int[] Elements(ChunkedArray<int> array) => Enumerable.Range(0, array.Length).Select(i => array[i]).ToArray();
}
