using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using CsCheck;
using StateLog.Storage;
using StateLog.Storage.Records;
using StateLog.Tests.Reliability.Infrastructure;
using Xunit.Abstractions;

namespace StateLog.Tests.Compaction;

/// <summary>
/// The key-index pass (<c>LiveRecords</c>) against Kafka's pass: on the same logs both must write the same bytes,
/// leave the same key index and cleaner point and report the same figures; where it cannot equal Kafka's pass it must
/// not run; and it must report what it finds corrupt in what it reads.
/// </summary>
public sealed class KeyIndexPassTests(ITestOutputHelper output)
{
    private const string FromKeyIndex = " (from the key index)";

    /// <summary>How a pass's outcome ends when it copied its groups on several threads (as many as there were groups, up to four).</summary>
    private static readonly Regex ConcurrentCopies = new(@" \(groups copied on \d+ threads\)$");

    /// <summary>Put (0–5), delete (6), a burst of appends issued together (7: several records per batch), roll (8), advance the clock (9), CompactAsync (10, 11), a background pass (12).</summary>
    private static readonly Gen<(int Kind, int Key, int Size)[]> Commands = Gen.Select(Gen.Int[0, 12], Gen.Int[0, 7], Gen.Int[0, 60]).Array[1, 70];

    private static readonly Gen<(int MinLagHours, int RetentionHours, int SegmentBytes)> Configs = Gen.Select(Gen.Int[0, 1], Gen.OneOf(0, 1, 24), Gen.OneOf(1024, 4096));

    /// <summary>
    /// A's <c>CompactAsync</c> passes also copy their groups on several threads whenever there are two or more
    /// (<c>Cleaner.ConcurrentCopies.cs</c>), so the comparison covers those too.
    /// </summary>
    [Fact]
    public async Task KeyIndexPass_WritesWhatKafkasPassWrites_OnRandomLogs()
    {
        long passes = 0, fromKeyIndex = 0, concurrent = 0;
        await Gen.Select(Configs, Commands).SampleAsync(
            async sample =>
            {
                var (total, fast, copiedConcurrently) = await RunAsync(sample.Item1, sample.Item2);
                Interlocked.Add(ref passes, total);
                Interlocked.Add(ref fromKeyIndex, fast);
                Interlocked.Add(ref concurrent, copiedConcurrently);
            },
            writeLine: output.WriteLine,
            seed: Environment.GetEnvironmentVariable("STATELOG_CSCHECK_SEED"),
            iter: Soak.Scale(60, 1000),
            threads: 1,
            print: s => $"lag {s.Item1.MinLagHours} h, retention {s.Item1.RetentionHours} h, segments {s.Item1.SegmentBytes} B: " + string.Join(" ", s.Item2.Select(c => $"{c.Kind}/{c.Key}/{c.Size}")));
        output.WriteLine($"{passes} passes compared, {fromKeyIndex} of them from the key index, {concurrent} with concurrent copies");
        Assert.True(fromKeyIndex * 4 > passes, $"only {fromKeyIndex} of {passes} passes ran from the key index");
        Assert.True(concurrent > 0, "no pass copied its groups on several threads");
    }

    [Fact]
    public async Task KeyIndexPass_WritesWhatKafkasPassWrites_OverManyKeys()
    {
        // Thousands of keys: the pass's entries, sort buffers and key moves span several chunks.
        void Configure(StateLogOptions o)
        {
            o.SegmentBytes = 256 * 1024;
            o.MinCleanableDirtyRatio = 0.01;
        }

        using var a = new CompactionHarness(Configure);
        for (var round = 0; round < 3; round++)
        {
            foreach (var burst in Enumerable.Range(0, 5000).Chunk(100))
            {
                await Task.WhenAll(burst.Select(k => k % 7 == round
                    ? a.Topic.DeleteAsync(CompactionHarness.B($"k{k}")).AsTask()
                    : a.Topic.PutAsync(CompactionHarness.B($"k{k}"), CompactionHarness.B(Value(k + round, 8))).AsTask()));
            }
        }

        a.Log.Roll();
        Assert.True(await CompareAsync(a, Configure, forced: true));
    }

    [Fact]
    public async Task KeyIndexPass_NotUsed_WhenAKeysLatestRecordIsUncleanable()
    {
        using var h = new CompactionHarness();
        await h.FillSegments(4, i => ($"k{i % 3}", $"v{i}"));
        await h.Put("k0", "newest"); // in the active segment: Kafka's map would hold k0's latest dirty record, not this one

        var stats = h.CleanAll();

        Assert.False(stats.KeyIndexPass);
        Assert.True(stats.MapRecordsRead > 0);

        await h.Topic.CompactAsync(); // rolls first: now every key's latest record is cleanable
        Assert.EndsWith(FromKeyIndex, h.Log.LastCleaningOutcome);
    }

    [Fact]
    public async Task KeyIndexPass_NotUsed_WhenMinCompactionLagHoldsBackARecentSegment()
    {
        using var h = new CompactionHarness(o => o.MinCompactionLag = TimeSpan.FromHours(1));
        await h.FillSegments(4, i => ($"k{i % 3}", $"v{i}"));
        h.Time.Advance(TimeSpan.FromHours(2));
        h.Log.Roll();
        await h.FillSegments(7, i => ($"k{i % 3}", $"w{i}")); // recent: uncleanable, and they hold every key's latest record

        await h.Topic.CompactAsync();

        Assert.DoesNotContain(FromKeyIndex, h.Log.LastCleaningOutcome);
        Assert.Equal(["k0", "k1", "k2"], h.Read().GroupBy(r => r.Key).Select(g => g.Key).Order());
    }

    [Fact]
    public async Task KeyIndexPass_NotUsed_WhenTheDirtyKeysFillKafkasMap()
    {
        using var h = new CompactionHarness();
        await h.FillSegments(4, i => ($"k{i % 3}", $"v{i}"));
        h.Log.Roll();
        using var cleaner = new StateLog.Compaction.Cleaner(new StateLog.Compaction.Throttler(null, h.Time), maxMapEntries: 3);

        Assert.Null(cleaner.TakeLiveRecords(h.Log, 0, h.Log.ActiveSegment.BaseOffset)); // 3 keys: Kafka's pass would stop at a full map
        Assert.NotNull(new StateLog.Compaction.Cleaner(new StateLog.Compaction.Throttler(null, h.Time), maxMapEntries: 4).TakeLiveRecords(h.Log, 0, h.Log.ActiveSegment.BaseOffset));
    }

    [Fact]
    public async Task KeyIndexPass_CorruptLiveRecord_ThrowsCorruptLogException()
    {
        using var h = new CompactionHarness(o => o.SegmentBytes = 64 * 1024);
        var keys = Enumerable.Range(0, 30).Select(i => $"k{i}").ToArray();
        await Task.WhenAll(keys.Select(k => h.Topic.PutAsync(CompactionHarness.B(k), CompactionHarness.B($"first value of {k}")).AsTask())); // batches of several records
        foreach (var k in keys[1..])
        {
            await h.Put(k, "second");
        }

        h.Log.Roll();
        var file = CompactionHarness.CorruptLatestRecord(h.Log, "k0"); // the one live record of its batch: read alone, checked by its record checksum

        var e = Assert.Throws<CorruptLogException>(() => h.CleanAll());

        Assert.Equal(file, e.File);
        Assert.Matches("record checksum|CRC-32C mismatch", e.Reason); // the second if group commit happened to write k0 alone
    }

    [Fact]
    public async Task KeyIndexPass_CorruptBatchHoldingATombstone_ThrowsOnItsCrc()
    {
        using var h = new CompactionHarness();
        await h.FillSegments(3, i => ($"k{i % 3}", $"v{i}"));
        var tombstone = await h.Put("k2", null);
        h.Log.Roll();
        Assert.True(h.Log.Keys.TryGet(KeyIndex.Hash(CompactionHarness.B("k2").Span), out var location));
        Assert.Equal(tombstone, location.Offset);
        var segment = h.Log.Segments.Last(s => s.BaseOffset <= tombstone);
        CompactionHarness.Overwrite(segment.LogPath, location.Position + 1, [0x7F]); // the record's attributes byte: only the batch CRC covers a tombstone

        var e = Assert.Throws<CorruptLogException>(() => h.CleanAll());

        Assert.Equal(segment.LogPath, e.File);
        Assert.Contains("CRC-32C mismatch", e.Reason);
    }

    [Fact]
    public async Task KeyIndexPass_CorruptHeaderOfADeadBatch_ThrowsCorruptLogException()
    {
        using var h = new CompactionHarness();
        await h.FillSegments(3, i => ($"k{i % 3}", $"v{i}"));
        h.Log.Roll();
        var segment = h.Log.Segments[0];
        CompactionHarness.Overwrite(segment.LogPath, BatchLayout.Magic, [0xFF]); // the first batch: superseded, but its header is read

        var e = Assert.Throws<CorruptLogException>(() => h.CleanAll());

        Assert.Equal(segment.LogPath, e.File);
        Assert.Equal(0, e.Position);
        Assert.Contains("magic", e.Reason);
    }

    [Fact]
    public async Task KeyIndexPass_TruncatedSegment_ThrowsCorruptLogException()
    {
        using var h = new CompactionHarness();
        await h.FillSegments(3, i => ($"k{i % 3}", "v"));
        h.Log.Roll();
        var segment = h.Log.Segments[0];
        CompactionHarness.Truncate(segment.LogPath, segment.Size / 2);

        var e = Assert.Throws<CorruptLogException>(() => h.CleanAll());

        Assert.Contains("cut short", e.Reason);
    }

    /// <summary>
    /// The one difference, by design: the key-index pass never reads a superseded record's bytes, so damage inside one
    /// goes with the record (the header of its batch is still checked), where Kafka's pass, which reads every record,
    /// reports the batch's CRC mismatch and stops.
    /// </summary>
    [Fact]
    public async Task KeyIndexPass_DamageInsideASupersededRecord_GoesWithIt_WhereKafkasPassReportsIt()
    {
        async Task<(CompactionHarness H, string File, long Position)> Damaged()
        {
            var h = new CompactionHarness();
            await h.FillSegments(3, i => ($"k{i % 3}", $"value{i}"));
            h.Log.Roll();
            var segment = h.Log.Segments[0];
            var position = BatchLayout.Records + 10; // inside the value of the first record (k0 = value0), superseded by k0 = value3
            CompactionHarness.Overwrite(segment.LogPath, position, [0xEE]);
            return (h, segment.LogPath, position);
        }

        var (fast, _, _) = await Damaged();
        using (fast)
        {
            var stats = fast.CleanAll();
            Assert.True(stats.KeyIndexPass);
            Assert.Equal(["k0", "k1", "k2"], fast.Read().Select(r => r.Key).Order());
        }

        var (kafka, file, _) = await Damaged();
        using (kafka)
        {
            using var cleaner = new StateLog.Compaction.Cleaner(new StateLog.Compaction.Throttler(null, kafka.Time), keyIndexPasses: false);
            var e = Assert.Throws<CorruptLogException>(() => cleaner.Clean(kafka.Log, 0, kafka.Log.ActiveSegment.BaseOffset, kafka.NowMs, CancellationToken.None));
            Assert.Equal(file, e.File);
            Assert.Contains("CRC-32C mismatch", e.Reason);
        }
    }

    /// <summary>Runs one sequence on engine A (key-index passes on) and, at each pass, on a copy of A (engine B, Kafka's passes only), comparing everything. Returns (passes, passes from the key index, passes whose copies ran concurrently).</summary>
    private static async Task<(int Passes, int FromKeyIndex, int Concurrent)> RunAsync((int MinLagHours, int RetentionHours, int SegmentBytes) config, (int Kind, int Key, int Size)[] commands)
    {
        void Configure(StateLogOptions o)
        {
            o.MinCompactionLag = TimeSpan.FromHours(config.MinLagHours);
            o.DeleteRetention = TimeSpan.FromHours(config.RetentionHours);
            o.SegmentBytes = config.SegmentBytes;
            o.MinCleanableDirtyRatio = 0.01;
        }

        using var a = new CompactionHarness(Configure);
        a.Engine.Cleaner.CopyThreads = 4;
        a.Engine.Cleaner.ConcurrentCopyMinBytes = 0;
        int passes = 0, fromKeyIndex = 0, concurrent = 0;
        for (var step = 0; step < commands.Length; step++)
        {
            var (kind, key, size) = commands[step];
            switch (kind)
            {
                case <= 5:
                    await a.Put($"k{key}", Value(step, size));
                    break;
                case 6:
                    await a.Put($"k{key}", null);
                    break;
                case 7:
                    await Task.WhenAll(Enumerable.Range(0, size % 8 + 2).Select(j => j % 5 == size % 5
                        ? a.Topic.DeleteAsync(CompactionHarness.B($"k{(key + j) % 8}")).AsTask()
                        : a.Topic.PutAsync(CompactionHarness.B($"k{(key + j) % 8}"), CompactionHarness.B(Value(step * 10 + j, size))).AsTask()));
                    break;
                case 8:
                    a.Log.Roll();
                    break;
                case 9:
                    a.Time.Advance(new[] { TimeSpan.FromMinutes(10), TimeSpan.FromHours(2), TimeSpan.FromHours(25), TimeSpan.FromDays(3) }[size % 4]);
                    break;
                default:
                    passes++;
                    if (await CompareAsync(a, Configure, forced: kind < 12))
                    {
                        fromKeyIndex++;
                    }

                    concurrent += ConcurrentCopies.IsMatch(a.Log.LastCleaningOutcome ?? "") ? 1 : 0;
                    break;
            }
        }

        return (passes, fromKeyIndex, concurrent);
    }

    /// <summary>Copies A to B, runs the same pass on both (A's may run from the key index, B's may not), and compares them; returns whether A's ran from the key index.</summary>
    private static async Task<bool> CompareAsync(CompactionHarness a, Action<StateLogOptions> configure, bool forced)
    {
        await a.Topic.FlushAsync();
        using var b = new CompactionHarness(configure, open: false);
        foreach (var file in Directory.GetFiles(a.Dir.Path, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != ".lock"))
        {
            var copy = Path.Combine(b.Dir.Path, Path.GetRelativePath(a.Dir.Path, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            await File.WriteAllBytesAsync(copy, ReadShared(file));
        }

        b.Time.SetUtcNow(a.Time.GetUtcNow());
        b.Open();
        b.Engine.Cleaner.KeyIndexPasses = false;

        a.Log.LastCleaningOutcome = null; // B is new: compare this pass's outcome only
        var resultA = await Run(a, forced);
        var resultB = await Run(b, forced);
        Assert.Equal(resultB, resultA);
        var outcomeA = a.Log.LastCleaningOutcome is { } outcome ? ConcurrentCopies.Replace(outcome, "") : null;
        Assert.Equal(b.Log.LastCleaningOutcome, outcomeA?.Replace(FromKeyIndex, ""));
        Assert.Equal(b.Log.FirstDirtyOffset, a.Log.FirstDirtyOffset);
        Assert.Equal(b.Log.LogEndOffset, a.Log.LogEndOffset);
        Assert.Equal(Describe(b.Log), Describe(a.Log));
        foreach (var (segmentA, segmentB) in a.Log.Segments.Zip(b.Log.Segments))
        {
            Assert.Equal(ReadShared(segmentB.LogPath), ReadShared(segmentA.LogPath));
            Assert.Equal(segmentB.OffsetIndex.Serialize(), segmentA.OffsetIndex.Serialize());
            Assert.Equal(segmentB.TimeIndex.Serialize(), segmentA.TimeIndex.Serialize());
        }

        Assert.Equal(Keys(b.Log), Keys(a.Log));
        Assert.Equal(b.Read(), a.Read());
        return outcomeA?.EndsWith(FromKeyIndex, StringComparison.Ordinal) == true;
    }

    private static async Task<string> Run(CompactionHarness h, bool forced)
    {
        try
        {
            return forced ? (await h.Topic.CompactAsync() with { Duration = TimeSpan.Zero }).ToString() : h.Engine.Cleaner.CleanFilthiest(default).ToString();
        }
        catch (CompactionFailedException e)
        {
            return $"failed: {e.Failures[0].GetType().Name}";
        }
    }

    private static string Value(int seed, int size) => string.Concat(Enumerable.Repeat($"{seed}.", size + 1))[..size];

    private static List<string> Describe(PartitionLog log) =>
        log.Segments.Select(s => $"{s.BaseOffset} {s.Size} {s.NextOffset} {s.MaxTimestamp} {s.OffsetOfMaxTimestamp} {s.FirstBatchTimestamp} {s.IsDense}").ToList();

    private static List<string> Keys(PartitionLog log)
    {
        lock (log.Keys.Gate)
        {
            return log.Keys.Entries().Select(e => $"{e.Key} {e.Value}").Order().ToList();
        }
    }

    private static byte[] ReadShared(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var bytes = new byte[file.Length];
        file.ReadExactly(bytes);
        return bytes;
    }
}
