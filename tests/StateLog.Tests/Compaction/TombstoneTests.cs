using System;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Compaction;
using StateLog.Storage.Records;

namespace StateLog.Tests.Compaction;

/// <summary>Reference §5, tombstones and the delete horizon (behaviours 12, 13) and DESIGN §4's idle-topic tombstone pass.</summary>
public sealed class TombstoneTests : IDisposable
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    private readonly CompactionHarness _h = new();

    public void Dispose() => _h.Dispose();

    private RecordBatch BatchAt(long offset, out byte[] bytes)
    {
        bytes = _h.Log.Segments.SelectMany(CompactionHarness.Batches).First(b => new RecordBatch(b).BaseOffset <= offset && new RecordBatch(b).LastOffset >= offset);
        return new RecordBatch(bytes);
    }

    [Fact]
    public async Task Clean_TombstoneSurvivesFirstPass_RegardlessOfItsTimestamp()
    {
        await _h.Put("k0", "v");
        _h.Log.Roll();
        _h.CleanAll();
        await _h.Put("k0", null); // the tombstone's own timestamp is long past by the time of the pass
        _h.Log.Roll();
        _h.Time.Advance(Retention * 3);

        _h.Clean(1, _h.Log.ActiveSegment.BaseOffset);

        var first = BatchAt(1, out _);
        Assert.Equal(1, first.LastOffset);
        Assert.Equal(["1:k0=null"], _h.Read().Select(r => r.ToString()));
        await _h.Put("k1", "v");
        _h.Log.Roll();
        _h.Clean(2, _h.Log.ActiveSegment.BaseOffset);
        Assert.Contains(_h.Read(), r => r.Key == "k0" && r.Value is null);
    }

    [Fact]
    public async Task Clean_TombstoneRemovedOnlyByLaterPassAfterHorizon()
    {
        await _h.Put("a", "1");
        await _h.Put("a", null);
        await _h.Put("b", "1");
        _h.Log.Roll();
        var passA = _h.NowMs;

        _h.CleanAll();
        var stamped = BatchAt(1, out _);
        Assert.True(stamped.HasDeleteHorizon);
        Assert.Equal(passA + (long)Retention.TotalMilliseconds, stamped.DeleteHorizon);
        var tombstone = _h.Read().Single(r => r.Key == "a");
        Assert.Null(tombstone.Value);
        Assert.Equal(passA, tombstone.Timestamp); // the record's timestamp is unchanged by the horizon re-basing

        _h.CleanAll(); // same clock: not removed early
        Assert.Contains(_h.Read(), r => r.Key == "a");

        _h.Time.Advance(Retention);
        var early = _h.CleanAll();
        Assert.Equal(1, early.TombstonesRemoved); // now >= horizon
        Assert.DoesNotContain(_h.Read(), r => r.Key == "a");
        Assert.Equal(["2:b=1"], _h.Read().Select(r => r.ToString()));
    }

    [Fact]
    public async Task Clean_TombstoneAtExactHorizonMinusOne_Retained()
    {
        await _h.Put("a", null);
        await _h.Put("b", "1");
        _h.Log.Roll();
        _h.CleanAll();
        _h.Time.Advance(Retention - TimeSpan.FromMilliseconds(1));
        _h.CleanAll();
        Assert.Contains(_h.Read(), r => r.Key == "a");
        _h.Time.Advance(TimeSpan.FromMilliseconds(1));
        _h.CleanAll();
        Assert.DoesNotContain(_h.Read(), r => r.Key == "a");
    }

    [Fact]
    public async Task Clean_NewerValueRemovesTombstoneAtOnce()
    {
        await _h.Put("a", "1");
        await _h.Put("a", null);
        await _h.Put("a", "2");
        _h.Log.Roll();

        var stats = _h.CleanAll();

        Assert.Equal(["2:a=2"], _h.Read().Select(r => r.ToString()));
        Assert.Equal(0, stats.TombstonesRemoved); // shadowed, not expired
    }

    [Fact]
    public async Task IdleTopic_DueTombstone_SchedulesPassByItself()
    {
        await _h.Put("a", "1");
        await _h.Put("a", null);
        await _h.Put("b", "1");
        await _h.Topic.CompactAsync();
        Assert.Contains(_h.Read(), r => r.Key == "a");

        // Nothing is dirty: Kafka's rule alone would never pick this partition again.
        Assert.Null(_h.Engine.Cleaner.GrabFilthiest());
        _h.Time.Advance(Retention);
        var choice = _h.Engine.Cleaner.GrabFilthiest();
        Assert.NotNull(choice);
        Assert.Equal(0, choice.Value.Range.CleanableBytes);

        Assert.True(_h.Engine.Cleaner.CleanFilthiest(default));
        Assert.Equal(["2:b=1"], _h.Read().Select(r => r.ToString()));
        Assert.Null(_h.Engine.Cleaner.GrabFilthiest());
    }

    [Fact]
    public async Task IdleTopic_BackgroundCleaner_RemovesDueTombstone()
    {
        using var h = new CompactionHarness(o =>
        {
            o.EnableCleaner = true;
            o.CleanerBackoff = TimeSpan.FromSeconds(1);
            o.MinCleanableDirtyRatio = 0.01;
        });
        await h.Put("a", "1");
        await h.Put("a", null);
        await h.Put("b", "1");
        h.Log.Roll();
        h.WaitUntil(() => h.Log.LastCleaned is not null, TimeSpan.FromSeconds(1), "the first pass stamps the tombstone");
        Assert.Contains(h.Read(), r => r.Key == "a" && r.Value is null);

        h.WaitUntil(() => !h.Read().Any(r => r.Key == "a"), TimeSpan.FromHours(1), "a later pass removes it");
        Assert.Equal(["2:b=1"], h.Read().Select(r => r.ToString()));
    }
}
