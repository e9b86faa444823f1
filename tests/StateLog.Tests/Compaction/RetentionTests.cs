using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Storage.Records;

namespace StateLog.Tests.Compaction;

/// <summary>Reference §5, core retention rule (behaviours 1–5, 10).</summary>
public sealed class RetentionTests : IDisposable
{
    private readonly CompactionHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task SeedExample_CompactAsync_KeepsLatestPerUser_AtOriginalOffsets()
    {
        await _h.Put("user-1", "login");
        await _h.Put("user-2", "logout");
        await _h.Put("user-1", "update-profile");
        await _h.Put("user-3", "login");

        var result = await _h.Topic.CompactAsync();

        Assert.Equal(["1:user-2=logout", "2:user-1=update-profile", "3:user-3=login"], _h.Read().Select(r => r.ToString()));
        Assert.Equal(4, result.RecordsBefore);
        Assert.Equal(3, result.RecordsAfter);
        Assert.Equal(1, result.PartitionsCleaned);
        Assert.True(result.BytesAfter < result.BytesBefore);
        Assert.Equal("update-profile", System.Text.Encoding.UTF8.GetString((await _h.Topic.GetAsync(CompactionHarness.B("user-1")))!));
    }

    [Fact]
    public async Task Clean_PartialMap_RetainsLatestPerKey_OffsetsUnchanged()
    {
        foreach (var k in new[] { 0, 1, 0, 1, 0 })
        {
            await _h.Put(CompactionHarness.Num(k), CompactionHarness.Num(k));
        }

        _h.Log.Roll();
        var stats = _h.Clean(2, 5, maxMapEntries: 1);
        Assert.Equal(3, stats.EndOffset); // one past the last key the map took
        AssertKeysOffsets(["1", "0", "1", "0"], [1, 2, 3, 4]);
        _h.Clean(3, 5, maxMapEntries: 1);
        AssertKeysOffsets(["0", "1", "0"], [2, 3, 4]);
        _h.Clean(4, 5, maxMapEntries: 1);
        AssertKeysOffsets(["1", "0"], [3, 4]);
    }

    [Fact]
    public async Task Clean_Stats_CountRecordsAndBytesReadAndWritten()
    {
        foreach (var k in new[] { 0, 1, 0, 1, 0 })
        {
            await _h.Put(CompactionHarness.Num(k), CompactionHarness.Num(k));
        }

        _h.Log.Roll();
        var sizeBefore = _h.Log.Segments[0].Size;
        var stats = _h.Clean(2, 5, maxMapEntries: 3);

        Assert.Equal(5, stats.EndOffset);
        Assert.Equal(5, stats.RecordsRead);
        Assert.Equal(sizeBefore, stats.BytesRead);
        Assert.Equal(2, stats.RecordsWritten);
        Assert.Equal(_h.Log.Segments[0].Size, stats.BytesWritten);
        Assert.Equal(0, stats.InvalidRecords);
        AssertKeysOffsets(["1", "0"], [3, 4]);
    }

    [Fact]
    public async Task Clean_RemovesSupersededRecords_KeepsOthersByteExact()
    {
        await _h.FillSegments(4, i => (CompactionHarness.Num(i), CompactionHarness.Num(i)));
        var originalBatches = _h.Log.Segments.SelectMany(CompactionHarness.Batches).ToDictionary(b => new RecordBatch(b).BaseOffset);
        var superseded = new[] { 1, 3, 5, 7, 9 };
        foreach (var k in superseded)
        {
            await _h.Put(CompactionHarness.Num(k), "newer");
        }

        _h.Log.Roll();
        var bytesBefore = _h.Log.Segments[..^1].Sum(s => s.Size);
        var stats = _h.CleanAll();

        Assert.Equal(bytesBefore, stats.BytesRead);
        var records = _h.Read();
        Assert.All(superseded, k => Assert.Equal("newer", Assert.Single(records, r => r.Key == CompactionHarness.Num(k)).Value));
        foreach (var batch in _h.Log.Segments.SelectMany(CompactionHarness.Batches))
        {
            if (originalBatches.TryGetValue(new RecordBatch(batch).BaseOffset, out var original))
            {
                Assert.Equal(original, batch);
            }
        }
    }

    [Fact]
    public async Task Clean_DeletedKeysDisappear()
    {
        var n = 0;
        while (_h.Log.Segments.Length < 2)
        {
            await _h.Put(CompactionHarness.Num(n), CompactionHarness.Num(n));
            n++;
        }

        for (var k = 0; k < n; k += 2)
        {
            await _h.Put(CompactionHarness.Num(k), null);
        }

        for (var k = n; _h.Log.Segments.Length < 4; k++)
        {
            await _h.Put(CompactionHarness.Num(k), CompactionHarness.Num(k));
        }

        _h.CleanAll();

        var records = _h.Read();
        for (var k = 0; k < n; k += 2)
        {
            Assert.DoesNotContain(records, r => r.Key == CompactionHarness.Num(k) && r.Value is not null);
            Assert.Null(await _h.Topic.GetAsync(CompactionHarness.B(CompactionHarness.Num(k))));
        }
    }

    [Fact]
    public async Task Clean_UncleanableRegion_Untouched()
    {
        var i = 0;
        while (_h.Log.Segments.Length < 3)
        {
            await _h.Put(CompactionHarness.Num(i % 10), CompactionHarness.Num(i));
            i++;
        }

        var uncleanable = _h.Log.LogEndOffset + 1; // inside the third segment
        while (_h.Log.Segments.Length < 7)
        {
            await _h.Put(CompactionHarness.Num(i % 10), CompactionHarness.Num(i));
            i++;
        }

        var segments = _h.Log.Segments;
        var firstUntouched = segments.Last(s => s.BaseOffset <= uncleanable).BaseOffset;
        var before = _h.Read();
        var distinctBefore = segments.Take(2).Select(s => before.Count(r => r.Offset >= s.BaseOffset && r.Offset < s.NextOffset)).ToArray();

        _h.Clean(0, firstUntouched);

        var after = _h.Read();
        Assert.Equal(before.Where(r => r.Offset >= firstUntouched), after.Where(r => r.Offset >= firstUntouched));
        Assert.True(after.Count(r => r.Offset < firstUntouched) < distinctBefore.Sum());
        Assert.True(after.Where(r => r.Offset < firstUntouched).GroupBy(r => r.Key).All(g => g.Count() == 1));
    }

    [Fact]
    public async Task Clean_PurgesUnkeyedRecords_AndCountsThem()
    {
        _h.Recreate(
            (0, Enumerable.Range(0, 5).Select(o => ((long)o, (string?)null, (string?)$"v{o}"))),
            (5, Enumerable.Range(5, 5).Select(o => ((long)o, (string?)$"k{o}", (string?)$"v{o}"))),
            (10, [(10L, "k10", "v10")]));
        var keyedBytes = _h.Log.Segments[1].Size;

        var stats = _h.Clean(0, 10);

        Assert.Equal(5, stats.InvalidRecords);
        Assert.All(_h.Read(), r => Assert.StartsWith("k", r.Key));
        Assert.Equal(keyedBytes, _h.Log.Segments[..^1].Sum(s => s.Size));
    }

    private void AssertKeysOffsets(string[] keys, long[] offsets)
    {
        var records = _h.Read();
        Assert.Equal(keys, records.Select(r => r.Key));
        Assert.Equal(offsets, records.Select(r => r.Offset));
    }
}
