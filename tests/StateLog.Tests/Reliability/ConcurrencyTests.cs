using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StateLog.Tests.Reliability.Infrastructure;
using Xunit.Abstractions;

namespace StateLog.Tests.Reliability;

/// <summary>
/// D9: writers append concurrently (group commit) while Follow readers tail every partition, scanning readers read
/// from random offsets, and a roller seals segments under them — once with no cleaner (the log stays dense, so every
/// reader must see every offset) and once with the cleaner swapping segments under the readers all the time (readers
/// must see strictly increasing offsets, every record they see must be the one written at that offset, and a Follow
/// reader must see every record that survives to the end). Both: acknowledged offsets are unique and dense per
/// partition; no unobserved task exception; Dispose completes and Verify is clean.
/// </summary>
public sealed class ConcurrencyTests(ITestOutputHelper output) : IDisposable
{
    private const int Partitions = 2;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReadersNeverSeeAMissingOrDuplicatedOffsetWhileWritersAppendAndSegmentsRoll(bool cleanerSwaps)
    {
        var unobserved = 0;
        EventHandler<UnobservedTaskExceptionEventArgs> onUnobserved = (_, _) => Interlocked.Increment(ref unobserved);
        TaskScheduler.UnobservedTaskException += onUnobserved;
        try
        {
            await RunAsync(writers: 4, perWriter: Soak.Scale(400, 50_000), cleanerSwaps);
        }
        finally
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            TaskScheduler.UnobservedTaskException -= onUnobserved;
        }

        Assert.Equal(0, unobserved);
    }

    private async Task RunAsync(int writers, int perWriter, bool cleanerSwaps)
    {
        var options = new StateLogOptions
        {
            DataDirectory = _dir.Path, SegmentBytes = 4096, MaxRecordBytes = 1024, IndexIntervalBytes = 256,
            EnableCleaner = cleanerSwaps, MinCleanableDirtyRatio = 0.01, CleanerBackoff = TimeSpan.FromMilliseconds(5),
        };
        var engine = StateLogEngine.Open(options);
        var topic = engine.GetTopic("busy", Partitions);
        var acked = new ConcurrentBag<(int Partition, long Offset)>();
        var written = new ConcurrentDictionary<(int Partition, long Offset), (long Key, int Length)>();
        var followed = new ConcurrentBag<(int Partition, long Offset, long Key, int Length)>();
        var total = writers * perWriter;
        using var stop = new CancellationTokenSource();
        var anomalies = new ConcurrentQueue<string>();
        var seenCount = new long[Partitions];
        var followers = Enumerable.Range(0, Partitions).Select(p => Task.Run(async () =>
        {
            var next = 0L;
            var seen = 0L;
            try
            {
                await foreach (var r in topic.ReadAsync(new ReadOptions { Partition = p, Follow = true }, stop.Token))
                {
                    if (cleanerSwaps ? r.Offset < next : r.Offset != next)
                    {
                        anomalies.Enqueue($"follower {p}: offset {r.Offset} where {next} was due");
                    }

                    followed.Add((p, r.Offset, BitConverter.ToInt64(r.Key.Span), r.Value?.Length ?? -1));
                    next = r.Offset + 1;
                    seen++;
                    Interlocked.Increment(ref seenCount[p]);
                }
            }
            catch (OperationCanceledException)
            {
            }

            return seen;
        })).ToArray();
        var scans = 0L;
        var scanners = Enumerable.Range(0, 2).Select(s => Task.Run(async () =>
        {
            var random = new Random(s);
            while (!stop.IsCancellationRequested)
            {
                var p = random.Next(Partitions);
                var end = topic.GetStats().Partitions[p].LogEndOffset;
                var from = end == 0 ? 0 : random.NextInt64(end);
                var expected = from;
                await foreach (var r in topic.ReadAsync(new ReadOptions { Partition = p, FromOffset = from }))
                {
                    if (cleanerSwaps ? r.Offset < expected : r.Offset != expected)
                    {
                        anomalies.Enqueue($"scanner: offset {r.Offset} where {expected} was due (from {from})");
                    }

                    expected = r.Offset + 1;
                }

                Interlocked.Increment(ref scans);
            }
        })).ToArray();
        var compactions = 0;
        var compactor = Task.Run(async () =>
        {
            while (cleanerSwaps && !stop.IsCancellationRequested)
            {
                await topic.CompactAsync();
                compactions++;
            }
        });
        var rolls = 0;
        var roller = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                topic.PartitionLogs[rolls % Partitions].Roll();
                rolls++;
                await Task.Delay(5);
            }
        });
        var producers = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                long key = (w * 1_000_000) + (i % 50);
                var position = await topic.PutAsync(BitConverter.GetBytes(key), new byte[i % 300]);
                acked.Add((position.Partition, position.Offset));
                written[(position.Partition, position.Offset)] = (key, i % 300);
            }
        })).ToArray();
        await Task.WhenAll(producers);
        var ends = topic.GetStats().Partitions.Select(p => p.LogEndOffset).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Enumerable.Range(0, Partitions).Any(p => !followed.Any(f => f.Partition == p && f.Offset == ends[p] - 1)) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        stop.Cancel();
        var seen = await Task.WhenAll(followers);
        await Task.WhenAll(scanners);
        await roller;
        await compactor;
        Assert.True(anomalies.IsEmpty, string.Join("\n", anomalies.Take(10)));
        foreach (var f in followed)
        {
            Assert.True(written.TryGetValue((f.Partition, f.Offset), out var w) && w == (f.Key, f.Length), $"follower read offset {f.Partition}/{f.Offset} as key {f.Key} with {f.Length} bytes, which is not what was written there");
        }

        var survivors = new List<(int Partition, long Offset)>();
        await foreach (var r in topic.ReadAsync())
        {
            survivors.Add((r.Partition, r.Offset));
        }

        var followedOffsets = followed.Select(f => (f.Partition, f.Offset)).ToHashSet();
        Assert.All(survivors, s => Assert.Contains(s, followedOffsets));
        for (var p = 0; p < Partitions; p++)
        {
            var offsets = acked.Where(a => a.Partition == p).Select(a => a.Offset).Order().ToList();
            Assert.Equal(Enumerable.Range(0, offsets.Count).Select(i => (long)i), offsets);
            if (!cleanerSwaps)
            {
                Assert.Equal(offsets.Count, seen[p]);
            }
        }

        var report = engine.Verify();
        Assert.True(report.IsClean, report.ToString());
        var dispose = Task.Run(engine.Dispose);
        Assert.Same(dispose, await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(30))));
        output.WriteLine($"D9 concurrency{(cleanerSwaps ? " with cleaner swaps" : "")}: {writers} writers × {perWriter} appends = {total} acknowledged offsets (unique, dense), {Partitions} Follow readers saw {seen.Sum()} records in order, {scans} scans from random offsets, {rolls} rolls and {compactions} forced compactions under readers, anomalies 0, unobserved task exceptions 0");
    }
}
