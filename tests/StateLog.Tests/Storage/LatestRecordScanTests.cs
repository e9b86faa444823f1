using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace StateLog.Tests.Storage;

/// <summary>The full scan's paths that the scan tests elsewhere reach only in part.</summary>
public sealed class LatestRecordScanTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task GetAllAsync_ManyRecordsAppendedAfterItStarts_KeepsOnlyTheLatestOfEachKey_InOrder()
    {
        using var engine = StateLogEngine.Open(new StateLogOptions { DataDirectory = _dir.Path, Durability = Durability.Buffered, EnableCleaner = false });
        var topic = engine.GetTopic("scan", 1);
        for (var k = 0; k < 100; k++)
        {
            await topic.PutAsync(B($"key-{k}"), B("before"));
        }

        var before = topic.PartitionLogs[0].LogEndOffset;

        // More than one group of records judged by the key index under one lock hold (256), in one batch: keys
        // written several times, new keys, and tombstones, so the appended part keeps only some of its records.
        var appended = new List<(string Key, string? Value)>();
        for (var i = 0; i < 700; i++)
        {
            var key = $"key-{(i * 7) % 160}";
            appended.Add((key, i % 9 == 0 ? null : $"after-{i}"));
        }

        var records = new List<LogRecord>();
        await foreach (var record in topic.GetAllAsync())
        {
            if (records.Count == 0)
            {
                await topic.AppendBatchAsync(appended.Select(a => ((ReadOnlyMemory<byte>)B(a.Key), a.Value is null ? (ReadOnlyMemory<byte>?)null : B(a.Value))).ToArray());
            }

            records.Add(record);
        }

        Assert.Equal(Enumerable.Range(0, 100).Select(k => $"key-{k}=before"), records.Where(r => r.Offset < before).Select(Describe));
        var latest = appended.Select((a, i) => (a.Key, a.Value, Offset: before + i)).GroupBy(a => a.Key).Select(g => g.Last()).Where(a => a.Value is not null);
        Assert.Equal(latest.OrderBy(a => a.Offset).Select(a => $"{a.Offset}:{a.Key}={a.Value}"), records.Where(r => r.Offset >= before).Select(r => $"{r.Offset}:{Describe(r)}"));
    }

    private static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    private static string Describe(LogRecord r) => $"{Encoding.UTF8.GetString(r.Key.Span)}={Encoding.UTF8.GetString(r.Value!.Value.Span)}";
}
