using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Storage.IO;
using StateLog.Tests.Reliability.Infrastructure;

namespace StateLog.Tests.Compaction;

/// <summary>
/// <c>CompactAsync</c> copying a pass's groups on several threads (<c>Compaction/Cleaner.ConcurrentCopies.cs</c>): the
/// log it leaves is the one copying the groups in turn leaves, file for file, and a failed copy ends the pass where
/// copying in turn would end it. The harness's 1 KiB segments make each segment a group of its own.
/// </summary>
public sealed class ConcurrentCopyTests
{
    private const int Keys = 60;

    [Fact]
    public async Task ConcurrentCopies_LeaveTheSameFilesAsCopiesInTurn()
    {
        using var inTurn = await Scenario(copyThreads: 1);
        using var concurrent = await Scenario(copyThreads: 4);
        Assert.True(concurrent.Log.Segments.Length > 20);

        for (var round = 0; round < 2; round++)
        {
            var expected = await inTurn.Topic.CompactAsync();
            var result = await concurrent.Topic.CompactAsync();

            Assert.Equal(expected with { Duration = TimeSpan.Zero }, result with { Duration = TimeSpan.Zero });
            Assert.EndsWith("(from the key index) (groups copied on 4 threads)", concurrent.Log.LastCleaningOutcome, StringComparison.Ordinal);
            Assert.EndsWith("(from the key index)", inTurn.Log.LastCleaningOutcome, StringComparison.Ordinal);
            Assert.Equal(Files(inTurn), Files(concurrent));
            Assert.Equal(inTurn.Read(), concurrent.Read());

            // The second round removes the first round's tombstones and recopies segments whose keys were updated again.
            foreach (var h in new[] { inTurn, concurrent })
            {
                h.Time.Advance(TimeSpan.FromHours(25));
                for (var i = 0; i < Keys; i += 3)
                {
                    await h.Put($"k{i}", $"again-{i}");
                }
            }
        }

        concurrent.Reopen();
        Assert.Equal(inTurn.Read(), concurrent.Read());
        var latest = concurrent.Read().GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Last().Value);
        Assert.All(Enumerable.Range(0, Keys).Where(i => i % 3 == 0), i => Assert.Equal($"again-{i}", latest[$"k{i}"]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(-1)]
    [InlineData(3, 9)]
    public async Task AFailedCopy_EndsThePassWhereCopiesInTurnWould(params int[] failingGroups)
    {
        var expected = await FailCopies(copyThreads: 1, failingGroups);
        var outcome = await FailCopies(copyThreads: 4, failingGroups);

        Assert.Equal(expected.Failure, outcome.Failure);
        Assert.Equal(expected.FilesAfterFailure, outcome.FilesAfterFailure);
        Assert.Equal(expected.RecordsAfterFailure, outcome.RecordsAfterFailure);
        Assert.Equal(expected.FilesAfterHealing, outcome.FilesAfterHealing);
        Assert.Equal(expected.RecordsAfterHealing, outcome.RecordsAfterHealing);
    }

    [Fact]
    public async Task Dispose_CancelsTheConcurrentCopies_LeavingNoCleanedFiles()
    {
        using var h = await Scenario(copyThreads: 4, configure: o => o.CleanerMaxBytesPerSecond = 1024);
        var compaction = Task.Run(async () => await h.Topic.CompactAsync());

        // The throttle holds the copies mid-way (the clock stays still): several groups' segments are being written at once.
        h.WaitUntil(() => Directory.EnumerateFiles(h.PartitionDirectory(), "*.log.cleaned").Count() >= 2, TimeSpan.Zero, "two groups are being copied at once");

        h.Engine.Dispose();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => compaction);
        Assert.Empty(Directory.EnumerateFiles(h.PartitionDirectory(), "*.cleaned"));
        h.Open();
        Assert.Equal(Keys, h.Read().Select(r => r.Key).Distinct().Count());
    }

    /// <summary>
    /// A pass whose copies of some groups meet a full disk, then a pass after the disk heals: the files and records after
    /// each, and what the failure said (the first failing group's, whichever copy failed first).
    /// </summary>
    private static async Task<(string Failure, List<string> FilesAfterFailure, List<CompactionHarness.Rec> RecordsAfterFailure, List<string> FilesAfterHealing, List<CompactionHarness.Rec> RecordsAfterHealing)> FailCopies(int copyThreads, int[] failingGroups)
    {
        var storage = new FaultStorage(OsStorage.Instance);
        using var h = await Scenario(copyThreads, storage);
        var before = h.Read();
        var closed = h.Log.Segments[..^1];
        var failing = failingGroups.Select(g => $"{closed[g < 0 ? closed.Length + g : g].BaseOffset:D20}.log.cleaned").ToArray();

        storage.FailAt(storage.Operations, persistent: true, op => op == StorageOp.Write, path => failing.Any(f => path.EndsWith(f, StringComparison.Ordinal)));
        var failed = await Assert.ThrowsAsync<CompactionFailedException>(async () => await h.Topic.CompactAsync());

        Assert.Contains(failing[0], failed.Failures[0].Message, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(h.PartitionDirectory(), "*.cleaned"));
        var afterFailure = h.Read();
        Assert.Equal(before.GroupBy(r => r.Key).Select(g => g.Last()).OrderBy(r => r.Offset), afterFailure.GroupBy(r => r.Key).Select(g => g.Last()).OrderBy(r => r.Offset));
        var filesAfterFailure = Files(h);

        storage.Heal();
        await h.Topic.CompactAsync();
        Assert.Empty(Directory.EnumerateFiles(h.PartitionDirectory(), "*.cleaned"));
        return (failed.Failures[0].Message.Replace(h.Dir.Path, "<dir>", StringComparison.Ordinal), filesAfterFailure, afterFailure, Files(h), h.Read());
    }

    /// <summary>More than twenty 1 KiB segments of updates to <see cref="Keys"/> keys, every seventh a tombstone.</summary>
    private static async Task<CompactionHarness> Scenario(int copyThreads, FaultStorage? storage = null, Action<StateLogOptions>? configure = null)
    {
        var h = new CompactionHarness(o =>
        {
            if (storage is not null)
            {
                o.Storage = storage;
            }

            configure?.Invoke(o);
        });
        h.Engine.Cleaner.CopyThreads = copyThreads;
        h.Engine.Cleaner.ConcurrentCopyMinBytes = 0;
        await h.FillSegments(24, i => ($"k{i % Keys}", i % 7 == 3 ? null : $"value-{i}"));
        return h;
    }

    /// <summary>Every file of the partition, with its bytes.</summary>
    private static List<string> Files(CompactionHarness h) =>
        Directory.EnumerateFiles(h.PartitionDirectory())
            .Order(StringComparer.Ordinal)
            .Select(path => $"{Path.GetFileName(path)} {Convert.ToBase64String(File.ReadAllBytes(path))}")
            .ToList();
}
