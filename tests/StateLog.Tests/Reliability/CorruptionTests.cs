using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using StateLog.Tests.Reliability.Infrastructure;
using Xunit.Abstractions;

namespace StateLog.Tests.Reliability;

/// <summary>
/// D5 (torn tails and truncation at every byte) and D6 (a bit flip in every byte of every file kind). Allowed
/// outcomes: a clean recovery that returns exactly the golden data (or its longest valid prefix, for a tail that was
/// never checkpointed durable), or a typed error (<see cref="CorruptLogException"/>; for the untyped checkpoint files
/// also <see cref="TopicConfigurationMismatchException"/>). Silent wrong data and any other exception fail the test.
/// </summary>
public sealed class CorruptionTests(ITestOutputHelper output)
{
    private enum Outcome
    {
        Golden,
        Prefix,
        TypedError,
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TruncatingTheLastSegmentAtEveryByteRecoversTheLongestValidPrefix(bool closeCleanly)
    {
        var golden = await GoldenLog.BuildAsync(60, closeCleanly);
        var (path, bytes) = LastSegment(golden);
        var ends = GoldenLog.BatchEnds(bytes);
        var firstInTail = golden.Records.Count - ends.Count;
        var outcomes = new Dictionary<Outcome, int>();
        for (var cut = 0; cut <= bytes.Length; cut++)
        {
            var whole = ends.Count(e => e <= cut);
            var expected = golden.Records.Take(firstInTail + whole).ToList();
            var outcome = await CheckAsync(golden, golden.With(path, bytes[..cut]), expected, $"truncated at byte {cut} of {path}", allowTyped: false);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine($"D5a truncation sweep ({(closeCleanly ? "after a clean close" : "after a kill")}): {bytes.Length + 1} byte positions of the last segment, outcomes {Describe(outcomes)}, silent wrong data 0, unexpected exceptions 0");
    }

    [Fact]
    public async Task GarbageAndZerosAfterTheTailAreCutAway()
    {
        var golden = await GoldenLog.BuildAsync(60, closeCleanly: false);
        var (path, bytes) = LastSegment(golden);
        var random = new Random(11);
        var cases = 0;
        for (var i = 0; i < 100; i++)
        {
            var junk = new byte[random.Next(1, 1025)];
            random.NextBytes(junk);
            await CheckAsync(golden, golden.With(path, [.. bytes, .. junk]), golden.Records, $"{junk.Length} junk bytes appended", allowTyped: false);
            var indexPath = path.Replace(".log", ".index", StringComparison.Ordinal);
            await CheckAsync(golden, golden.With(indexPath, junk), golden.Records, $"{junk.Length} junk bytes as the active index", allowTyped: false);
            cases += 2;
        }

        for (var zeros = 1024; zeros <= 8192; zeros += 1024)
        {
            await CheckAsync(golden, golden.With(path, [.. bytes, .. new byte[zeros]]), golden.Records, $"{zeros} zero bytes appended", allowTyped: false);
            cases++;
        }

        var ends = GoldenLog.BatchEnds(bytes);
        var lastStart = ends.Count > 1 ? (int)ends[^2] : 0;
        await CheckAsync(golden, golden.With(path, [.. bytes, .. bytes[lastStart..^3]]), golden.Records, "a partial copy of the last batch appended", allowTyped: false);
        output.WriteLine($"D5b-d garbage, zero-fill and partial-duplicate tails: {cases + 1} cases, all recovered to the golden log");
    }

    [Fact]
    public async Task TruncatingASealedSegmentIsATypedErrorAndDamagedIndexesAreRebuilt()
    {
        var golden = await GoldenLog.BuildAsync(60, closeCleanly: true);
        var logs = golden.Disk.AllFiles().Where(f => f.EndsWith(".log", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var outcomes = new Dictionary<Outcome, int>();
        var sealedPath = logs[0];
        var sealedBytes = golden.Disk.ReadAll(sealedPath);
        var boundaries = GoldenLog.BatchEnds(sealedBytes).ToHashSet();
        var gaps = 0;
        for (var cut = 0; cut < sealedBytes.Length; cut++)
        {
            if (boundaries.Contains(cut) || cut == 0)
            {
                // A sealed segment cut exactly at a batch boundary reads as a cleaned-away gap: detecting it needs a
                // durable record of each sealed segment's end (reported in docs/reliability.md as an open limitation).
                gaps++;
                continue;
            }

            var outcome = await CheckAsync(golden, golden.With(sealedPath, sealedBytes[..cut]), golden.Records, $"sealed segment truncated at byte {cut}", allowTyped: true);
            Assert.True(outcome == Outcome.TypedError, $"truncating the sealed segment {sealedPath} at byte {cut} was not reported");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        var index = golden.Disk.AllFiles().First(f => f.EndsWith(".index", StringComparison.Ordinal));
        var indexBytes = golden.Disk.ReadAll(index);
        for (var cut = 0; cut < indexBytes.Length; cut++)
        {
            var outcome = await CheckAsync(golden, golden.With(index, indexBytes[..cut]), golden.Records, $"index truncated at byte {cut}", allowTyped: false);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        await CheckAsync(golden, golden.With(index, "  "u8.ToArray()), golden.Records, "index overwritten with two spaces", allowTyped: false);
        output.WriteLine($"D5e sealed-segment and index truncation: {sealedBytes.Length - gaps} sealed-segment positions (all typed errors), {gaps} batch-boundary positions not checked (open limitation), {indexBytes.Length + 1} index positions (all rebuilt); outcomes {Describe(outcomes)}");
    }

    [Fact]
    public async Task FlippingABitInEveryByteOfEveryFileKindNeverGivesSilentWrongData()
    {
        var golden = await GoldenLog.BuildAsync(80, closeCleanly: true);
        var master = Soak.MasterSeed();
        var random = new Random(master);
        var byKind = new Dictionary<string, Dictionary<Outcome, int>>();
        var lastLog = LastSegment(golden).Path;
        foreach (var file in golden.Disk.AllFiles().Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            var kind = System.IO.Path.GetExtension(file) is { Length: > 0 } ext ? ext : System.IO.Path.GetFileName(file);
            var outcomes = byKind.TryGetValue(kind, out var o) ? o : byKind[kind] = new Dictionary<Outcome, int>();
            var bytes = golden.Disk.ReadAll(file);
            for (var i = 0; i < bytes.Length; i++)
            {
                var bit = random.Next(8);
                var damaged = bytes.ToArray();
                damaged[i] ^= (byte)(1 << bit);
                var outcome = await CheckAsync(golden, golden.With(file, damaged), golden.Records, $"bit {bit} of byte {i} of {file} flipped (master seed {master})", allowTyped: true, allowPrefix: file == lastLog);
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
            }
        }

        var total = byKind.Values.Sum(o => o.Values.Sum());
        output.WriteLine($"D6 bit flips: master seed {master}, {total} flips; by file kind: {string.Join("; ", byKind.Select(k => $"{k.Key} {Describe(k.Value)}"))}; silent wrong data 0, unexpected exceptions 0");
    }

    private static (string Path, byte[] Bytes) LastSegment(GoldenLog golden)
    {
        var path = golden.Disk.AllFiles().Where(f => f.EndsWith(".log", StringComparison.Ordinal)).Max(StringComparer.Ordinal)!;
        return (path, golden.Disk.ReadAll(path));
    }

    private static string Describe(Dictionary<Outcome, int> outcomes) => string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"));

    /// <summary>Opens a damaged disk and classifies what happened; fails the test on silent wrong data or an unexpected exception.</summary>
    /// <param name="golden">The log before the damage.</param>
    /// <param name="damaged">The damaged disk.</param>
    /// <param name="expected">What must be read back after a clean recovery.</param>
    /// <param name="what">The damage, for messages.</param>
    /// <param name="allowTyped">Whether a typed error is an acceptable outcome.</param>
    /// <param name="allowPrefix">Whether a shorter log (a prefix of <paramref name="expected"/>) is: Kafka's point-in-time recovery of the last segment.</param>
    private static async Task<Outcome> CheckAsync(GoldenLog golden, MemStorage damaged, IReadOnlyList<ModelRecord> expected, string what, bool allowTyped, bool allowPrefix = false)
    {
        var machine = new SimulatedDisk(damaged);
        try
        {
            using var engine = machine.Open();
            var topic = engine.GetTopic(GoldenLog.Topic, 1);
            var records = await GoldenLog.RecordsAsync(topic);
            if (allowPrefix && records.Count < expected.Count && records.SequenceEqual(expected.Take(records.Count)))
            {
                expected = expected.Take(records.Count).ToList();
            }

            var latest = await golden.LatestAsync(topic);
            var expectedLatest = expected.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Last().Value);
            foreach (var (key, value) in latest)
            {
                Assert.True(expectedLatest.GetValueOrDefault(key) == value, $"{what}: silent wrong data: the latest value of '{key}' is '{value}', expected '{expectedLatest.GetValueOrDefault(key)}'");
            }

            Assert.True(records.SequenceEqual(expected), $"{what}: silent wrong data: read {records.Count} records, expected {expected.Count}; first difference at {Enumerable.Range(0, Math.Min(records.Count, expected.Count)).FirstOrDefault(i => records[i] != expected[i], Math.Min(records.Count, expected.Count))}");

            var report = engine.Verify();
            Assert.True(report.IsClean, $"{what}: Verify after recovery: {report}");
            var next = await topic.PutAsync("next"u8.ToArray(), "value"u8.ToArray());
            Assert.Equal(expected.Count == 0 ? 0 : expected[^1].Offset + 1, next.Offset);
            return expected.Count == golden.Records.Count ? Outcome.Golden : Outcome.Prefix;
        }
        catch (Exception e) when (allowTyped && e is CorruptLogException or TopicConfigurationMismatchException)
        {
            return Outcome.TypedError;
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{what}: {e.GetType().Name} is neither a clean recovery nor a typed error: {e}");
            throw;
        }
    }
}
