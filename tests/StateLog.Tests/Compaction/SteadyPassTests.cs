using System;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Compaction;
using Xunit;

namespace StateLog.Tests.Compaction;

/// <summary>
/// A forced pass over a log already at its steady state is told from the segment summaries (<c>Cleaner.IsSteady</c>)
/// and rewrites nothing, as the full pass would (<c>KeyIndexPassTests</c> compares the two on random logs); anything a
/// pass could still remove makes the log not steady.
/// </summary>
public sealed class SteadyPassTests
{
    [Fact]
    public async Task CompactedLog_IsSteady_AndASecondPassRewritesNothing()
    {
        using var h = new CompactionHarness();
        await h.FillSegments(5, i => ($"k{i % 4}", $"v{i}"));
        await h.Topic.CompactAsync();
        var segments = h.Log.Segments;
        var records = h.Read();

        Assert.True(IsSteady(h));
        var result = await h.Topic.CompactAsync();

        Assert.Equal(0, result.PartitionsCleaned);
        Assert.Equal(0, result.RecordsBefore);
        Assert.Same(segments, h.Log.Segments);
        Assert.Equal(records, h.Read());
        Assert.StartsWith($"cleaned up to offset {h.Log.LogEndOffset}: 0 -> 0 records", h.Log.LastCleaningOutcome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewRecords_OrADueTombstone_MakeTheLogNotSteady()
    {
        using var h = new CompactionHarness(o => o.DeleteRetention = TimeSpan.FromHours(1));
        await h.FillSegments(5, i => ($"k{i % 4}", $"v{i}"));
        await h.Put("k1", null);
        await h.Topic.CompactAsync();
        Assert.True(IsSteady(h)); // the tombstone is stamped, its horizon an hour away

        h.Time.Advance(TimeSpan.FromHours(2));
        Assert.False(IsSteady(h));
        await h.Topic.CompactAsync();
        Assert.DoesNotContain(h.Read(), r => r.Key == "k1");
        Assert.True(IsSteady(h));

        await h.Put("k2", "newer");
        Assert.False(IsSteady(h));
    }

    private static bool IsSteady(CompactionHarness h)
    {
        var range = CleanableRange.Compute(h.Log, h.NowMs);
        return h.Log.UnderWriteLock(() => Cleaner.IsSteady(h.Log, range.FirstDirtyOffset, range.FirstUncleanableOffset, h.NowMs));
    }
}
