using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StateLog.Compaction;
using StateLog.Storage;

namespace StateLog.Tests.Compaction;

/// <summary>Reference §5, offset map (behaviours 6–9, 50).</summary>
public sealed class OffsetMapTests : IDisposable
{
    private readonly CompactionHarness _h = new();

    public void Dispose() => _h.Dispose();

    private static UInt128 H(int i) => KeyIndex.Hash(CompactionHarness.B(CompactionHarness.Num(i)).Span);

    [Fact]
    public async Task BuildOffsetMap_CoversExactlyRequestedRange()
    {
        await _h.PutNumbers(Enumerable.Range(0, 500));
        var segments = _h.Log.Segments;
        Assert.True(segments.Length > 4);
        foreach (var (start, end) in new[] { (0L, segments[1].BaseOffset), (segments[1].BaseOffset, segments[3].BaseOffset), (segments[3].BaseOffset, _h.Log.LogEndOffset) })
        {
            var map = new OffsetMap(OffsetMap.DefaultMaxEntries);
            var stats = new CleanStats();
            using var cleaner = new Cleaner(new Throttler(null, _h.Time));
            Assert.False(cleaner.BuildOffsetMap(_h.Log, map, start, end, stats, CancellationToken.None));
            Assert.Equal(end, map.LatestOffset + 1);
            Assert.Equal(end - start, map.Size);
            for (var i = start; i < end; i++)
            {
                Assert.Equal(i, map.Get(H((int)i)));
            }

            Assert.Equal(-1, map.Get(H((int)start - 1)));
            Assert.Equal(-1, map.Get(H((int)end)));
            Assert.Equal(end - start, stats.MapRecordsRead);
        }
    }

    [Fact]
    public async Task BuildOffsetMap_PartialMapStopsAtCapacity()
    {
        using var h = new CompactionHarness(o => o.IndexIntervalBytes = 4096); // Kafka's default: the scan starts at the segment start
        await h.PutNumbers(Enumerable.Range(0, 5));
        h.Log.Roll();
        var map = new OffsetMap(2);
        var stats = new CleanStats();
        using var cleaner = new Cleaner(new Throttler(null, h.Time));

        Assert.True(cleaner.BuildOffsetMap(h.Log, map, 2, 5, stats, CancellationToken.None));

        Assert.Equal(2, map.Size);
        Assert.Equal(-1, map.Get(H(0)));
        Assert.Equal(2, map.Get(H(2)));
        Assert.Equal(3, map.Get(H(3)));
        Assert.Equal(-1, map.Get(H(4)));
        Assert.Equal(3, map.LatestOffset);
        Assert.Equal(4, stats.MapRecordsRead);
    }

    [Fact]
    public void BuildOffsetMap_SparseOffsets()
    {
        _h.Recreate((0, [(0L, "0", "0"), (7_206_178L, "1", "1")]), (7_206_179, [(7_206_179L, "2", "2")]));
        var map = new OffsetMap(OffsetMap.DefaultMaxEntries);
        using var cleaner = new Cleaner(new Throttler(null, _h.Time));

        cleaner.BuildOffsetMap(_h.Log, map, 0, 7_206_179, new CleanStats(), CancellationToken.None);

        Assert.Equal(7_206_178, map.LatestOffset);
        Assert.Equal(2, map.Size);
        Assert.Equal(0, map.Get(H(0)));
        Assert.Equal(7_206_178, map.Get(H(1)));
    }

    [Theory]
    [InlineData(11, new long[] { 0 }, 11)]
    [InlineData(30, new long[] { 0, 15 }, 30)]
    public void Clean_PassesOffsetGaps(long activeBase, long[] segmentBases, long expectedNextDirty)
    {
        _h.Recreate(
        [
            .. segmentBases.Select(b => (b, Enumerable.Range((int)b, 10).Select(o => ((long)o, (string?)$"k{o}", (string?)"v")))),
            (activeBase, [(activeBase, "a", "v")]),
        ]);

        var stats = _h.Clean(0, activeBase);

        Assert.Equal(expectedNextDirty, stats.EndOffset);
        Assert.Equal(segmentBases.Length * 10 + 1, _h.Read().Count);
    }

    [Fact]
    public void OffsetMap_GetWhenFull_ClearLatestOffsetAndUtilization()
    {
        var map = new OffsetMap(100);
        Assert.Equal(0, map.Slots); // nothing reserved up front
        for (var i = 0; i < 100; i++)
        {
            map.Put(H(i), i * 10);
        }

        Assert.True(map.IsFull);
        Assert.Equal(-1, map.Get(H(1000)));
        Assert.Equal(990, map.Get(H(99)));
        Assert.Equal(990, map.LatestOffset);
        Assert.Throws<InvalidOperationException>(() => map.Put(H(1000), 5));
        map.Put(H(5), 7); // an existing key may still move
        Assert.Equal(7, map.Get(H(5)));
        Assert.Equal(100, map.Size);
        Assert.Equal((double)map.Size / map.Slots, map.Utilization);
        Assert.InRange(map.Utilization, 0.375, 0.75);

        map.Clear();
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(-1, map.Get(H(i))));
        Assert.Equal(0, map.Size);
        Assert.Equal(-1, map.LatestOffset);
    }

    [Fact]
    public void OffsetMap_ManyKeys_AllRetrievable()
    {
        var map = new OffsetMap(50_000);
        for (var i = 0; i < 50_000; i++)
        {
            map.Put(H(i), i);
        }

        Assert.All(Enumerable.Range(0, 50_000), i => Assert.Equal(i, map.Get(H(i))));
    }
}
