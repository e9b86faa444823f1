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
/// from random offsets, and a roller seals segments under them. Checks: acknowledged offsets are unique and dense per
/// partition; every reader sees strictly increasing offsets with no gap (no cleaner runs, so the log is dense) and
/// no missing or duplicated record; no unobserved task exception; Dispose completes and Verify is clean.
/// </summary>
public sealed class ConcurrencyTests(ITestOutputHelper output) : IDisposable
{
    private const int Partitions = 2;
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ReadersNeverSeeAMissingOrDuplicatedOffsetWhileWritersAppendAndSegmentsRoll()
    {
        var unobserved = 0;
        EventHandler<UnobservedTaskExceptionEventArgs> onUnobserved = (_, _) => Interlocked.Increment(ref unobserved);
        TaskScheduler.UnobservedTaskException += onUnobserved;
        try
        {
            await RunAsync(writers: 4, perWriter: Soak.Scale(400, 50_000));
        }
        finally
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            TaskScheduler.UnobservedTaskException -= onUnobserved;
        }

        Assert.Equal(0, unobserved);
    }

    private async Task RunAsync(int writers, int perWriter)
    {
        var options = new StateLogOptions { DataDirectory = _dir.Path, SegmentBytes = 4096, MaxRecordBytes = 1024, IndexIntervalBytes = 256, EnableCleaner = false };
        var engine = StateLogEngine.Open(options);
        var topic = engine.GetTopic("busy", Partitions);
        var acked = new ConcurrentBag<(int Partition, long Offset)>();
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
                    if (r.Offset != next)
                    {
                        anomalies.Enqueue($"follower {p}: offset {r.Offset} where {next} was due");
                    }

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
                    if (r.Offset != expected)
                    {
                        anomalies.Enqueue($"scanner: offset {r.Offset} where {expected} was due (from {from})");
                    }

                    expected = r.Offset + 1;
                }

                Interlocked.Increment(ref scans);
            }
        })).ToArray();
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
                var position = await topic.PutAsync(BitConverter.GetBytes(w * 1_000_000 + i % 50), new byte[i % 300]);
                acked.Add((position.Partition, position.Offset));
            }
        })).ToArray();
        await Task.WhenAll(producers);
        var ends = topic.GetStats().Partitions.Select(p => p.LogEndOffset).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Enumerable.Range(0, Partitions).Any(p => Interlocked.Read(ref seenCount[p]) < ends[p]) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        stop.Cancel();
        var seen = await Task.WhenAll(followers);
        await Task.WhenAll(scanners);
        await roller;
        Assert.True(anomalies.IsEmpty, string.Join("\n", anomalies.Take(10)));
        for (var p = 0; p < Partitions; p++)
        {
            var offsets = acked.Where(a => a.Partition == p).Select(a => a.Offset).Order().ToList();
            Assert.Equal(Enumerable.Range(0, offsets.Count).Select(i => (long)i), offsets);
            Assert.Equal(offsets.Count, seen[p]);
        }

        var report = engine.Verify();
        Assert.True(report.IsClean, report.ToString());
        var dispose = Task.Run(engine.Dispose);
        Assert.Same(dispose, await Task.WhenAny(dispose, Task.Delay(TimeSpan.FromSeconds(30))));
        output.WriteLine($"D9 concurrency: {writers} writers × {perWriter} appends = {total} acknowledged offsets (unique, dense), {Partitions} Follow readers saw {seen.Sum()} records in order, {scans} scans from random offsets, {rolls} rolls under readers, anomalies 0, unobserved task exceptions 0");
    }
}
