using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace StateLog.Tests.Storage;

public sealed class AppendReadTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // No background cleaner: these tests read back every record that was written.
    private StateLogOptions Options(Action<StateLogOptions>? configure = null)
    {
        var o = new StateLogOptions { DataDirectory = _dir.Path, SegmentBytes = 4096, MaxRecordBytes = 1024, Durability = Durability.Buffered, EnableCleaner = false };
        configure?.Invoke(o);
        return o;
    }

    private static ReadOnlyMemory<byte> B(string s) => Encoding.UTF8.GetBytes(s);

    private static async Task<List<LogRecord>> ReadAll(TopicLog topic, ReadOptions? options = null)
    {
        var list = new List<LogRecord>();
        await foreach (var r in topic.ReadAsync(options))
        {
            list.Add(r);
        }

        return list;
    }

    [Fact]
    public async Task Append_Read_Reopen_AcrossSegmentsAndPartitions()
    {
        var expected = new List<(int Partition, long Offset, string Key, string? Value)>();
        using (var engine = StateLogEngine.Open(Options()))
        {
            var topic = engine.GetTopic("orders", 3);
            for (var i = 0; i < 600; i++)
            {
                var key = $"key-{i % 50}";
                string? value = i % 7 == 0 ? null : $"value-{i}";
                var position = value is null ? await topic.DeleteAsync(B(key)) : await topic.PutAsync(B(key), B(value));
                Assert.Equal("orders", position.Topic);
                Assert.Equal(topic.PartitionFor(B(key).Span), position.Partition);
                expected.Add((position.Partition, position.Offset, key, value));
            }

            var stats = topic.GetStats();
            Assert.All(stats.Partitions, p => Assert.True(p.SegmentCount > 1, $"partition {p.Partition} has {p.SegmentCount} segment(s)"));
            await AssertContent(topic, expected);
        }

        using (var engine = StateLogEngine.Open(Options()))
        {
            Assert.Equal(["orders"], engine.TopicNames);
            var topic = engine.GetTopic("orders");
            Assert.Equal(3, topic.PartitionCount);
            await AssertContent(topic, expected);
            var next = await topic.PutAsync(B("key-1"), B("after-reopen"));
            Assert.Equal(expected.Where(e => e.Partition == next.Partition).Max(e => e.Offset) + 1, next.Offset);
            Assert.Equal("after-reopen", Encoding.UTF8.GetString((await topic.GetAsync(B("key-1")))!));
        }
    }

    private static async Task AssertContent(TopicLog topic, List<(int Partition, long Offset, string Key, string? Value)> expected)
    {
        var records = await ReadAll(topic);
        Assert.Equal(
            expected.OrderBy(e => e.Partition).ThenBy(e => e.Offset).Select(e => $"{e.Partition}/{e.Offset}/{e.Key}/{e.Value ?? "<null>"}"),
            records.Select(r => $"{r.Partition}/{r.Offset}/{Encoding.UTF8.GetString(r.Key.Span)}/{(r.Value is { } v ? Encoding.UTF8.GetString(v.Span) : "<null>")}"));
        foreach (var latest in expected.GroupBy(e => e.Key).Select(g => g.Last()))
        {
            var value = await topic.GetAsync(B(latest.Key));
            Assert.Equal(latest.Value, value is null ? null : Encoding.UTF8.GetString(value));
        }

        var from = expected.Where(e => e.Partition == 1).Select(e => e.Offset).OrderBy(o => o).Skip(40).First();
        var fromRead = await ReadAll(topic, new ReadOptions { Partition = 1, FromOffset = from });
        Assert.Equal(expected.Where(e => e.Partition == 1 && e.Offset >= from).Select(e => e.Offset).Order(), fromRead.Select(r => r.Offset));
    }

    [Fact]
    public async Task ReadsFromEveryOffset_AcrossBatchesLargerThanAReadChunk_MissNothing()
    {
        // 1,000-byte values appended 500 at a time make batches of about 0.5 MiB, larger than a read chunk, so
        // reading from an offset inside a batch starts at an earlier batch that must not use up the chunk.
        using var engine = StateLogEngine.Open(Options(o =>
        {
            o.SegmentBytes = 8L * 1024 * 1024;
            o.MaxRecordBytes = 4096;
        }));
        var topic = engine.GetTopic("large");
        var value = new byte[1000];
        const int total = 3000;
        for (var start = 0; start < total; start += 500)
        {
            await Task.WhenAll(Enumerable.Range(start, 500).Select(i => topic.PutAsync(B($"k{i % 1200}"), value).AsTask()));
        }

        Assert.Equal(total, (await ReadAll(topic)).Count);
        foreach (var from in new[] { 1L, 499, 500, 501, 1234, 2999 })
        {
            var read = await ReadAll(topic, new ReadOptions { FromOffset = from });
            Assert.Equal(Enumerable.Range((int)from, total - (int)from).Select(i => (long)i), read.Select(r => r.Offset));
        }

        var live = new List<LogRecord>();
        await foreach (var r in topic.GetAllAsync())
        {
            live.Add(r);
        }

        Assert.Equal(1200, live.Count);
    }
}
