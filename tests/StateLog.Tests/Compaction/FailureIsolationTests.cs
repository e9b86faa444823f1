using System;
using System.Linq;
using System.Threading.Tasks;

namespace StateLog.Tests.Compaction;

/// <summary>Reference §5.42 and acceptance point 4: a corrupt partition is marked, reported and retried with backoff; the others keep being cleaned.</summary>
public sealed class FailureIsolationTests
{
    private static readonly TimeSpan Backoff = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Cleaner_SurvivesCorruptPartition_MarksReportsAndRetriesWithBackoff()
    {
        using var h = new CompactionHarness(o => o.CleanerBackoff = Backoff, partitions: 2);
        h.Engine.Cleaner.CopyThreads = 2; // CompactAsync cleans both partitions at once, whatever the machine's cores
        var keys = Enumerable.Range(0, 1000).Select(i => $"key{i}").ToArray();
        string[] KeysOf(int p) => keys.Where(k => h.Topic.PartitionFor(CompactionHarness.B(k).Span) == p).Take(4).ToArray();
        var k0 = KeysOf(0);
        var k1 = KeysOf(1);
        for (var i = 0; i < 60; i++)
        {
            await h.Put(k0[i % 4], $"v{i}");
            await h.Put(k1[i % 4], $"v{i}");
        }

        var p0 = h.Topic.PartitionLogs[0];
        var p1 = h.Topic.PartitionLogs[1];
        var corrupt = CompactionHarness.CorruptLatestRecord(p0, k0[3]); // a record both passes read and check

        var e = await Assert.ThrowsAsync<CompactionFailedException>(async () => await h.Topic.CompactAsync());

        Assert.Equal([0], e.Failures.Keys);
        var cause = Assert.IsType<CorruptLogException>(e.Failures[0]);
        Assert.Equal(corrupt, cause.File);
        Assert.Equal(1, e.Result.PartitionsCleaned);
        Assert.Equal(4, h.Read(1).Count);
        var stats = h.Topic.GetStats().Partitions;
        Assert.StartsWith("failed (attempt 1)", stats[0].LastCleaningOutcome);
        Assert.Contains(corrupt, stats[0].LastCleaningOutcome);
        Assert.StartsWith("cleaned up to offset", stats[1].LastCleaningOutcome);
        Assert.False(stats[0].IsFailed); // cleaning failed; the partition still takes writes and reads

        // Partition 0 waits out its backoff while partition 1 keeps being cleaned.
        for (var i = 0; i < 60; i++)
        {
            await h.Put(k1[i % 4], $"w{i}");
        }

        p1.Roll();
        Assert.Same(p1, h.Engine.Cleaner.GrabFilthiest()!.Value.Log);
        Assert.True(h.Engine.Cleaner.CleanFilthiest(default));
        Assert.Equal(4, h.Read(1).Count);
        Assert.Null(h.Engine.Cleaner.GrabFilthiest());

        h.Time.Advance(Backoff);
        Assert.Same(p0, h.Engine.Cleaner.GrabFilthiest()!.Value.Log);
        Assert.True(h.Engine.Cleaner.CleanFilthiest(default));
        Assert.StartsWith("failed (attempt 2)", p0.LastCleaningOutcome);

        h.Time.Advance(Backoff); // the backoff doubled
        Assert.Null(h.Engine.Cleaner.GrabFilthiest());
        h.Time.Advance(Backoff);
        Assert.Same(p0, h.Engine.Cleaner.GrabFilthiest()!.Value.Log);
    }

    [Fact]
    public async Task BackgroundCleaner_KeepsCleaningOtherPartitions_WhenOneFails()
    {
        using var h = new CompactionHarness(
            o =>
            {
                o.EnableCleaner = true;
                o.CleanerBackoff = TimeSpan.FromSeconds(1);
                o.MinCleanableDirtyRatio = 0.01; // any dirty segment qualifies, however the passes and rolls interleave
            },
            partitions: 2);
        var keys = Enumerable.Range(0, 1000).Select(i => $"key{i}").ToArray();
        var k0 = keys.First(k => h.Topic.PartitionFor(CompactionHarness.B(k).Span) == 0);
        var k1 = keys.First(k => h.Topic.PartitionFor(CompactionHarness.B(k).Span) == 1);
        var p0 = h.Topic.PartitionLogs[0];
        var p1 = h.Topic.PartitionLogs[1];
        for (var i = 0; i < 40; i++)
        {
            await h.Put(k0, $"v{i}");
        }

        for (var i = 0; i < 40; i++)
        {
            await h.Put(k1, $"v{i}");
        }

        // The record is corrupted while its segment is still active, which no background pass cleans: however late the
        // cleaner's first pass starts (it may clean p0's first segments during the puts), this record is still dirty.
        await h.Topic.FlushAsync();
        CompactionHarness.CorruptLatestRecord(p0, k0);
        p0.Roll();
        p1.Roll();

        h.WaitUntil(() => h.Read(1).Count == 1 && p0.LastCleaningOutcome?.StartsWith("failed", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(1), "both partitions were tried");
        Assert.Equal("v39", h.Read(1)[0].Value);
    }
}
