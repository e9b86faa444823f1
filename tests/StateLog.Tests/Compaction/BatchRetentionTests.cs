using System;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Compaction;
using StateLog.Storage;
using StateLog.Storage.Records;

namespace StateLog.Tests.Compaction;

/// <summary>Reference §5, batch-level retention and buffers (behaviours 14, 20 as adapted, 21–24).</summary>
public sealed class BatchRetentionTests : IDisposable
{
    private readonly CompactionHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task Clean_LastBatchBeforeUncleanable_KeptAsEmptyHeader()
    {
        await _h.FillSegments(4, i => ($"k{i}", "v"));
        var segments = _h.Log.Segments;
        var upper = segments[2].NextOffset;
        var map = new OffsetMap(1000);
        foreach (var r in _h.Read().Where(r => r.Offset < upper))
        {
            map.Put(KeyIndex.Hash(CompactionHarness.B(r.Key).Span), r.Offset + 1000); // every key superseded
        }

        using var cleaner = new Cleaner(new Throttler(null, _h.Time));
        cleaner.CleanSegments(_h.Log, segments[..3], map, _h.NowMs, upper);

        Assert.Equal(2, _h.Log.Segments.Length);
        var batch = new RecordBatch(Assert.Single(CompactionHarness.Batches(_h.Log.Segments[0])));
        Assert.Equal(0, batch.RecordsCount);
        Assert.Equal(segments[3].BaseOffset - 1, batch.LastOffset);
        Assert.Equal(-1, batch.BaseTimestamp);
        Assert.Equal(segments[3].BaseOffset, _h.Read()[0].Offset);
    }

    [Fact]
    public async Task Clean_EmptiedGroups_KeepLastBatchHeader_AndMergeLater()
    {
        await _h.FillSegments(3, i => ("same", $"v{i}"));
        _h.Log.Roll();
        var before = _h.Log.Segments;
        Assert.Equal(4, before.Length);

        _h.CleanAll();

        // Deliberate deviation from reference §5.20: where Kafka leaves a zero-byte segment, StateLog keeps the
        // group's last batch as a 61-byte header, so an interrupted swap of that segment names the range it replaces.
        Assert.Equal(4, _h.Log.Segments.Length); // each closed segment was its own group (two never fit one 1 KiB segment)
        var header = new RecordBatch(Assert.Single(CompactionHarness.Batches(_h.Log.Segments[0])));
        Assert.Equal(0, header.RecordsCount);
        Assert.Equal(before[1].BaseOffset - 1, header.LastOffset);
        Assert.Equal(["same"], _h.Read().Select(r => r.Key));

        _h.CleanAll(); // the small leftovers now fit one group
        Assert.Equal(2, _h.Log.Segments.Length);
        Assert.Equal(0, _h.Log.Segments[0].BaseOffset);
        Assert.Equal(["same"], _h.Read().Select(r => r.Key));
    }

    [Fact]
    public async Task Clean_StaleCleanedFileReplaced_NewSegmentTrimmed()
    {
        await _h.FillSegments(3, i => ($"k{i % 2}", $"v{i}"));
        var stale = _h.Log.Segments[0].LogPath + ".cleaned";
        System.IO.File.WriteAllBytes(stale, new byte[8192]); // left by an aborted pass

        _h.CleanAll();

        var segment = _h.Log.Segments[0];
        Assert.Equal(segment.Size, new System.IO.FileInfo(segment.LogPath).Length);
        Assert.True(segment.Size < 1024);
        Assert.False(System.IO.File.Exists(stale));
        Assert.Equal(2, _h.Read().Count(r => r.Offset < _h.Log.ActiveSegment.BaseOffset));
    }

    [Fact]
    public async Task Clean_BatchLargerThanReadBuffer_Succeeds()
    {
        using var h = new CompactionHarness(o =>
        {
            o.SegmentBytes = 8L * 1024 * 1024;
            o.MaxRecordBytes = 2 * 1024 * 1024;
        });
        var big = new string('x', 600 * 1024);
        for (var i = 0; i < 6; i++)
        {
            await h.Put($"k{i % 2}", big + i);
        }

        await h.Topic.CompactAsync();

        Assert.Equal(["k0", "k1"], h.Read().Select(r => r.Key));
        Assert.EndsWith("5", h.Read().Last().Value);
    }

    [Fact]
    public async Task Clean_RecordLargerThanLoweredMaxRecordBytes_Succeeds()
    {
        var dir = new TempDirectory();
        var maxRecord = 1024 * 1024;
        using var h = new CompactionHarness(o =>
        {
            o.SegmentBytes = 8L * 1024 * 1024;
            o.MaxRecordBytes = maxRecord;
        }, directory: dir);
        var big = new string('y', 900 * 1024);
        for (var i = 0; i < 4; i++)
        {
            await h.Put($"k{i % 2}", big + i);
        }

        h.Log.Roll();
        maxRecord = 512 * 1024;
        h.Reopen();
        Assert.Equal(512 * 1024, h.Log.Config.MaxRecordBytes);

        await h.Topic.CompactAsync();

        Assert.Equal([2L, 3L], h.Read().Select(r => r.Offset));
    }

    [Fact]
    public async Task Clean_CorruptBatchHeader_ThrowsCorruptLogException()
    {
        await _h.FillSegments(3, i => ($"k{i % 3}", "v"));
        var segment = _h.Log.Segments[0];
        CompactionHarness.Overwrite(segment.LogPath, BatchLayout.Magic, [0xFF]);

        var e = Assert.Throws<CorruptLogException>(() => _h.CleanAll());
        Assert.Equal(segment.LogPath, e.File);
        Assert.Equal(0, e.Position);
    }

    [Fact]
    public async Task Clean_TruncatedSegment_ThrowsCorruptLogException()
    {
        await _h.FillSegments(3, i => ($"k{i % 3}", "v"));
        var segment = _h.Log.Segments[0];
        CompactionHarness.Truncate(segment.LogPath, segment.Size / 2);

        var e = Assert.Throws<CorruptLogException>(() => _h.CleanAll());
        Assert.Contains("cut short", e.Reason);
    }
}
