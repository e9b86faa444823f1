using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using StateLog.Storage.IO;
using StateLog.Tests.Reliability.Infrastructure;

namespace StateLog.Tests.Compaction;

/// <summary>CompactAsync (DESIGN §4): lag and retention honoured, its result, the throttle, and passes in proportion to the dirty data.</summary>
public sealed class CompactAsyncTests
{
    [Fact]
    public async Task CompactAsync_HonoursMinCompactionLag()
    {
        using var h = new CompactionHarness(o => o.MinCompactionLag = TimeSpan.FromHours(1));
        for (var i = 0; i < 5; i++)
        {
            await h.Put("a", $"v{i}");
        }

        var early = await h.Topic.CompactAsync();
        Assert.Equal(0, early.PartitionsCleaned);
        Assert.Equal(5, h.Read().Count);

        h.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(1));
        var late = await h.Topic.CompactAsync();
        Assert.Equal(1, late.PartitionsCleaned);
        Assert.Equal(["4:a=v4"], h.Read().Select(r => r.ToString()));
    }

    [Fact]
    public async Task CompactAsync_ReportsTombstonesRemovedAfterRetention()
    {
        using var h = new CompactionHarness(o => o.DeleteRetention = TimeSpan.FromMinutes(10));
        await h.Put("a", "1");
        await h.Put("a", null);
        await h.Put("b", "1");
        var first = await h.Topic.CompactAsync();
        Assert.Equal(0, first.TombstonesRemoved);
        Assert.Equal(3, first.RecordsBefore);
        Assert.Equal(2, first.RecordsAfter);

        h.Time.Advance(TimeSpan.FromMinutes(10));
        var second = await h.Topic.CompactAsync();
        Assert.Equal(1, second.TombstonesRemoved);
        Assert.Equal(["2:b=1"], h.Read().Select(r => r.ToString()));
        Assert.Null(await h.Topic.GetAsync(CompactionHarness.B("a")));
        Assert.Equal(1, h.Topic.GetStats().Partitions[0].LiveKeys);
    }

    [Fact]
    public async Task Passes_ReportedToTheStateLogMeter_ByResult()
    {
        using var h = new CompactionHarness();
        var name = "metered-" + Guid.NewGuid().ToString("N")[..12]; // the meter is process-wide: count only this topic
        var topic = h.Engine.GetTopic(name, 2);
        var results = new System.Collections.Concurrent.ConcurrentBag<(string? Result, int Partition)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "StateLog" && instrument.Name == "statelog.cleaner.passes")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? result = null;
            int partition = -1;
            string? measured = null;
            foreach (var tag in tags)
            {
                result = tag.Key == "statelog.cleaner.result" ? (string?)tag.Value : result;
                partition = tag.Key == "statelog.partition" ? System.Convert.ToInt32(tag.Value, System.Globalization.CultureInfo.InvariantCulture) : partition;
                measured = tag.Key == "statelog.topic" ? (string?)tag.Value : measured;
            }

            if (measured == name)
            {
                results.Add((result, partition));
            }
        });
        listener.Start();
        var key0 = Enumerable.Range(0, 100).Select(i => $"k{i}").First(k => topic.PartitionFor(CompactionHarness.B(k).Span) == 0);
        for (var i = 0; i < 20; i++)
        {
            await topic.PutAsync(CompactionHarness.B(key0), CompactionHarness.B($"v{i}"));
        }

        CompactionHarness.CorruptLatestRecord(topic.PartitionLogs[0], key0);

        await Assert.ThrowsAsync<CompactionFailedException>(async () => await topic.CompactAsync());

        Assert.Contains(("failed", 0), results);
        Assert.Contains(("succeeded", 1), results);
    }

    [Fact]
    public async Task CompactAsync_Throttled_SleepsOnTheTimeProvider()
    {
        const long rate = 4096;
        using var h = new CompactionHarness(o => o.CleanerMaxBytesPerSecond = rate);
        await h.FillSegments(8, i => ($"k{i % 5}", $"value-{i}"));

        var compaction = Task.Run(async () => await h.Topic.CompactAsync());
        await Task.Delay(200);
        Assert.False(compaction.IsCompleted); // blocked until the fake clock moves
        var advanced = TimeSpan.Zero;
        while (!compaction.IsCompleted)
        {
            h.Time.Advance(TimeSpan.FromMilliseconds(100));
            advanced += TimeSpan.FromMilliseconds(100);
            await Task.Delay(2);
        }

        var result = await compaction;
        var io = h.Engine.Cleaner.Throttler.Counted; // what the pass read (all of it, or the live records) and wrote
        Assert.True(io > result.BytesAfter, $"{io} bytes counted, {result.BytesAfter} written");
        // The average over the pass stays at the limit, give or take one 300 ms check interval at each end.
        Assert.True(advanced >= TimeSpan.FromSeconds((io - (2 * rate * 0.3)) / rate), $"{advanced} of clock time for {io} bytes");
        Assert.True(h.Engine.Cleaner.Throttler.Slept > TimeSpan.Zero);
        Assert.Equal(5, h.Read().Count);
    }

    [Fact]
    public async Task Pass_CostsInProportionToDirtyData_WhenNoCleanSegmentHoldsAShadowedKey()
    {
        using var h = new CompactionHarness();
        await h.FillSegments(21, i => ($"k{i}", "v")); // unique keys: 20 closed segments
        await h.Topic.CompactAsync();
        var clean = h.Log.Segments[..^1];
        var cleanBytes = clean.Sum(s => s.Size);

        for (var i = 0; i < 5; i++)
        {
            await h.Put($"new{i}", "v"); // dirty, shadowing nothing
        }

        var dirtyBytes = h.Log.ActiveSegment.Size;
        var result = await h.Topic.CompactAsync();
        Assert.Equal(dirtyBytes, result.BytesBefore);
        Assert.All(clean, s => Assert.Contains(s, h.Log.Segments)); // the very same segment objects: untouched

        // Shadow one key of one clean segment: only that segment (and the dirty one) is rewritten.
        var victim = clean[7];
        var victimKey = h.Read().First(r => r.Offset >= victim.BaseOffset && r.Offset < victim.NextOffset).Key;
        await h.Put(victimKey, "newer");
        var second = await h.Topic.CompactAsync();
        Assert.Equal(victim.Size + h.Log.Segments[^2].Size, second.BytesBefore);
        Assert.DoesNotContain(victim, h.Log.Segments);
        Assert.All(clean.Where(s => s != victim), s => Assert.Contains(s, h.Log.Segments));
        Assert.True(second.BytesBefore < cleanBytes / 5);

        // After a reopen the clean segments are summarised once (read) but still not rewritten.
        h.Reopen();
        var bases = h.Log.Segments.Select(s => s.BaseOffset).ToArray();
        await h.Put("another", "v");
        var third = await h.Topic.CompactAsync();
        Assert.Equal(bases[..^1], h.Log.Segments.Select(s => s.BaseOffset).Take(bases.Length - 1));
        Assert.True(third.BytesBefore < cleanBytes / 5);
        Assert.Equal("newer", System.Text.Encoding.UTF8.GetString((await h.Topic.GetAsync(CompactionHarness.B(victimKey)))!));
    }

    [Fact]
    public async Task Passes_ConcurrentWithAppendsRollsAndReads_LoseNothing()
    {
        using var h = new CompactionHarness(o => o.MinCleanableDirtyRatio = 0);
        var latest = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 3000; i++)
            {
                var key = $"k{i % 40}";
                await h.Put(key, $"{i}");
                latest[key] = i;
            }
        });
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var records = h.Read();
                Assert.True(records.Zip(records.Skip(1)).All(p => p.First.Offset < p.Second.Offset), "offsets out of order");
                var written = latest.ContainsKey("k7"); // before the read: a put acknowledged by now must be visible
                var value = await h.Topic.GetAsync(CompactionHarness.B("k7"));
                Assert.True(value is not null || !written, "an acknowledged key read as absent");
            }
        });
        while (!writer.IsCompleted)
        {
            await h.Topic.CompactAsync();
        }

        await writer;
        await stop.CancelAsync();
        await reader;
        await h.Topic.CompactAsync();
        var records = h.Read();
        Assert.Equal(40, records.Count);
        Assert.All(records, r => Assert.Equal(latest[r.Key].ToString(System.Globalization.CultureInfo.InvariantCulture), r.Value));
    }

    [Fact]
    public async Task Dispose_CancelsPassInProgress_LeavingNoCleanedFiles()
    {
        using var h = new CompactionHarness(o => o.CleanerMaxBytesPerSecond = 1024);
        await h.FillSegments(6, i => ($"k{i % 5}", $"value-{i}"));
        var compaction = Task.Run(async () => await h.Topic.CompactAsync());
        await Task.Delay(100); // the throttle holds the pass mid-way (the fake clock never moves)

        h.Engine.Dispose();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => compaction);
        Assert.Empty(System.IO.Directory.EnumerateFiles(h.PartitionDirectory(), "*.cleaned"));
        h.Open();
        Assert.Equal(5, h.Read().Select(r => r.Key).Distinct().Count());
    }

    [Fact]
    public async Task CleanedSegment_IsWrittenAMebibyteAtATime_NotBatchByBatch()
    {
        const int keys = 20_000, perBatch = 10;
        var storage = new FaultStorage(OsStorage.Instance);
        using var h = new CompactionHarness(o =>
        {
            o.Storage = storage;
            o.SegmentBytes = 64L * 1024 * 1024;
            o.MaxRecordBytes = 1024 * 1024;
        });
        var value = new string('v', 100);
        for (var round = 0; round < 2; round++)
        {
            for (var first = 0; first < keys; first += perBatch)
            {
                var batch = Enumerable.Range(first, perBatch)
                    .Select(i => ((ReadOnlyMemory<byte>)CompactionHarness.B($"key-{i:D5}"), (ReadOnlyMemory<byte>?)CompactionHarness.B($"{round}:{value}")))
                    .ToArray();
                await h.Topic.AppendBatchAsync(batch);
            }
        }

        storage.Record = true;
        var result = await h.Topic.CompactAsync();
        storage.Record = false;

        // 2,000 cleaned batches of about 1.3 KB, written in as many mebibyte pieces as their 2.6 MB need.
        Assert.Equal(keys, result.RecordsAfter);
        var cleanedWrites = storage.Trace.Count(line => line.Contains($" {StorageOp.Write} ", StringComparison.Ordinal) && line.EndsWith(".log.cleaned", StringComparison.Ordinal));
        var cleanedBytes = h.Log.Segments[0].Size;
        Assert.InRange(cleanedWrites, 1, (cleanedBytes / (1024 * 1024)) + 1);

        // Every piece landed where it belongs: each key's second value, after a reopen too.
        for (var reopened = 0; reopened < 2; reopened++)
        {
            var records = h.Read();
            Assert.Equal(keys, records.Count);
            Assert.All(records, r => Assert.Equal($"1:{value}", r.Value));
            Assert.Equal(Enumerable.Range(0, keys).Select(i => $"key-{i:D5}"), records.Select(r => r.Key));
            h.Reopen();
        }
    }

    [Fact]
    public async Task CleanedSegmentWrite_OnAFullDisk_FailsThePass_LeavingTheLogAsItWas()
    {
        var storage = new FaultStorage(OsStorage.Instance);
        using var h = new CompactionHarness(o =>
        {
            o.Storage = storage;
            o.SegmentBytes = 64L * 1024 * 1024;
        });
        for (var i = 0; i < 400; i++)
        {
            await h.Put($"k{i % 100}", $"value-{i}");
        }

        h.Log.Roll();
        var before = h.Read();

        // The next write is the cleaned segment's (the roll is done, the gathered batches go out at its fsync).
        storage.FailAt(storage.Operations, persistent: true, op => op == StorageOp.Write);
        var failed = await Assert.ThrowsAsync<CompactionFailedException>(async () => await h.Topic.CompactAsync());

        Assert.Contains(".log.cleaned", failed.Failures[0].Message, StringComparison.Ordinal);
        Assert.Empty(System.IO.Directory.EnumerateFiles(h.PartitionDirectory(), "*.cleaned"));
        Assert.Equal(before, h.Read());

        storage.Heal();
        var result = await h.Topic.CompactAsync();
        Assert.Equal(100, result.RecordsAfter);
        Assert.Equal(Enumerable.Range(300, 100).Select(i => $"value-{i}"), h.Read().Select(r => r.Value));
    }

    [Fact]
    public async Task CleanedBatchLargerThanTheGatherBuffer_LandsBetweenTheSmallOnes()
    {
        using var h = new CompactionHarness(o =>
        {
            o.SegmentBytes = 64L * 1024 * 1024;
            o.MaxRecordBytes = 4 * 1024 * 1024;
        });
        var large = new string('L', (1024 * 1024) + 4096);
        var expected = new System.Collections.Generic.List<(string Key, string Value)>();
        for (var i = 0; i < 300; i++)
        {
            var value = i % 100 == 50 ? large + i : $"value-{i}";
            await h.Put($"k{i}", value);
            await h.Put($"k{i}", value); // a superseded copy, so the pass rewrites
            expected.Add(($"k{i}", value));
        }

        var result = await h.Topic.CompactAsync();

        Assert.Equal(300, result.RecordsAfter);
        for (var reopened = 0; reopened < 2; reopened++)
        {
            Assert.Equal(expected, h.Read().Select(r => (r.Key, r.Value!)));
            h.Reopen();
        }
    }
}
