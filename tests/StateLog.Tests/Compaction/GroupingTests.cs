using System;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Compaction;

namespace StateLog.Tests.Compaction;

/// <summary>Reference §5, grouping (behaviours 17–19).</summary>
public sealed class GroupingTests : IDisposable
{
    private readonly CompactionHarness _h = new(o => o.IndexIntervalBytes = 1);

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task GroupSegments_BySizeLimits_OrderPreserved()
    {
        await _h.FillSegments(11, i => ($"k{i:D5}", "v")); // equal-sized records: equal-sized segments
        var segments = _h.Log.Segments[..10];
        var next = _h.Log.ActiveSegment.BaseOffset;

        Assert.Equal(segments, Assert.Single(Cleaner.GroupSegments(segments, long.MaxValue, next)));
        Assert.All(Cleaner.GroupSegments(segments, 1, next), g => Assert.Single(g));
        Assert.Equal(10, Cleaner.GroupSegments(segments, 1, next).Count);

        var three = segments.Take(3).Sum(s => s.Size) + 1;
        var groups = Cleaner.GroupSegments(segments, three, next);
        Assert.All(groups[..^1], g => Assert.Equal(3, g.Length));
        Assert.Equal(segments, groups.SelectMany(g => g));
    }

    [Theory]
    [InlineData(0L, 1)] // the span ends exactly at int.MaxValue
    [InlineData(1L, 2)] // one more offset and it no longer fits
    public void GroupSegments_RelativeOffsetLimit(long extra, int expectedGroups)
    {
        const long second = int.MaxValue - 1;
        _h.Recreate((0, [(0L, "a", "v")]), (second, [(second, "b", "v")]), (second + 2 + extra, [(second + 2 + extra, "c", "v")]));

        var groups = Cleaner.GroupSegments(_h.Log.Segments[..2], long.MaxValue, _h.Log.ActiveSegment.BaseOffset);

        Assert.Equal(expectedGroups, groups.Count);
        Assert.All(groups, g => Assert.True((g.Length > 1 ? g[^1].NextOffset - 1 : g[0].BaseOffset) - g[0].BaseOffset <= int.MaxValue));
    }

    [Fact]
    public void GroupSegments_EstimatesFromNextBaseOffset_NotTheIndex()
    {
        const long half = int.MaxValue / 2;
        _h.Recreate((0, [(0L, "a", "v"), (1L, "b", "v")]), (half, [(half, "c", "v"), (int.MaxValue + 1L, "d", "v")]), (int.MaxValue + 2L, [(int.MaxValue + 2L, "e", "v")]));

        Assert.Equal(2, Cleaner.GroupSegments(_h.Log.Segments[..2], long.MaxValue, _h.Log.ActiveSegment.BaseOffset).Count);
    }

    [Fact]
    public void Clean_SparseOffsetGroups_EachFitsThirtyTwoBits()
    {
        const long half = int.MaxValue / 2;
        _h.Recreate((0, [(0L, "a", "v"), (1L, "a", "w")]), (half, [(half, "b", "v"), (int.MaxValue + 1L, "b", "w")]), (int.MaxValue + 2L, [(int.MaxValue + 2L, "e", "v")]));

        _h.CleanAll();

        Assert.Equal(["1:a=w", $"{int.MaxValue + 1L}:b=w", $"{int.MaxValue + 2L}:e=v"], _h.Read().Select(r => r.ToString()));
        Assert.Equal(3, _h.Log.Segments.Length);
        _h.Reopen();
        Assert.Equal(3, _h.Read().Count);
    }
}
