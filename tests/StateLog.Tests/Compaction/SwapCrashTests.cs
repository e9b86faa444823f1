using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using StateLog.Storage.IO;
using StateLog.Tests.Reliability.Infrastructure;

namespace StateLog.Tests.Compaction;

/// <summary>
/// Reference §5.26/§5.28/§5.47 and acceptance point 3: a crash at each step of the swap protocol, then reopen: the
/// partition holds exactly the old segments or exactly the new one, no suffixed file is left, and every key's latest
/// value matches an in-memory model. The "crash" snapshots the data folder at the crash point (what a killed
/// process leaves on disk) and throws; the snapshot is then opened by a fresh engine.
/// </summary>
public sealed class SwapCrashTests
{
    /// <summary>Segments of about 3 KiB (rolled by the workload) in 64 KiB groups: every pass rewrites one group, one swap.</summary>
    private static readonly Action<StateLogOptions> Configure = o => o.SegmentBytes = 64 * 1024;

    public static TheoryData<string, bool> Points => new()
    {
        { "Cleaner.AfterCleanedWritten", false },
        { "Cleaner.SwapRenamePartial", false },
        { "Cleaner.AfterSwapRename", true },
        { "Cleaner.OldDeletedPartial", true },
        { "Cleaner.AfterOldDeleted", true },
        { "Cleaner.FinalRenamePartial", true },
        { "Cleaner.AfterFinalRename", true },
        { "Cleaner.AfterDirectorySync", true },
        { "Cleaner.AfterCheckpoint", true },
    };

    [Theory]
    [MemberData(nameof(Points))]
    public async Task Swap_CrashAtEachStep_RecoversExactlyOldOrNew(string point, bool expectNew)
    {
        using var source = new CompactionHarness(Configure);
        var model = await Workload(source);
        source.Engine.Dispose();

        List<CompactionHarness.Rec> before, after;
        using (var reference = new CompactionHarness(Configure, directory: CopyOf(source.Dir)))
        {
            before = reference.Read();
            Assert.True(reference.Log.Segments.Length > 4);
            Assert.True(reference.Log.Segments.Sum(s => s.Size) < 64 * 1024);
            await reference.Topic.CompactAsync();
            after = reference.Read();
        }

        Assert.NotEqual(before, after);
        var image = new TempDirectory();
        using (var crashing = new CompactionHarness(Configure, open: false, directory: CopyOf(source.Dir)))
        {
            crashing.Open(new CrashPoints(point, p =>
            {
                Copy(crashing.Dir.Path, image.Path);
                throw new SimulatedCrashException(p);
            }));
            var e = await Assert.ThrowsAsync<CompactionFailedException>(async () => await crashing.Topic.CompactAsync());
            Assert.True(e.Failures[0] is SimulatedCrashException || e.Failures[0].InnerException is SimulatedCrashException, e.Failures[0].ToString());
        }

        using var recovered = new CompactionHarness(Configure, directory: image);
        Assert.Equal(expectNew ? after : before, recovered.Read());
        await AssertRecoveredAndCleansOn(recovered, model, after);
    }

    /// <summary>
    /// A crash at a step of a swap during a pass that copies its groups on several threads (the harness's 1 KiB
    /// segments: a group each), while later groups' copies are being written: recovery leaves no suffixed file, every
    /// key reads its latest value, and the log cleans on to the state of an uninterrupted pass. The crash freezes the
    /// storage before the image is taken, so the copying threads change nothing after it, as in a killed process.
    /// </summary>
    [Theory]
    [InlineData("Cleaner.AfterSwapRename")]
    [InlineData("Cleaner.AfterOldDeleted")]
    [InlineData("Cleaner.AfterFinalRename")]
    public async Task ConcurrentCopies_CrashAtAStep_RecoversAndCleansOn(string point)
    {
        using var source = new CompactionHarness();
        var model = await Workload(source);
        source.Engine.Dispose();

        List<CompactionHarness.Rec> after;
        using (var reference = new CompactionHarness(directory: CopyOf(source.Dir)))
        {
            await reference.Topic.CompactAsync();
            after = reference.Read();
        }

        var image = new TempDirectory();
        var storage = new FaultStorage(OsStorage.Instance);
        using (var crashing = new CompactionHarness(o => o.Storage = storage, open: false, directory: CopyOf(source.Dir)))
        {
            crashing.Open(new CrashPoints(point, p =>
            {
                storage.FreezeAt(storage.Operations);
                Copy(crashing.Dir.Path, image.Path);
                throw new SimulatedCrashException(p);
            }));
            crashing.Engine.Cleaner.CopyThreads = 4;
            crashing.Engine.Cleaner.ConcurrentCopyMinBytes = 0;
            Assert.True(crashing.Log.Segments.Length > 8);
            var e = await Assert.ThrowsAsync<CompactionFailedException>(async () => await crashing.Topic.CompactAsync());
            Assert.True(e.Failures[0] is SimulatedCrashException || e.Failures[0].InnerException is SimulatedCrashException, e.Failures[0].ToString());
        }

        using var recovered = new CompactionHarness(directory: image);
        await AssertRecoveredAndCleansOn(recovered, model, after);
    }

    [Fact]
    public async Task Swap_Interrupted_StopsCleaningUntilReopen_ReadsAndWritesUnaffected()
    {
        using var h = new CompactionHarness(o => o.MinCleanableDirtyRatio = 0.01, open: false);
        h.Open(new CrashPoints("Cleaner.AfterOldDeleted", p => throw new IOException($"injected at {p}")));
        await h.FillSegments(3, i => ($"k{i % 3}", $"v{i}"));
        var before = h.Read();

        var e = await Assert.ThrowsAsync<CompactionFailedException>(async () => await h.Topic.CompactAsync());

        Assert.IsType<IOException>(e.Failures[0].InnerException);
        Assert.Equal(before, h.Read()); // the old segments are still open and published
        await h.Put("k0", "after");
        Assert.Equal("after", Encoding.UTF8.GetString((await h.Topic.GetAsync(CompactionHarness.B("k0")))!));
        Assert.Contains("until the engine is reopened", h.Log.LastCleaningOutcome);
        h.Log.Roll();
        h.Time.Advance(TimeSpan.FromDays(1));
        Assert.Null(h.Engine.Cleaner.GrabFilthiest());
        await Assert.ThrowsAsync<CompactionFailedException>(async () => await h.Topic.CompactAsync());

        h.Reopen();
        await h.Topic.CompactAsync();
        Assert.Equal(["k0", "k1", "k2"], h.Read().Select(r => r.Key).Order());
        Assert.Equal("k0", h.Read()[^1].Key);
        Assert.Equal("after", h.Read()[^1].Value);
    }

    [Fact]
    public async Task Swap_ReaderHoldingOldSegment_KeepsReadingUntilItLetsGo()
    {
        using var h = new CompactionHarness();
        await h.FillSegments(3, i => ($"k{i % 3}", $"v{i}"));
        var old = h.Log.Segments[0];
        Assert.True(old.TryAcquire());
        var oldBatches = CompactionHarness.Batches(old);

        await h.Topic.CompactAsync();

        Assert.DoesNotContain(old, h.Log.Segments);
        Assert.Equal(oldBatches, CompactionHarness.Batches(old)); // still readable, renamed .deleted
        Assert.Contains(Directory.EnumerateFiles(h.PartitionDirectory()), f => f.EndsWith(".log.deleted", StringComparison.Ordinal));
        h.Time.Advance(h.Options.FileDeleteDelay); // the delay passes while the reader still holds the segment
        Assert.Equal(oldBatches, CompactionHarness.Batches(old));
        Assert.Contains(Directory.EnumerateFiles(h.PartitionDirectory()), f => f.EndsWith(".log.deleted", StringComparison.Ordinal));
        old.Release();
        await h.UntilNoDeletedFiles(); // due already: deleted on a pool thread
    }

    [Fact]
    public async Task Recovery_RemovesLeftoverDeletedCleanedAndOrphanIndexFiles()
    {
        using var h = new CompactionHarness();
        await h.FillSegments(3, i => ($"k{i % 3}", $"v{i}"));
        var before = h.Read();
        h.Engine.Dispose();
        var dir = h.PartitionDirectory();
        File.WriteAllBytes(Path.Combine(dir, "00000000000000000000.log.deleted"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(dir, "00000000000000000000.log.cleaned"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(dir, "00000000000000099999.index"), [0, 0, 0, 0, 0, 0, 0, 0]);

        h.Open();

        Assert.Equal(before, h.Read());
        var files = Directory.EnumerateFiles(dir).Select(Path.GetFileName).ToList();
        Assert.DoesNotContain(files, f => f!.EndsWith(".deleted", StringComparison.Ordinal) || f.EndsWith(".cleaned", StringComparison.Ordinal));
        Assert.DoesNotContain("00000000000000099999.index", files);
    }

    /// <summary>
    /// No suffixed file is left, every key of <paramref name="model"/> reads its latest value, and the log cleans on to
    /// <paramref name="after"/>, the state of an uninterrupted pass.
    /// </summary>
    private static async Task AssertRecoveredAndCleansOn(CompactionHarness recovered, Dictionary<string, string?> model, List<CompactionHarness.Rec> after)
    {
        Assert.DoesNotContain(Directory.EnumerateFiles(recovered.PartitionDirectory()), f => f.EndsWith(".cleaned", StringComparison.Ordinal) || f.EndsWith(".swap", StringComparison.Ordinal) || f.EndsWith(".deleted", StringComparison.Ordinal));
        foreach (var (key, value) in model)
        {
            var actual = await recovered.Topic.GetAsync(CompactionHarness.B(key));
            Assert.Equal(value, actual is null ? null : Encoding.UTF8.GetString(actual));
        }

        await recovered.Topic.CompactAsync();
        Assert.Equal(after.Select(r => (r.Offset, r.Key, r.Value)), recovered.Read().Select(r => (r.Offset, r.Key, r.Value)));
    }

    /// <summary>Updates and deletes over 30 keys, a first pass (so a clean section with stamped tombstones exists), then more.</summary>
    private static async Task<Dictionary<string, string?>> Workload(CompactionHarness h)
    {
        var model = new Dictionary<string, string?>();
        var random = new Random(42);
        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 150; i++)
            {
                var key = $"key-{random.Next(30)}";
                string? value = random.Next(8) == 0 ? null : $"value-{round}-{i}";
                await h.Put(key, value);
                model[key] = value;
                if (i % 40 == 39)
                {
                    h.Log.Roll();
                }
            }

            h.Log.Roll();
            if (round == 0)
            {
                await h.Topic.CompactAsync();
            }
        }

        return model;
    }

    private static TempDirectory CopyOf(TempDirectory source)
    {
        var copy = new TempDirectory();
        Copy(source.Path, copy.Path);
        return copy;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from).Where(f => Path.GetFileName(f) != ".lock"))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            Copy(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
