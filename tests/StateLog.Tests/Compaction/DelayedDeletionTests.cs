using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Storage.Segments;
using Xunit;

namespace StateLog.Tests.Compaction;

/// <summary>
/// Kafka's <c>file.delete.delay.ms</c> (reference §1.12): the segments a pass replaces stay as <c>.deleted</c> files for
/// <c>FileDeleteDelay</c> after the swap (on the fake clock), and never go while a reader holds them; a clean close
/// deletes the waiting ones, and an open after a crash deletes what was left.
/// </summary>
public sealed class DelayedDeletionTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ReplacedSegments_StayUntilTheDelayPasses_ThenGo()
    {
        using var h = new CompactionHarness(o => o.FileDeleteDelay = Delay);
        await h.FillSegments(4, i => ($"k{i % 3}", $"v{i}"));

        await h.Topic.CompactAsync();

        var replaced = DeletedLogs(h).Count;
        Assert.True(replaced >= 3, $"{replaced} segments replaced");
        Assert.Equal(replaced, h.Engine.Cleaner.Deleter.PendingCount);
        h.Time.Advance(Delay - TimeSpan.FromMilliseconds(1));
        Assert.Equal(replaced, DeletedLogs(h).Count);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Empty(DeletedLogs(h));
        Assert.Equal(0, h.Engine.Cleaner.Deleter.PendingCount);
        Assert.Equal(["k0", "k1", "k2"], h.Read().Select(r => r.Key).Order());
    }

    [Fact]
    public async Task ZeroDelay_DeletesAtOnce()
    {
        using var h = new CompactionHarness(o => o.FileDeleteDelay = TimeSpan.Zero);
        await h.FillSegments(4, i => ($"k{i % 3}", $"v{i}"));

        await h.Topic.CompactAsync();

        await h.UntilNoDeletedFiles(); // on a pool thread, without the clock moving
        Assert.Equal(0, h.Engine.Cleaner.Deleter.PendingCount);
    }

    [Fact]
    public async Task PerTopicOverride_SetsTheDelay()
    {
        using var h = new CompactionHarness(o => o.Topic("t", t => t.FileDeleteDelay = TimeSpan.Zero));
        await h.FillSegments(4, i => ($"k{i % 3}", $"v{i}"));

        await h.Topic.CompactAsync();

        await h.UntilNoDeletedFiles();
    }

    [Fact]
    public async Task CleanClose_DeletesTheWaitingFiles()
    {
        using var h = new CompactionHarness(o => o.FileDeleteDelay = Delay);
        await h.FillSegments(4, i => ($"k{i % 3}", $"v{i}"));
        await h.Topic.CompactAsync();
        var before = h.Read();
        Assert.NotEmpty(DeletedLogs(h));

        h.Reopen();

        Assert.Empty(DeletedLogs(h));
        Assert.Equal(before, h.Read());
    }

    [Fact]
    public async Task ReaderStillHoldingAtClose_FilesGoWhenItLetsGo()
    {
        using var h = new CompactionHarness(o => o.FileDeleteDelay = Delay);
        await h.FillSegments(4, i => ($"k{i % 3}", $"v{i}"));
        var old = h.Log.Segments[0];
        Assert.True(old.TryAcquire());
        var oldBatches = CompactionHarness.Batches(old);
        await h.Topic.CompactAsync();

        h.Engine.Dispose();

        Assert.Equal(oldBatches, CompactionHarness.Batches(old));
        Assert.Contains(Path.GetFileName(old.LogPath) + ".deleted", DeletedLogs(h));
        old.Release();
        Assert.Empty(DeletedLogs(h));
    }

    [Fact]
    public async Task OpenAfterCrash_DeletesLeftoverDeletedFiles()
    {
        using var h = new CompactionHarness(o => o.FileDeleteDelay = Delay);
        await h.FillSegments(4, i => ($"k{i % 3}", $"v{i}"));
        await h.Topic.CompactAsync();
        var expected = h.Read();

        // What a killed process leaves: the folder as it is now, .deleted files waiting for their delay included.
        using var crashed = new TempDirectory();
        foreach (var file in Directory.EnumerateFiles(h.Dir.Path, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != ".lock"))
        {
            var target = Path.Combine(crashed.Path, Path.GetRelativePath(h.Dir.Path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        Assert.NotEmpty(Directory.EnumerateFiles(crashed.Path, "*.deleted", SearchOption.AllDirectories));
        using var reopened = new CompactionHarness(o => o.FileDeleteDelay = Delay, directory: crashed);

        Assert.Empty(Directory.EnumerateFiles(crashed.Path, "*.deleted", SearchOption.AllDirectories));
        Assert.Equal(expected, reopened.Read());
    }

    [Fact]
    public async Task SecondPassWithinTheDelay_ReusesTheNames_AndEachSwapsFilesGo()
    {
        using var h = new CompactionHarness(o => o.FileDeleteDelay = Delay);
        await h.FillSegments(4, i => ($"k{i % 3}", $"v{i}"));
        await h.Topic.CompactAsync();
        var firstSwap = DeletedLogs(h);

        // More updates and a second pass half a delay later, which replaces a segment whose name the first swap's
        // .deleted files already hold. The first swap's timer must not take the second swap's files when it falls due.
        h.Time.Advance(Delay / 2);
        await h.FillSegments(h.Log.Segments.Length + 2, i => ($"k{i % 3}", $"w{i}"));
        var before = h.Log.Segments.Select(s => Path.GetFileName(s.LogPath) + ".deleted").ToList();
        await h.Topic.CompactAsync();
        var after = h.Log.Segments.Select(s => Path.GetFileName(s.LogPath) + ".deleted");
        var reused = before.Except(after).Intersect(firstSwap).ToList();
        Assert.NotEmpty(reused);
        Assert.All(reused, name => Assert.Contains(name, DeletedLogs(h)));

        h.Time.Advance(Delay / 2); // the first swap's files fall due
        Assert.All(reused, name => Assert.Contains(name, DeletedLogs(h)));
        h.Time.Advance(Delay / 2); // and the second's
        Assert.Empty(DeletedLogs(h));
        Assert.Equal(["k0", "k1", "k2"], h.Read().Select(r => r.Key).Order());
        Assert.All(h.Read(), r => Assert.StartsWith("w", r.Value, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReaderHoldingAnEarlierSwapsSegment_DoesNotTakeALaterSwapsFiles()
    {
        using var h = new CompactionHarness(o => o.FileDeleteDelay = Delay);
        await h.FillSegments(4, i => ($"k{i % 3}", $"v{i}"));
        var held = h.Log.Segments;
        Assert.All(held, segment => Assert.True(segment.TryAcquire()));
        await h.Topic.CompactAsync();
        var firstSwap = DeletedLogs(h);
        Assert.NotEmpty(firstSwap);
        Assert.Equal(0, h.Engine.Cleaner.Deleter.PendingCount); // each waits for its reader

        // A second pass half a delay later replaces a segment that took a held one's base offset: its files take the
        // same .deleted names, and the rename replaces the held segment's (the reader keeps its open handle).
        h.Time.Advance(Delay / 2);
        await h.FillSegments(h.Log.Segments.Length + 2, i => ($"k{i % 3}", $"w{i}"));
        var before = h.Log.Segments;
        await h.Topic.CompactAsync();
        var reused = before.Except(h.Log.Segments).Select(s => Path.GetFileName(s.LogPath) + ".deleted").Intersect(firstSwap).ToList();
        Assert.NotEmpty(reused);

        // The readers let go: the first swap's deletions come due half a delay later, when the reused names belong to
        // the second swap's files, which stay for their own delay.
        Assert.All(held, segment => segment.Release());
        h.Time.Advance(Delay / 2);
        Assert.All(reused, name => Assert.Contains(name, DeletedLogs(h)));
        Assert.Equal(reused.Order(), DeletedLogs(h).Intersect(firstSwap).Order());
        h.Time.Advance(Delay / 2);
        Assert.Empty(DeletedLogs(h));
        Assert.Equal(0, h.Engine.Cleaner.Deleter.PendingCount);
        Assert.All(h.Read(), r => Assert.StartsWith("w", r.Value, StringComparison.Ordinal));
    }

    /// <param name="releaseDuringSwap">The readers let go while the failing swap owns the names, and the first swap's
    /// deletions come due then: they are skipped, and must run once the claims are given back.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SwapFailingBeforeItsRenames_GivesItsClaimsBack_SoAnEarlierSwapsHeldFilesStillGo(bool releaseDuringSwap)
    {
        var failing = false;
        LogSegment[] held = [];
        using var h = new CompactionHarness(o => o.FileDeleteDelay = Delay, open: false);
        h.Open(new CrashPoints("Cleaner.AfterSwapRename", p =>
        {
            if (failing)
            {
                if (releaseDuringSwap)
                {
                    Assert.All(held, segment => segment.Release());
                    h.Time.Advance(Delay / 2);
                }

                throw new IOException($"injected at {p}");
            }
        }));
        await h.FillSegments(4, i => ($"k{i % 3}", $"v{i}"));
        held = h.Log.Segments;
        Assert.All(held, segment => Assert.True(segment.TryAcquire()));
        await h.Topic.CompactAsync();
        var firstSwap = DeletedLogs(h);

        // The second pass claims the names of the segments it replaces, some of them the first swap's, then fails
        // before renaming any old segment.
        h.Time.Advance(Delay / 2);
        await h.FillSegments(h.Log.Segments.Length + 2, i => ($"k{i % 3}", $"w{i}"));
        var replacing = h.Log.Segments.Select(s => Path.GetFileName(s.LogPath) + ".deleted").Intersect(firstSwap);
        Assert.NotEmpty(replacing);
        failing = true;
        await Assert.ThrowsAsync<CompactionFailedException>(async () => await h.Topic.CompactAsync());

        if (!releaseDuringSwap)
        {
            Assert.All(held, segment => segment.Release());
            h.Time.Advance(Delay / 2);
        }

        await h.UntilNoDeletedFiles();
        Assert.Equal(0, h.Engine.Cleaner.Deleter.PendingCount);
    }

    [Fact]
    public async Task DelayLongerThanATimerCanWait_DeletesWhenDue()
    {
        var delay = TimeSpan.FromDays(60); // past the ~49.7 days a timer takes
        using var h = new CompactionHarness(o => o.FileDeleteDelay = delay);
        await h.FillSegments(4, i => ($"k{i % 3}", $"v{i}"));
        await h.Topic.CompactAsync();
        Assert.NotEmpty(DeletedLogs(h));

        h.Time.Advance(delay - TimeSpan.FromHours(1));
        Assert.NotEmpty(DeletedLogs(h));
        h.Time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(DeletedLogs(h));
    }

    [Fact]
    public void NegativeDelay_IsRejectedAtOpen()
    {
        using var dir = new TempDirectory();
        var e = Assert.Throws<ArgumentException>(() => StateLogEngine.Open(new StateLogOptions { DataDirectory = dir.Path, FileDeleteDelay = TimeSpan.FromSeconds(-1) }));
        Assert.Contains("FileDeleteDelay", e.Message, StringComparison.Ordinal);
    }

    private static System.Collections.Generic.List<string> DeletedLogs(CompactionHarness h) =>
        Directory.EnumerateFiles(h.PartitionDirectory(), "*.log.deleted").Select(f => Path.GetFileName(f)!).ToList();
}
