using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace StateLog.Tests.Storage;

public sealed class GroupCommitTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task ConcurrentWriters_UnderFsync_AreEachReadBackOnce_WithFarFewerFsyncsThanAppends()
    {
        const int writers = 8, perWriter = 5000;
        var acknowledged = new ConcurrentBag<(string Key, int Partition, long Offset)>();
        long fsyncs;
        using (var engine = StateLogEngine.Open(new StateLogOptions { DataDirectory = _dir.Path, Durability = Durability.Fsync, SegmentBytes = 256 * 1024 }))
        {
            var topic = engine.GetTopic("events", 1);
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < perWriter; i++)
                {
                    var key = $"w{w}-{i}";
                    var position = await topic.PutAsync(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"value of {key}"));
                    acknowledged.Add((key, position.Partition, position.Offset));
                }
            })));
            fsyncs = topic.PartitionLogs.Sum(p => p.FsyncCount);
        }

        using (var engine = StateLogEngine.Open(new StateLogOptions { DataDirectory = _dir.Path }))
        {
            var topic = engine.GetTopic("events");
            var read = new List<LogRecord>();
            await foreach (var r in topic.ReadAsync())
            {
                read.Add(r);
            }

            Assert.Equal(writers * perWriter, read.Count);
            Assert.Equal(
                acknowledged.Select(a => $"{a.Partition}/{a.Offset}/{a.Key}").Order(StringComparer.Ordinal),
                read.Select(r => $"{r.Partition}/{r.Offset}/{Encoding.UTF8.GetString(r.Key.Span)}").Order(StringComparer.Ordinal));
            foreach (var partition in read.GroupBy(r => r.Partition))
            {
                var offsets = partition.Select(r => r.Offset).ToList();
                Assert.Equal(Enumerable.Range(0, offsets.Count).Select(i => (long)i), offsets);
            }
        }

        output.WriteLine($"{writers * perWriter} acknowledged appends, {fsyncs} fsyncs ({(double)fsyncs / (writers * perWriter):F3} per append)");
        Assert.True(fsyncs * 2 < writers * perWriter, $"group commit: {fsyncs} fsyncs for {writers * perWriter} appends");
    }
}
