using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StateLog.Storage.IO;

namespace StateLog.Tests.Compaction;

/// <summary>
/// <c>CompactAsync</c> over a topic of several partitions cleans them at once, up to <c>LogCleaner.CopyThreads</c>
/// passes, as Kafka's cleaner threads clean different partitions: each partition ends as it ends when they are cleaned
/// one at a time, file for file, and a cancellation stops every pass.
/// </summary>
public sealed class ConcurrentPartitionTests
{
    private const int Partitions = 3;
    private const int Keys = 90;

    [Fact]
    public async Task CompactAsync_CleansPartitionsAtOnce_LeavingWhatOneAtATimeLeaves()
    {
        // A pass that has written its first cleaned segment waits for another pass to write one: only passes that
        // run at the same time get past it without waiting out the timeout.
        var arrived = 0;
        using var another = new ManualResetEventSlim();
        var metAnother = new List<bool>();
        var rendezvous = new CrashPoints("Cleaner.AfterCleanedWritten", _ =>
        {
            if (Interlocked.Increment(ref arrived) > 2)
            {
                return;
            }

            if (arrived >= 2)
            {
                another.Set();
            }

            var met = another.Wait(TimeSpan.FromSeconds(30));
            lock (metAnother)
            {
                metAnother.Add(met);
            }
        });

        using var oneAtATime = await Scenario(copyThreads: 1);
        using var atOnce = await Scenario(copyThreads: 2, crashPoints: rendezvous);

        for (var round = 0; round < 2; round++)
        {
            var expected = await oneAtATime.Topic.CompactAsync();
            var result = await atOnce.Topic.CompactAsync();

            Assert.Equal(expected with { Duration = TimeSpan.Zero }, result with { Duration = TimeSpan.Zero });
            Assert.Equal(Partitions, result.PartitionsCleaned);
            for (var p = 0; p < Partitions; p++)
            {
                Assert.Equal(Files(oneAtATime, p), Files(atOnce, p));
                Assert.Equal(oneAtATime.Read(p), atOnce.Read(p));
                Assert.Equal(oneAtATime.Topic.PartitionLogs[p].LastCleaningOutcome, atOnce.Topic.PartitionLogs[p].LastCleaningOutcome);
            }

            // The second round removes the first round's tombstones and recopies segments whose keys were updated again.
            foreach (var h in new[] { oneAtATime, atOnce })
            {
                h.Time.Advance(TimeSpan.FromHours(25));
                for (var i = 0; i < Keys; i += 4)
                {
                    await h.Put($"k{i}", $"again-{i}");
                }
            }
        }

        Assert.Equal([true, true], metAnother);
    }

    [Fact]
    public async Task CopyThreads_AreSharedOutAmongThePasses_NoneLeftOver()
    {
        using var h = await Scenario(copyThreads: 4);
        h.Engine.Cleaner.ConcurrentCopyMinBytes = 0;

        await h.Topic.CompactAsync();

        // Three passes at once from four threads: one of them copies its groups on two (two, should it finish before
        // another pass takes the last partition), none on more.
        var outcomes = h.Topic.PartitionLogs.Select(log => log.LastCleaningOutcome!).ToList();
        Assert.Contains(outcomes, o => o.EndsWith("(from the key index) (groups copied on 2 threads)", StringComparison.Ordinal));
        Assert.All(outcomes, o => Assert.Matches(@"\(from the key index\)( \(groups copied on 2 threads\))?$", o));
    }

    [Fact]
    public async Task Dispose_CancelsThePassesOfEveryPartition_LeavingNoCleanedFiles()
    {
        using var h = await Scenario(copyThreads: 2, configure: o => o.CleanerMaxBytesPerSecond = 1024);
        var before = Enumerable.Range(0, Partitions).Select(h.Read).ToList();
        var compaction = Task.Run(async () => await h.Topic.CompactAsync());

        // The throttle holds the passes mid-way (the clock stays still): two partitions are being cleaned at once.
        h.WaitUntil(() => Enumerable.Range(0, Partitions).Count(p => Directory.EnumerateFiles(h.PartitionDirectory(p), "*.log.cleaned").Any()) >= 2, TimeSpan.Zero, "two partitions are being cleaned at once");

        await Task.Run(h.Engine.Dispose).WaitAsync(TimeSpan.FromSeconds(30)); // a pass that ignored the cancellation would hold it

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => compaction);
        h.Open();
        for (var p = 0; p < Partitions; p++)
        {
            Assert.Empty(Directory.EnumerateFiles(h.PartitionDirectory(p), "*.cleaned"));
            Assert.Equal(before[p], h.Read(p));
        }
    }

    /// <summary>Updates to <see cref="Keys"/> keys, every seventh a tombstone, until each partition has at least six 1 KiB segments.</summary>
    private static async Task<CompactionHarness> Scenario(int copyThreads, Action<StateLogOptions>? configure = null, ICrashPoints? crashPoints = null)
    {
        var h = new CompactionHarness(configure, partitions: Partitions, open: false);
        h.Open(crashPoints);
        h.Engine.Cleaner.CopyThreads = copyThreads;
        for (var i = 0; h.Topic.PartitionLogs.Any(log => log.Segments.Length < 6); i++)
        {
            await h.Put($"k{i % Keys}", i % 7 == 3 ? null : $"value-{i}");
        }

        return h;
    }

    /// <summary>Every file of partition <paramref name="partition"/>, with its bytes.</summary>
    private static List<string> Files(CompactionHarness h, int partition) =>
        Directory.EnumerateFiles(h.PartitionDirectory(partition))
            .Order(StringComparer.Ordinal)
            .Select(path => $"{Path.GetFileName(path)} {Convert.ToBase64String(File.ReadAllBytes(path))}")
            .ToList();
}
