using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using StateLog.Storage.IO;
using StateLog.Storage.Segments;
using StateLog.Tests.Reliability.Infrastructure;

namespace StateLog.Tests.Storage;

public sealed class RecoveryTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // No background cleaner: these tests compare the log and its index files byte for byte with what was written.
    private StateLogOptions Options() => new() { DataDirectory = _dir.Path, Durability = Durability.Buffered, SegmentBytes = 1 << 20, IndexIntervalBytes = 64, EnableCleaner = false };

    private string LogFile(long baseOffset = 0) => SegmentFiles.Log(_dir.Combine("events-0"), baseOffset);

    private static async Task<List<(long Offset, string Key, string? Value)>> ReadAll(TopicLog topic)
    {
        var list = new List<(long, string, string?)>();
        await foreach (var r in topic.ReadAsync())
        {
            list.Add((r.Offset, Encoding.UTF8.GetString(r.Key.Span), r.Value is { } v ? Encoding.UTF8.GetString(v.Span) : null));
        }

        return list;
    }

    [Theory]
    [InlineData("events 2", "events 1", "records 1 partition of topic 'events', but the folder 'events-1' holds segments")]
    [InlineData("events 2", "eVents 2", "records a topic 'eVents', but the folder 'events-0' holds segments")]
    public async Task TopicListContradictingThePartitionFolders_IsCorrupt(string line, string damaged, string reason)
    {
        await WriteTwoPartitions();
        var list = _dir.Combine("topic-partitions");
        File.WriteAllText(list, File.ReadAllText(list).Replace(line, damaged, StringComparison.Ordinal));

        var e = Assert.Throws<CorruptLogException>(() => StateLogEngine.Open(Options()));
        Assert.Equal(list, e.File);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FoldersOfTopicsTheListDoesNotName_AreLeftForGetTopic()
    {
        await WriteTwoPartitions();
        Directory.CreateDirectory(_dir.Combine("backup-2026"));
        File.Copy(LogFile(), Path.Combine(_dir.Combine("backup-2026"), Path.GetFileName(LogFile())));
        var list = _dir.Combine("topic-partitions");
        File.WriteAllText(list, File.ReadAllText(list).Replace("events 2", "other 1", StringComparison.Ordinal));

        using var engine = StateLogEngine.Open(Options());
        Assert.Equal(["other"], engine.TopicNames);
        Assert.Equal(20, (await ReadAll(engine.GetTopic("events", 2))).Count);
    }

    [Fact]
    public async Task FolderBeyondTheRecordedCountWithoutSegments_DoesNotStopAnOpen()
    {
        await WriteTwoPartitions();
        Directory.CreateDirectory(_dir.Combine("events-5"));
        File.WriteAllText(Path.Combine(_dir.Combine("events-5"), "00000000000000000000.index"), "");

        using var engine = StateLogEngine.Open(Options());
        Assert.Equal(20, (await ReadAll(engine.GetTopic("events"))).Count);
    }

    [Fact]
    public async Task NewTopicDifferingOnlyInCaseFromAFolderTheListDoesNotName_IsRefused()
    {
        // events-0 and events-1 stay, unrecorded; "Events" would take the same folders on a case-insensitive file system.
        await WriteTwoPartitions();
        var list = _dir.Combine("topic-partitions");
        File.WriteAllText(list, File.ReadAllText(list).Replace("events 2", "other 1", StringComparison.Ordinal));

        using var engine = StateLogEngine.Open(Options());
        var e = Assert.Throws<InvalidTopicNameException>(() => engine.GetTopic("Events", 2));
        Assert.Contains("existing topic 'events'", e.Message, StringComparison.Ordinal);
        Assert.Equal(20, (await ReadAll(engine.GetTopic("events", 2))).Count);
    }

    [Fact]
    public async Task TopicRecordedButNotOpened_KeepsItsRecordedCount()
    {
        var storage = new FaultStorage(OsStorage.Instance);
        var options = Options();
        options.Storage = storage;
        using var engine = StateLogEngine.Open(options);

        // The topic list records two partitions, then partition 1's folder cannot be made.
        storage.FailAt(storage.Operations, persistent: true, paths: p => p.Contains("events-1", StringComparison.Ordinal));
        Assert.ThrowsAny<IOException>(() => engine.GetTopic("events", 2));
        storage.Heal();

        Assert.Throws<TopicConfigurationMismatchException>(() => engine.GetTopic("events", 3));
        var topic = engine.GetTopic("events");
        Assert.Equal(2, topic.PartitionCount);
        await topic.PutAsync("k"u8.ToArray(), "v"u8.ToArray());
    }

    private async Task WriteTwoPartitions()
    {
        using var engine = StateLogEngine.Open(Options());
        var topic = engine.GetTopic("events", 2);
        for (var i = 0; i < 20; i++)
        {
            await topic.PutAsync(Encoding.UTF8.GetBytes($"k{i}"), Encoding.UTF8.GetBytes($"v{i}"));
        }
    }

    /// <summary>
    /// Writes single-record batches and stops the way a killed process does: the files as they were while the engine
    /// was open (no clean-shutdown marker, no snapshot). Returns the file position where each batch ends.
    /// </summary>
    private async Task<List<long>> WriteBatchesThenCrash(int count)
    {
        var ends = new List<long>();
        Dictionary<string, byte[]> image;
        using (var engine = StateLogEngine.Open(Options()))
        {
            var topic = engine.GetTopic("events");
            for (var i = 0; i < count; i++)
            {
                await topic.PutAsync(Encoding.UTF8.GetBytes($"k{i % 3}"), Encoding.UTF8.GetBytes($"value-{i}-{new string('x', i)}"));
                ends.Add(new FileInfo(LogFile()).Length);
            }

            image = Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)).ToDictionary(f => f, File.ReadAllBytes);
        }

        foreach (var file in Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories).Where(f => !image.ContainsKey(f) && !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            File.Delete(file);
        }

        foreach (var (file, bytes) in image)
        {
            File.WriteAllBytes(file, bytes);
        }

        return ends;
    }

    [Fact]
    public async Task TruncatedTail_AtEveryBytePositionOfTheLastTwoBatches_OpensWithTheWholeBatchesBeforeTheCut()
    {
        var ends = await WriteBatchesThenCrash(6);
        var original = File.ReadAllBytes(LogFile());
        var start = ends[^3];
        for (var cut = start; cut <= original.Length; cut++)
        {
            File.WriteAllBytes(LogFile(), original.AsSpan(0, (int)cut).ToArray());
            var wholeBatches = ends.Count(e => e <= cut);
            File.Delete(_dir.Combine(StateLogEngine.CleanShutdownFileName)); // every reopen below is after a crash
            using var engine = StateLogEngine.Open(Options());
            var topic = engine.GetTopic("events");
            var records = await ReadAll(topic);
            Assert.Equal(Enumerable.Range(0, wholeBatches).Select(i => (long)i), records.Select(r => r.Offset));
            Assert.Equal(wholeBatches == 0 ? 0 : ends[wholeBatches - 1], new FileInfo(LogFile()).Length);
            Assert.Equal(wholeBatches, topic.GetStats().Partitions[0].LogEndOffset);
            var latest = records.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Last().Value);
            foreach (var key in new[] { "k0", "k1", "k2" })
            {
                var value = await topic.GetAsync(Encoding.UTF8.GetBytes(key));
                Assert.Equal(latest.GetValueOrDefault(key), value is null ? null : Encoding.UTF8.GetString(value));
            }
        }
    }

    [Fact]
    public async Task TornTail_WithGarbageAfterTheLastBatch_IsTruncatedAndTheNextAppendContinues()
    {
        var ends = await WriteBatchesThenCrash(4);
        using (var file = File.OpenWrite(LogFile()))
        {
            file.Seek(0, SeekOrigin.End);
            file.Write(Enumerable.Range(0, 100).Select(i => (byte)(i * 7)).ToArray());
        }

        using var engine = StateLogEngine.Open(Options());
        var topic = engine.GetTopic("events");
        Assert.Equal(ends[^1], new FileInfo(LogFile()).Length);
        var next = await topic.PutAsync("k9"u8.ToArray(), "after"u8.ToArray());
        Assert.Equal(4, next.Offset);
    }

    [Theory]
    [InlineData("delete")]
    [InlineData("garbage")]
    [InlineData("truncate")]
    public async Task IndexFiles_DeletedOrDamaged_AreRebuiltOnOpen(string damage)
    {
        var options = Options();
        options.SegmentBytes = 2048;
        options.MaxRecordBytes = 512;
        var expected = new List<long>();
        using (var engine = StateLogEngine.Open(options))
        {
            var topic = engine.GetTopic("events");
            for (var i = 0; i < 200; i++)
            {
                expected.Add((await topic.PutAsync(Encoding.UTF8.GetBytes($"k{i}"), new byte[40])).Offset);
            }
        }

        var folder = _dir.Combine("events-0");
        var indexes = Directory.GetFiles(folder).Where(f => f.EndsWith(".index", StringComparison.Ordinal) || f.EndsWith(".timeindex", StringComparison.Ordinal)).ToList();
        Assert.True(indexes.Count >= 4, $"expected several segments' indexes, found {indexes.Count}");
        var good = indexes.ToDictionary(f => f, File.ReadAllBytes);
        Assert.Contains(good.Values, b => b.Length > 0);
        foreach (var index in indexes)
        {
            switch (damage)
            {
                case "delete": File.Delete(index); break;
                case "garbage": File.WriteAllText(index, "  "); break;
                default: File.WriteAllBytes(index, good[index].AsSpan(0, good[index].Length / 2).ToArray()); break;
            }
        }

        using (var engine = StateLogEngine.Open(options))
        {
            var topic = engine.GetTopic("events");
            // Reading from each offset goes through the rebuilt sparse index.
            foreach (var offset in expected.Where(o => o % 17 == 0))
            {
                await foreach (var r in topic.ReadAsync(new ReadOptions { FromOffset = offset }))
                {
                    Assert.Equal(offset, r.Offset);
                    break;
                }
            }
        }

        var activeSegment = Path.GetFileNameWithoutExtension(Directory.GetFiles(folder, "*.log").Max());
        foreach (var index in indexes.Where(i => Path.GetFileNameWithoutExtension(i) != activeSegment))
        {
            // The active segment's indexes are written again at the next roll or clean close; sealed ones at open.
            Assert.True(File.Exists(index), $"{index} was not rebuilt");
            Assert.Equal(good[index], File.ReadAllBytes(index));
        }
    }

    [Fact]
    public void SecondOpen_OfTheSameDirectory_InThisProcess_FailsWithDataDirectoryLocked()
    {
        using var first = StateLogEngine.Open(Options());
        var e = Assert.Throws<DataDirectoryLockedException>(() => StateLogEngine.Open(Options()));
        Assert.Equal(Path.GetFullPath(_dir.Path), e.DataDirectory);
        Assert.Contains(Path.GetFullPath(_dir.Path), e.Message, StringComparison.Ordinal);
        first.Dispose();
        using var again = StateLogEngine.Open(Options());
    }

    [Fact]
    public async Task PartitionCount_IsRecorded_AndAnotherCountIsAClearError()
    {
        using (var engine = StateLogEngine.Open(Options()))
        {
            await engine.GetTopic("events", 4).PutAsync("k"u8.ToArray(), "v"u8.ToArray());
        }

        using (var engine = StateLogEngine.Open(Options()))
        {
            var e = Assert.Throws<TopicConfigurationMismatchException>(() => engine.GetTopic("events", 3));
            Assert.Equal(4, e.RecordedPartitions);
            Assert.Equal(3, e.RequestedPartitions);
            Assert.Equal(4, engine.GetTopic("events").PartitionCount);
        }
    }

    [Fact]
    public async Task CleanStop_WritesTheMarkerAndTheRecoveryPoint()
    {
        using (var engine = StateLogEngine.Open(Options()))
        {
            await engine.GetTopic("events").PutAsync("k"u8.ToArray(), "v"u8.ToArray());
        }

        Assert.True(File.Exists(_dir.Combine(StateLogEngine.CleanShutdownFileName)));
        Assert.Equal(["0", "1", "events 0 1"], File.ReadAllLines(_dir.Combine(StateLogEngine.RecoveryPointFileName)));
        using (StateLogEngine.Open(Options()))
        {
            Assert.False(File.Exists(_dir.Combine(StateLogEngine.CleanShutdownFileName)), "the marker must go while the engine is open");
        }
    }
}
