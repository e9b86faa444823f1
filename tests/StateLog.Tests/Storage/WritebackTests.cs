using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using StateLog.Storage.IO;
using StateLog.Storage.Segments;

namespace StateLog.Tests.Storage;

/// <summary>
/// A segment asks the system to start writing back every <see cref="LogSegment.WritebackBytes"/> it writes, so a later
/// fsync has little left to do: the ranges follow each other from where the file's unstarted bytes begin, and end on a
/// page boundary <see cref="LogSegment.WritebackLagBytes"/> or more behind what was written.
/// </summary>
public sealed class WritebackTests : IDisposable
{
    private const int Mebibyte = 1024 * 1024;

    private readonly TempDirectory _dir = new();
    private readonly List<(string Path, long Position, long Count)> _writebacks = new();
    private readonly ObservedStorage _storage;

    public WritebackTests() => _storage = new ObservedStorage
    {
        Writeback = (path, position, count) =>
        {
            lock (_writebacks)
            {
                _writebacks.Add((path, position, count));
            }
        },
    };

    [Fact]
    public void Segment_StartsWritebackOfEachFourMebibytesItWrites_AndAfterACutFromTheCut()
    {
        var segment = LogSegment.Create(_storage, _dir.Path, 0, 4096);
        try
        {
            var offset = 0L;
            void Append(int megabytes)
            {
                // A "batch" the segment reads only the base offset of (its first 8 bytes).
                var batch = new byte[megabytes * Mebibyte];
                BinaryPrimitives.WriteInt64BigEndian(batch, offset);
                segment.Append(batch, offset + 9, 0);
                offset += 10;
            }

            Append(2);
            Append(2);
            Assert.Empty(_writebacks); // 4 MiB written: 3 MiB lie far enough behind the end
            Append(1);
            Assert.Equal([(segment.LogPath, 0L, 4L * Mebibyte)], _writebacks);

            // A cut (an append round undone) below the started range: the next range starts at the cut.
            segment.TruncateTo(1 * Mebibyte);
            Append(2);
            Append(2);
            Assert.Single(_writebacks);
            Append(2);
            Assert.Equal([(segment.LogPath, 0L, 4L * Mebibyte), (segment.LogPath, 1L * Mebibyte, 5L * Mebibyte)], _writebacks);
            Assert.Equal(7L * Mebibyte, segment.File.Length);
        }
        finally
        {
            segment.Retire(null);
        }
    }

    [Fact]
    public async Task BufferedAppends_StartWritebackAsTheyGo_AndTheFlushedLogReadsBack()
    {
        using (var engine = StateLogEngine.Open(Options(_storage)))
        {
            var log = engine.GetTopic("events", 1);
            await AppendMegabytes(log, 12);
            await log.FlushAsync();
            var path = Assert.Single(Directory.GetFiles(Path.Combine(_dir.Path, "events-0"), "*.log"));
            var ranges = _writebacks.Where(w => w.Path == path).ToArray();
            Assert.Equal(2, ranges.Length); // of the file's 12 MB
            Assert.Equal(0, ranges[0].Position);
            Assert.Equal(ranges[0].Position + ranges[0].Count, ranges[1].Position);
            Assert.All(ranges, r => Assert.InRange(r.Count, LogSegment.WritebackBytes, LogSegment.WritebackBytes + (2 * Mebibyte)));
            Assert.All(ranges, r => Assert.Equal(0, (r.Position + r.Count) % 4096));
            Assert.True(ranges[1].Position + ranges[1].Count <= new FileInfo(path).Length - LogSegment.WritebackLagBytes);
        }

        using (var engine = StateLogEngine.Open(Options(OsStorage.Instance)))
        {
            var log = engine.GetTopic("events");
            for (var i = 0; i < 1000; i += 97)
            {
                var read = await log.GetAsync(Encoding.UTF8.GetBytes($"k{i}"));
                Assert.Equal(11, read![0]);
            }
        }
    }

    [Fact]
    public async Task AWritebackThatFails_FailsTheNextFlush_NotTheAppends()
    {
        var failing = new ObservedStorage { Writeback = (_, _, _) => throw new IOException("sync_file_range failed: Input/output error (errno 5).") };
        using var engine = StateLogEngine.Open(Options(failing));
        var log = engine.GetTopic("events", 1);

        await AppendMegabytes(log, 8); // past the first writeback

        var e = await Assert.ThrowsAsync<PartitionFailedException>(async () => await log.FlushAsync());
        Assert.Contains("errno 5", e.InnerException!.Message);
        await Assert.ThrowsAsync<PartitionFailedException>(async () => await log.AppendBatchAsync([("k"u8.ToArray(), "v"u8.ToArray())]));
    }

    public void Dispose() => _dir.Dispose();

    private StateLogOptions Options(IStorage storage) => new() { DataDirectory = _dir.Path, Durability = Durability.Buffered, EnableCleaner = false, Storage = storage };

    /// <summary>Appends rounds of 1,000 records of 1,000 bytes (about 1 MB each); the value's first byte is the round.</summary>
    private static async Task AppendMegabytes(TopicLog log, int rounds)
    {
        var batch = new (ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte>? Value)[1000];
        for (var round = 0; round < rounds; round++)
        {
            for (var i = 0; i < batch.Length; i++)
            {
                var value = new byte[1000];
                value[0] = (byte)round;
                batch[i] = (Encoding.UTF8.GetBytes($"k{i}"), value);
            }

            await log.AppendBatchAsync(batch);
        }
    }
}
