using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CsCheck;
using StateLog.Storage;
using StateLog.Storage.Segments;

namespace StateLog.Tests.Storage;

/// <summary>
/// The read fast paths on real files: point reads of sealed segments served from a memory map, and the full scan's
/// snapshot of live offsets. Each result is compared with a model of what was written (the slow path's answer),
/// across rolls, cleaner swaps, reopens and concurrent appends.
/// </summary>
public sealed class MappedReadTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private StateLogOptions Options() => new()
    {
        DataDirectory = _dir.Path,
        SegmentBytes = 4096,
        MaxRecordBytes = 1024,
        Durability = Durability.Buffered,
        EnableCleaner = false,
    };

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string? S(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);

    [Fact]
    public async Task GetAsync_FromMappedSealedSegments_MatchesTheModel_AcrossRollsCleanerSwapsAndReopen()
    {
        var model = new Dictionary<string, string?>();
        var random = new Random(7);
        using (var engine = StateLogEngine.Open(Options()))
        {
            var topic = engine.GetTopic("mapped", 2);
            for (var round = 0; round < 3; round++)
            {
                for (var i = 0; i < 400; i++)
                {
                    var key = $"key-{random.Next(60)}";
                    if (random.Next(8) == 0)
                    {
                        await topic.DeleteAsync(B(key));
                        model[key] = null;
                    }
                    else
                    {
                        var value = $"{round}/{i}/" + new string('v', random.Next(200));
                        await topic.PutAsync(B(key), B(value));
                        model[key] = value;
                    }
                }

                await AssertLatest(topic, model);
                Assert.Contains(topic.PartitionLogs.SelectMany(p => p.Segments), s => s.IsMapped);

                // The cleaner swaps new segments in: reads go on from the new ones, mapped afresh.
                await topic.CompactAsync();
                await AssertLatest(topic, model);
                Assert.Contains(topic.PartitionLogs.SelectMany(p => p.Segments), s => s.IsMapped);
            }
        }

        using (var engine = StateLogEngine.Open(Options()))
        {
            await AssertLatest(engine.GetTopic("mapped"), model);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GetAsync_AByteFlippedInASealedSegment_IsReportedAsCorruption(bool mappedBeforeTheFlip)
    {
        using var engine = StateLogEngine.Open(Options());
        var topic = engine.GetTopic("flip", 1);
        var value = new string('x', 100);
        for (var i = 0; i < 100; i++)
        {
            await topic.PutAsync(B($"key-{i}"), B($"{i}:{value}"));
        }

        var partition = topic.PartitionLogs[0];
        var sealedSegment = partition.Segments[0];
        Assert.True(partition.Segments.Length > 1);
        if (mappedBeforeTheFlip)
        {
            Assert.Equal($"0:{value}", S(await topic.GetAsync(B("key-0"))));
            Assert.True(sealedSegment.IsMapped);
        }

        // Flip a byte of key-0's value in the file: a map shares the page cache, so it sees the change at once.
        var path = SegmentFiles.Log(partition.Directory, sealedSegment.BaseOffset);
        var bytes = await File.ReadAllBytesAsync(path);
        var at = IndexOf(bytes, B($"0:{value}")) + 10;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
        {
            file.Position = at;
            file.WriteByte((byte)(bytes[at] ^ 0x20));
        }

        var error = await Assert.ThrowsAsync<CorruptLogException>(async () => await topic.GetAsync(B("key-0")));
        Assert.Contains("CRC-32C", error.Message, StringComparison.Ordinal);
        Assert.True(sealedSegment.IsMapped);
        Assert.Equal($"1:{value}", S(await topic.GetAsync(B("key-1"))));
    }

    [Fact]
    public async Task GetAsync_ASealedSegmentCutShortOnDisk_IsReportedAsCorruption_NotMappedPastItsEnd()
    {
        using var engine = StateLogEngine.Open(Options());
        var topic = engine.GetTopic("cut", 1);
        for (var i = 0; i < 100; i++)
        {
            await topic.PutAsync(B($"key-{i}"), B($"{i}:" + new string('c', 100)));
        }

        var partition = topic.PartitionLogs[0];
        var sealedSegment = partition.Segments[0];
        var path = SegmentFiles.Log(partition.Directory, sealedSegment.BaseOffset);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete))
        {
            file.SetLength(file.Length / 2);
        }

        // The first read would map the segment: the file is shorter than the segment, so it is read without a map.
        var last = sealedSegment.NextOffset - 1; // key-i is at offset i: its record is in the half cut away
        var error = await Assert.ThrowsAsync<CorruptLogException>(async () => await topic.GetAsync(B($"key-{last}")));
        Assert.Contains("past the end of the file", error.Message, StringComparison.Ordinal);
        Assert.False(sealedSegment.IsMapped);
    }

    [Fact]
    public async Task GetAsync_ConcurrentWithAppendsRollsAndTheCleaner_NeverReturnsAnOlderOrForeignValue()
    {
        const int Keys = 40;
        // The writer compacts every 20 rounds, so the swaps come while readers read; no background cleaner, so the
        // segments stay put once it stops.
        using var engine = StateLogEngine.Open(Options());
        var topic = engine.GetTopic("busy", 1);
        var written = new long[Keys];
        for (var k = 0; k < Keys; k++)
        {
            await topic.PutAsync(B($"key-{k}"), B($"key-{k}:0:" + new string('p', 50)));
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var writer = Task.Run(async () =>
        {
            for (var version = 1L; !stop.IsCancellationRequested; version++)
            {
                for (var k = 0; k < Keys; k++)
                {
                    await topic.PutAsync(B($"key-{k}"), B($"key-{k}:{version}:" + new string('p', 50)));
                    Volatile.Write(ref written[k], version);
                }

                if (version % 20 == 0)
                {
                    await topic.CompactAsync();
                }
            }
        });
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            var seen = new long[Keys];
            var reads = 0;
            while (!stop.IsCancellationRequested)
            {
                for (var k = 0; k < Keys; k++)
                {
                    var floor = Volatile.Read(ref written[k]);
                    var value = S(await topic.GetAsync(B($"key-{k}")))!;
                    var parts = value.Split(':');
                    Assert.Equal($"key-{k}", parts[0]);
                    var version = long.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
                    Assert.True(version >= floor && version >= seen[k], $"key-{k}: read version {version} after {seen[k]} (acknowledged {floor})");
                    seen[k] = version;
                    reads++;
                }
            }

            return reads;
        })).ToArray();

        await writer;
        var total = (await Task.WhenAll(readers)).Sum();
        Assert.True(total > 0);
        topic.PartitionLogs[0].Roll(); // every latest value now in a sealed segment
        for (var k = 0; k < Keys; k++)
        {
            Assert.StartsWith($"key-{k}:{written[k]}:", S(await topic.GetAsync(B($"key-{k}"))), StringComparison.Ordinal);
        }

        Assert.Contains(topic.PartitionLogs[0].Segments, s => s.IsMapped);
    }

    [Fact]
    public async Task GetAllAsync_MatchesTheLatestRecordsOfAFullRead_AfterPutsDeletesRollsAndCompaction()
    {
        // Either shape of the live-offset snapshot: many keys (a bitmap), or few keys over many offsets (a sorted array).
        var shapes = Gen.Select(Gen.Int[1, 2000], Gen.Int[1, 1500], Gen.Int[0, 3], Gen.Bool);
        await shapes.SampleAsync(
            async shape =>
            {
                var (keys, updates, compactions, reopen) = shape;
                using var dir = new TempDirectory();
                var options = Options();
                options.DataDirectory = dir.Path;
                var random = new Random(keys * 31 + updates);
                var engine = StateLogEngine.Open(options);
                try
                {
                    var topic = engine.GetTopic("scan", 2);
                    for (var i = 0; i < updates; i++)
                    {
                        var key = B($"k{random.Next(keys)}");
                        _ = random.Next(10) == 0 ? await topic.DeleteAsync(key) : await topic.PutAsync(key, B($"{i}:" + new string('s', random.Next(40))));
                        if (i % 300 == 299 && compactions > 0)
                        {
                            await topic.CompactAsync();
                        }
                    }

                    if (reopen)
                    {
                        engine.Dispose();
                        engine = StateLogEngine.Open(options);
                        topic = engine.GetTopic("scan");
                    }

                    await AssertScanMatchesFullRead(topic);
                }
                finally
                {
                    engine.Dispose();
                }
            },
            iter: 25,
            time: -1);
    }

    [Fact]
    public async Task GetAllAsync_WithAFewKeysOverManyOffsets_UsesTheSortedSnapshotAndMatchesAFullRead()
    {
        using var engine = StateLogEngine.Open(Options());
        var topic = engine.GetTopic("sparse", 1);
        for (var batch = 0; batch < 70; batch++)
        {
            var pending = Enumerable.Range(0, 1000).Select(i => topic.PutAsync(B($"k{(batch * 1000 + i) % 5}"), B($"{batch}/{i}"))).ToList();
            foreach (var put in pending)
            {
                await put;
            }
        }

        await topic.DeleteAsync(B("k3"));
        Assert.True(topic.PartitionLogs[0].LogEndOffset > 64 * 1024, "the offset range must be too wide for the bitmap");
        await AssertScanMatchesFullRead(topic);
    }

    [Fact]
    public async Task GetAllAsync_WhileAppending_ReturnsEachKeyOnceAsOfItsStartPlusOnlyNewerValues()
    {
        using var engine = StateLogEngine.Open(Options());
        var topic = engine.GetTopic("live", 1);
        for (var k = 0; k < 200; k++)
        {
            await topic.PutAsync(B($"key-{k}"), B("0"));
        }

        var before = topic.PartitionLogs[0].LogEndOffset;
        var seen = new Dictionary<string, List<(long Offset, string Value)>>();
        var appended = 0;
        await foreach (var record in topic.GetAllAsync())
        {
            var key = Encoding.UTF8.GetString(record.Key.Span);
            (seen.TryGetValue(key, out var list) ? list : seen[key] = []).Add((record.Offset, Encoding.UTF8.GetString(record.Value!.Value.Span)));
            if (appended < 50)
            {
                // Appends behind and ahead of the scan: each key written again once.
                await topic.PutAsync(B($"key-{appended * 4}"), B("1"));
                appended++;
            }
        }

        Assert.Equal(200, seen.Count);
        foreach (var (key, list) in seen)
        {
            Assert.Single(list, r => r.Offset < before);
            Assert.All(list.Where(r => r.Offset >= before), r => Assert.Equal("1", r.Value));
        }
    }

    [Fact]
    public async Task GetAllAsync_EitherTokenCancelled_StopsTheScan_AndEachEnumerationStartsAfresh()
    {
        using var engine = StateLogEngine.Open(Options());
        var topic = engine.GetTopic("cancel", 2);
        for (var k = 0; k < 50; k++)
        {
            await topic.PutAsync(B($"key-{k}"), B($"{k}"));
        }

        var scan = topic.GetAllAsync();
        Assert.Equal(50, await CountAsync(scan));
        Assert.Equal(50, await CountAsync(scan));

        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CountAsync(topic.GetAllAsync(cancelled.Token)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var unused in topic.GetAllAsync().WithCancellation(cancelled.Token))
            {
                Assert.Fail("a record after cancellation");
            }
        });
    }

    private static async Task<int> CountAsync(IAsyncEnumerable<LogRecord> records)
    {
        var count = 0;
        await foreach (var unused in records)
        {
            count++;
        }

        return count;
    }

    [Fact]
    public void LiveOffsets_BothShapes_AnswerLikeASet_InOrderAndOutOfOrder_OnReusedArrays()
    {
        // 200,000 offsets: a bitmap for a key count of 3,125 and more, a sorted array below. Keys past the range fill
        // the index up to the count; the key hashing to zero (kept beside the table) holds the first offset or the tombstone.
        // Each thread's previous sample's offsets are asked too: a reused bitmap not cleared still has their bits set.
        const long Range = 200_000;
        using var previous = new ThreadLocal<long[]>(() => []);
        var gen = Gen.Select(Gen.Long[0, Range - 2].Array[0, 300], Gen.Long[0, 100_000], Gen.Int[1, 6000], Gen.Long[0, Range + 100].Array[0, 200]);
        gen.Sample(sample =>
        {
            var (offsets, start, countForShape, queries) = sample;
            var set = offsets.Select(o => start + o).ToHashSet();
            var tombstone = start + Range - 1;
            var end = start + Range;
            var keys = new KeyIndex();
            var hash = (UInt128)1;
            foreach (var offset in set)
            {
                keys.Set(offset == set.First() ? UInt128.Zero : hash++, new KeyLocation(offset, 0, 1, 0));
            }

            keys.Set(set.Count == 0 ? UInt128.Zero : hash++, new KeyLocation(tombstone, 0, -1, 0));
            for (var filler = 0L; keys.Count < countForShape; filler++)
            {
                keys.Set(hash++, new KeyLocation(end + filler, 0, 1, 0));
            }

            var live = LiveOffsets.Take(keys, start, end);
            foreach (var query in queries.Order().Concat(queries).Concat(previous.Value!).Where(q => q < Range))
            {
                Assert.Equal(set.Contains(start + query), live.Contains(start + query));
            }

            Assert.False(live.Contains(tombstone));

            // Back to the pool, so the thread's next snapshot of the same shape gets this array; asking again is a bug.
            live.Release();
            Assert.Throws<ObjectDisposedException>(() => live.Contains(start));
            previous.Value = offsets;
        });
    }

    private static async Task AssertLatest(TopicLog topic, Dictionary<string, string?> model)
    {
        foreach (var (key, value) in model)
        {
            Assert.Equal(value, S(await topic.GetAsync(B(key))));
        }
    }

    /// <summary>The slow path's answer: every record read in order, the last of each key kept unless a tombstone.</summary>
    private static async Task AssertScanMatchesFullRead(TopicLog topic)
    {
        var latest = new Dictionary<(int, string), LogRecord>();
        await foreach (var record in topic.ReadAsync())
        {
            latest[(record.Partition, Encoding.UTF8.GetString(record.Key.Span))] = record;
        }

        var expected = latest.Values.Where(r => !r.IsTombstone).OrderBy(r => r.Partition).ThenBy(r => r.Offset).Select(Describe).ToList();
        var actual = new List<string>();
        await foreach (var record in topic.GetAllAsync())
        {
            actual.Add(Describe(record));
        }

        Assert.Equal(expected, actual);
    }

    private static string Describe(LogRecord r) =>
        $"{r.Partition}/{r.Offset}/{Encoding.UTF8.GetString(r.Key.Span)}={Encoding.UTF8.GetString(r.Value!.Value.Span)}@{r.Timestamp.ToUnixTimeMilliseconds()}";

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
}
