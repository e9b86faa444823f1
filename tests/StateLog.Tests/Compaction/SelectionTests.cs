using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Compaction;
using StateLog.Storage.Checkpoints;

namespace StateLog.Tests.Compaction;

/// <summary>Reference §5, selection, checkpoints and lags (behaviours 30–34, 36–38, 40, 43).</summary>
public sealed class SelectionTests
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    [Fact]
    public async Task Select_FilthiestPartitionFirst_IgnoringUncleanable()
    {
        using var h = new CompactionHarness(o => o.MinCleanableDirtyRatio = 0.1, partitions: 3);
        var logs = h.Topic.PartitionLogs;

        // Partition p gets p+1 closed segments of data, then a pass over the first one leaves ratios 0, 1/2, 2/3.
        for (var p = 0; p < 3; p++)
        {
            var keys = Enumerable.Range(0, 10_000).Select(i => $"key{i}").Where(k => h.Topic.PartitionFor(CompactionHarness.B(k).Span) == p).GetEnumerator();
            while (logs[p].Segments.Length < p + 2)
            {
                keys.MoveNext();
                await h.Topic.PutAsync(CompactionHarness.B(keys.Current), CompactionHarness.B("v"));
            }

            logs[p].FirstDirtyOffset = logs[p].Segments[1].BaseOffset;
        }

        var choice = h.Engine.Cleaner.GrabFilthiest();
        Assert.Same(logs[2], choice!.Value.Log);
        Assert.Equal(2.0 / 3, choice.Value.Range.Ratio, 1);

        // A partition marked after a failed pass waits out its backoff: the next dirtiest is chosen.
        CompactionHarness.Overwrite(logs[2].Segments[1].LogPath, 0, new byte[logs[2].Segments[1].Size]);
        Assert.True(h.Engine.Cleaner.CleanFilthiest(default));
        Assert.StartsWith("failed", logs[2].LastCleaningOutcome);
        Assert.Same(logs[1], h.Engine.Cleaner.GrabFilthiest()!.Value.Log);
    }

    [Fact]
    public async Task Checkpoint_InvalidOffsetsReset_AndRewritten()
    {
        using var h = new CompactionHarness();
        await h.FillSegments(3, i => ($"k{i}", "v"));
        h.Log.FirstDirtyOffset = 200; // beyond the log end (say after a truncation)

        var range = CleanableRange.Compute(h.Log, h.NowMs);
        Assert.True(range.CheckpointReset);
        Assert.Equal(0, range.FirstDirtyOffset);

        h.Engine.Cleaner.GrabFilthiest(); // rewrites the checkpoint even when the partition is not chosen
        var stored = OffsetCheckpoint.Read(h.Options.Storage, Path.Combine(h.Dir.Path, CleanerCheckpoint.FileName));
        Assert.Equal(0, stored[("t", 0)]);
    }

    [Fact]
    public void Checkpoint_BelowLogStart_ResetToLogStart()
    {
        using var h = new CompactionHarness(open: false);
        h.Recreate((10, [(10L, "a", "v"), (11L, "a", "w")]), (12, [(12L, "b", "v")]));

        var range = CleanableRange.Compute(h.Log, h.NowMs);

        Assert.True(range.CheckpointReset);
        Assert.Equal(10, range.FirstDirtyOffset);
    }

    [Fact]
    public async Task Checkpoint_WrittenAfterPass_AndReadAtOpen()
    {
        using var h = new CompactionHarness();
        await h.FillSegments(3, i => ($"k{i % 4}", "v"));
        await h.Topic.CompactAsync();
        var point = h.Log.FirstDirtyOffset;
        Assert.Equal(h.Log.ActiveSegment.BaseOffset, point);
        Assert.Equal(point, h.Topic.GetStats().Partitions[0].FirstDirtyOffset);

        h.Reopen();

        Assert.Equal(point, h.Log.FirstDirtyOffset);
        Assert.False(Directory.EnumerateFiles(h.Dir.Path, "*.tmp").Any());
    }

    [Fact]
    public async Task Checkpoint_UnchangedWhenPassAborted()
    {
        using var h = new CompactionHarness();
        await h.FillSegments(3, i => ($"k{i % 4}", "v"));
        h.Log.Roll();
        using var cancel = new System.Threading.CancellationTokenSource();
        h.Reopen(new CrashPoints("Cleaner.AfterCleanedWritten", _ => cancel.Cancel()));
        var before = h.Read();
        h.Log.Roll();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await h.Topic.CompactAsync(cancel.Token));

        Assert.Equal(0, h.Log.FirstDirtyOffset);
        Assert.Equal(before, h.Read());
        Assert.Empty(Directory.EnumerateFiles(h.PartitionDirectory(), "*.cleaned"));
    }

    [Fact]
    public async Task Select_ActiveSegmentNeverCleanable()
    {
        using var h = new CompactionHarness(o => o.MinCleanableDirtyRatio = 0);
        for (var i = 0; i < 5; i++)
        {
            await h.Put("a", $"v{i}");
        }

        Assert.Single(h.Log.Segments);
        Assert.Null(h.Engine.Cleaner.GrabFilthiest());
        var range = CleanableRange.Compute(h.Log, h.NowMs);
        Assert.Equal(0, range.FirstUncleanableOffset);
        Assert.Equal(0, range.TotalBytes);
        h.CleanAll();
        Assert.Equal(5, h.Read().Count);
    }

    [Fact]
    public async Task Range_UncleanableBoundIsActiveSegmentBase()
    {
        using var h = new CompactionHarness();
        await h.FillSegments(8, i => ($"k{i}", "v"));

        Assert.Equal(h.Log.ActiveSegment.BaseOffset, CleanableRange.Compute(h.Log, h.NowMs).FirstUncleanableOffset);
    }

    [Fact]
    public async Task Range_MinCompactionLag_MakesRecentSegmentsUncleanable()
    {
        using var h = new CompactionHarness(o => o.MinCompactionLag = Hour);
        await h.FillSegments(4, i => ($"k{i}", "v"));
        var activeAtT0 = h.Log.ActiveSegment.BaseOffset;
        h.Time.Advance(Hour + TimeSpan.FromMilliseconds(1));
        await h.FillSegments(7, i => ($"n{i}", "v"));

        Assert.Equal(activeAtT0, CleanableRange.Compute(h.Log, h.NowMs).FirstUncleanableOffset);
    }

    [Fact]
    public async Task Range_MinCompactionLag_ShortTime_AllClosedCleanable()
    {
        using var h = new CompactionHarness(o => o.MinCompactionLag = Hour);
        await h.FillSegments(4, i => ($"k{i}", "v"));
        Assert.Equal(0, CleanableRange.Compute(h.Log, h.NowMs).FirstUncleanableOffset);
        h.Time.Advance(Hour + TimeSpan.FromMilliseconds(1));
        Assert.Equal(h.Log.ActiveSegment.BaseOffset, CleanableRange.Compute(h.Log, h.NowMs).FirstUncleanableOffset);
    }

    [Fact]
    public async Task Background_MinLagEndToEnd_CleansOnlyPastTheLag()
    {
        using var h = new CompactionHarness(o =>
        {
            o.EnableCleaner = true;
            o.MinCompactionLag = Hour;
            o.MinCleanableDirtyRatio = 0;
            o.CleanerBackoff = TimeSpan.FromMilliseconds(200);
            o.SegmentBytes = 2048;
        });
        for (var round = 0; round < 3; round++)
        {
            for (var k = 0; k < 100; k++)
            {
                await h.Put($"k{k}", $"t0-{round}");
            }
        }

        var activeAtT0 = h.Log.ActiveSegment.BaseOffset;
        var sizeAtT0 = h.Log.Segments.Sum(s => s.Size);
        h.Time.Advance(Hour / 2);
        h.WaitUntil(() => true, TimeSpan.FromMilliseconds(200), "a few idle rounds");
        Assert.Equal(sizeAtT0, h.Log.Segments.Sum(s => s.Size));
        Assert.Null(h.Log.LastCleaned);

        h.Time.Advance(Hour / 2 + TimeSpan.FromMilliseconds(1));
        for (var round = 0; round < 3; round++)
        {
            for (var k = 0; k < 100; k++)
            {
                await h.Put($"k{k}", $"t1-{round}");
            }
        }

        h.WaitUntil(() => h.Log.FirstDirtyOffset >= activeAtT0, TimeSpan.FromMilliseconds(200), "the cleaner reaches the segment active at T0");
        Assert.All(Enumerable.Range(0, 100), k => Assert.Equal("t1-2", System.Text.Encoding.UTF8.GetString(h.Topic.GetAsync(CompactionHarness.B($"k{k}")).AsTask().Result!)));
        Assert.True(h.Read().Count(r => r.Offset < activeAtT0) <= 100);
    }

    [Fact]
    public async Task MaxCompactionLag_ForcesCleaning_WhenRatioNeverQualifies()
    {
        using var h = new CompactionHarness(o =>
        {
            o.MinCompactionLag = Hour;
            o.MaxCompactionLag = 6 * Hour;
            o.MinCleanableDirtyRatio = 1.0;
            o.SegmentBytes = 2048;
        });
        for (var round = 1; round <= 3; round++)
        {
            for (var k = 0; k < 100; k++)
            {
                await h.Put($"k{k}", $"{round}");
            }
        }

        h.Time.Advance(3 * Hour);
        Assert.Null(h.Engine.Cleaner.GrabFilthiest());
        h.Time.Advance(3 * Hour + TimeSpan.FromMilliseconds(1));
        for (var k = 0; k < 100; k++)
        {
            await h.Put($"k{k}", "0");
        }

        h.Log.Roll();
        var choice = h.Engine.Cleaner.GrabFilthiest();
        Assert.True(choice!.Value.Range.NeedCompactionNow);
        Assert.True(h.Engine.Cleaner.CleanFilthiest(default));
        Assert.Contains(h.Read(), r => r.Value != "0"); // the T0 block was cleaned; the zero block is still inside the min lag

        h.Time.Advance(6 * Hour + TimeSpan.FromMilliseconds(1));
        h.Log.Roll();
        while (h.Engine.Cleaner.CleanFilthiest(default))
        {
        }

        Assert.All(h.Read(), r => Assert.Equal("0", r.Value));
        Assert.Equal(100, h.Read().Count);
    }

    [Fact]
    public async Task MaxCompactionLag_RollsIdleActiveSegment_ThenCleansIt()
    {
        using var h = new CompactionHarness(o =>
        {
            o.MaxCompactionLag = Hour;
            o.MinCleanableDirtyRatio = 1.0;
            o.EnableCleaner = true;
            o.CleanerBackoff = TimeSpan.FromMinutes(1);
        });
        Assert.Equal(Hour, h.Log.RollAge);
        for (var i = 0; i < 5; i++)
        {
            await h.Put("a", $"v{i}");
        }

        // Nothing else happens on the topic: the timer rolls the segment at the max lag and the cleaner then cleans it.
        h.WaitUntil(() => h.Read().Count == 1, TimeSpan.FromMinutes(1), "the idle partition is rolled and cleaned");
        Assert.Equal("v4", h.Read()[0].Value);
    }

    [Fact]
    public async Task Range_DirtyRatioAccounting()
    {
        using var h = new CompactionHarness(o => o.MinCompactionLag = Hour);
        await h.FillSegments(5, i => ($"k{i}", "v"));
        h.Time.Advance(2 * Hour);
        await h.FillSegments(7, i => ($"n{i}", "v"));
        var s = h.Log.Segments;
        h.Log.FirstDirtyOffset = s[2].BaseOffset;
        h.Time.Advance(TimeSpan.FromMinutes(30)); // segments 4 and later are inside the lag

        var range = CleanableRange.Compute(h.Log, h.NowMs);

        Assert.Equal(s[4].BaseOffset, range.FirstUncleanableOffset);
        Assert.Equal(s[0].Size + s[1].Size, range.CleanBytes);
        Assert.Equal(s[2].Size + s[3].Size, range.CleanableBytes);
        Assert.Equal((double)(s[2].Size + s[3].Size) / (s[0].Size + s[1].Size + s[2].Size + s[3].Size), range.Ratio, 6);

        h.Log.FirstDirtyOffset = h.Log.ActiveSegment.BaseOffset;
        var all = CleanableRange.Compute(h.Log, h.NowMs + 10 * 3_600_000);
        Assert.Equal(h.Log.Segments.Sum(x => x.Size) - h.Log.ActiveSegment.Size, all.TotalBytes);
        Assert.Equal(0, all.Ratio);
    }

    [Fact]
    public void Options_MinLagAboveMaxLag_Rejected()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<ArgumentException>(() => StateLogEngine.Open(new StateLogOptions
        {
            DataDirectory = dir.Path,
            MinCompactionLag = TimeSpan.FromMilliseconds(200),
            MaxCompactionLag = TimeSpan.FromMilliseconds(100),
        }));
        Assert.Contains("MinCompactionLag", e.Message);
    }

    [Fact]
    public async Task Stats_ShowCleanerPointRatioLastPassAndOutcome()
    {
        using var h = new CompactionHarness();
        await h.FillSegments(4, i => ($"k{i % 3}", "v"));
        var before = h.Topic.GetStats().Partitions[0];
        Assert.Null(before.LastCleaned);
        Assert.Equal(1.0, before.DirtyRatio);

        h.Time.Advance(TimeSpan.FromMinutes(5));
        await h.Topic.CompactAsync();

        var after = h.Topic.GetStats().Partitions[0];
        Assert.Equal(h.Time.GetUtcNow(), after.LastCleaned);
        Assert.StartsWith("cleaned up to offset", after.LastCleaningOutcome);
        Assert.Equal(h.Log.ActiveSegment.BaseOffset, after.FirstDirtyOffset);
        Assert.Equal(0, after.DirtyRatio);
    }
}
