using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace StateLog.Tests.Storage;

/// <summary><see cref="TopicLog.AppendBatchAsync"/>: the same records, offsets and reads as one append per record, one round per partition.</summary>
public sealed class AppendBatchTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task OnePartition_KeepsOrderBetweenSingleAppends_AcrossSeveralBatches_AndReadsBack()
    {
        using var engine = StateLogEngine.Open(Options(Durability.Buffered));
        var topic = engine.GetTopic("batched", 1);
        var expected = new List<(byte[] Key, byte[]? Value)>();
        var before = topic.PutAsync(Key(-1), Value(-1, 10));
        expected.Add((Key(-1), Value(-1, 10)));

        // 3,000 records of about 1 KB: more than one RecordBatch (1 MiB each) in one call.
        var records = Enumerable.Range(0, 3000).Select(i => (Key: Key(i % 700), Value: i % 13 == 0 ? null : Value(i, 1000))).ToArray();
        var appended = topic.AppendBatchAsync(records.Select(r => ((ReadOnlyMemory<byte>)r.Key, r.Value is null ? (ReadOnlyMemory<byte>?)null : r.Value)).ToArray());
        expected.AddRange(records.Select(r => (r.Key, r.Value)));
        var after = topic.PutAsync(Key(-2), Value(-2, 10));
        expected.Add((Key(-2), Value(-2, 10)));

        Assert.Equal(0, (await before).Offset);
        await appended;
        Assert.Equal(records.Length + 1, (await after).Offset);

        var read = await TopicReads.ReadAllAsync(topic);
        Assert.Equal(Enumerable.Range(0, expected.Count).Select(i => (long)i), read.Select(r => r.Offset));
        Assert.Equal(expected.Select(e => Convert.ToHexString(e.Key) + "=" + (e.Value is null ? "null" : Convert.ToHexString(e.Value))), read.Select(r => Convert.ToHexString(r.Key.Span) + "=" + (r.Value is { } v ? Convert.ToHexString(v.Span) : "null")));
        var latest = records.Select((r, i) => (r, i)).GroupBy(x => Encoding.UTF8.GetString(x.r.Key)).Select(g => g.Last().r);
        foreach (var (key, value) in latest)
        {
            Assert.Equal(value, await topic.GetAsync(key));
        }
    }

    [Fact]
    public async Task SeveralPartitions_EachGetsItsShareInOrder()
    {
        using var engine = StateLogEngine.Open(Options(Durability.Buffered));
        var topic = engine.GetTopic("spread", 3);
        var records = Enumerable.Range(0, 900).Select(i => ((ReadOnlyMemory<byte>)Key(i % 200), (ReadOnlyMemory<byte>?)Value(i, 30))).ToArray();
        await topic.AppendBatchAsync(records);

        var read = await TopicReads.ReadAllAsync(topic);
        Assert.Equal(records.Length, read.Count);
        foreach (var partition in read.GroupBy(r => r.Partition))
        {
            var share = records.Where(r => topic.PartitionFor(r.Item1.Span) == partition.Key).ToArray();
            Assert.NotEmpty(share);
            Assert.Equal(Enumerable.Range(0, share.Length).Select(i => (long)i), partition.Select(r => r.Offset));
            Assert.Equal(share.Select(r => Convert.ToHexString(r.Item2!.Value.Span)), partition.Select(r => Convert.ToHexString(r.Value!.Value.Span)));
        }
    }

    [Fact]
    public async Task RecordsAndBytes_AreCopiedBeforeTheCallReturns()
    {
        using var engine = StateLogEngine.Open(Options(Durability.Buffered));
        var topic = engine.GetTopic("copied", 1);
        var value = new byte[50];
        var records = new (ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte>? Value)[1];
        var pending = new List<ValueTask>();
        for (var i = 0; i < 100; i++)
        {
            Array.Fill(value, (byte)i);
            records[0] = (Key(i), value);
            pending.Add(topic.AppendBatchAsync(records));
        }

        foreach (var p in pending)
        {
            await p;
        }

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(Enumerable.Repeat((byte)i, 50), await topic.GetAsync(Key(i)));
        }
    }

    [Fact]
    public async Task ATooLargeRecord_AppendsNothing_InAnyPartition()
    {
        using var engine = StateLogEngine.Open(Options(Durability.Buffered, maxRecordBytes: 1024));
        var topic = engine.GetTopic("limits", 2);
        var records = Enumerable.Range(0, 50).Select(i => ((ReadOnlyMemory<byte>)Key(i), (ReadOnlyMemory<byte>?)Value(i, i == 40 ? 2000 : 20))).ToArray();
        await Assert.ThrowsAsync<RecordTooLargeException>(() => topic.AppendBatchAsync(records).AsTask());
        await topic.AppendBatchAsync(records.AsSpan(0, 1));
        Assert.Equal(1, topic.GetStats().Partitions.Sum(p => p.LogEndOffset));
    }

    [Fact]
    public async Task UnderFsync_OneCall_IsOneFsync()
    {
        using var engine = StateLogEngine.Open(Options(Durability.Fsync));
        var topic = engine.GetTopic("durable", 1);
        await topic.PutAsync(Key(0), Value(0, 10));
        var fsyncs = topic.PartitionLogs[0].FsyncCount;
        await topic.AppendBatchAsync(Enumerable.Range(0, 2000).Select(i => ((ReadOnlyMemory<byte>)Key(i), (ReadOnlyMemory<byte>?)Value(i, 700))).ToArray());
        Assert.Equal(fsyncs + 1, topic.PartitionLogs[0].FsyncCount);
        Assert.Equal(2001, topic.GetStats().Partitions[0].LogEndOffset);
    }

    [Fact]
    public async Task Cancelled_AppendsNothing_AndEmpty_CompletesAtOnce()
    {
        using var engine = StateLogEngine.Open(Options(Durability.Buffered));
        var topic = engine.GetTopic("nothing", 1);
        var records = new[] { ((ReadOnlyMemory<byte>)Key(1), (ReadOnlyMemory<byte>?)Value(1, 5)) };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => topic.AppendBatchAsync(records, new CancellationToken(canceled: true)).AsTask());
        Assert.True(topic.AppendBatchAsync([]).IsCompletedSuccessfully);
        Assert.Equal(0, topic.GetStats().Partitions[0].LogEndOffset);
    }

    private static byte[] Key(int i) => Encoding.UTF8.GetBytes($"key-{i}");

    private static byte[] Value(int i, int length) => Enumerable.Range(0, length).Select(j => (byte)(i * 31 + j)).ToArray();

    private StateLogOptions Options(Durability durability, int maxRecordBytes = 1024 * 1024) =>
        new() { DataDirectory = _dir.Path, SegmentBytes = 64 * 1024 * 1024, MaxRecordBytes = maxRecordBytes, Durability = durability, EnableCleaner = false };
}
