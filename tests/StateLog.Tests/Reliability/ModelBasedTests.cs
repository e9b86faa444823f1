using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using CsCheck;
using StateLog.Tests.Reliability.Infrastructure;
using Xunit.Abstractions;

namespace StateLog.Tests.Reliability;

/// <summary>
/// D8: CsCheck generates sequences of put, delete, roll, clean restart, <c>CompactAsync</c> and power loss (a random
/// <see cref="CrashMode"/>) against a dictionary-and-list model; after every step the latest value of every key, the
/// full scan and the log end offset must equal the model's (under Fsync a crash loses nothing acknowledged). A
/// failure shrinks to a minimal sequence and prints CsCheck's seed.
/// </summary>
public sealed class ModelBasedTests(ITestOutputHelper output)
{
    private const int Partitions = 2;

    private static readonly Gen<(int Kind, int Key, int Size)[]> Commands = Gen.Select(Gen.Int[0, 10], Gen.Int[0, 7], Gen.Int[0, 200]).Array[1, 60];

    [Fact]
    public async Task RandomCommandSequencesMatchTheModel()
    {
        long steps = 0, crashes = 0, sequences = 0, compactions = 0;
        await Commands.SampleAsync(
            async commands =>
            {
                var (s, c, k) = await RunAsync(commands);
                Interlocked.Add(ref steps, s);
                Interlocked.Add(ref compactions, k);
                Interlocked.Add(ref crashes, c);
                Interlocked.Increment(ref sequences);
            },
            writeLine: output.WriteLine,
            seed: Environment.GetEnvironmentVariable("STATELOG_CSCHECK_SEED"),
            iter: Soak.Scale(1500, 1_000_000),
            print: commands => string.Join(" ", commands.Select(c => $"{c.Kind}/{c.Key}/{c.Size}")));
        output.WriteLine($"D8 model-based: {sequences} sequences (including shrinking runs), {steps} steps, {crashes} power losses, {compactions} compactions, counterexamples 0");
    }

    /// <summary>Runs one sequence; throws on the first difference from the model. Returns (steps, crashes).</summary>
    private static async Task<(int Steps, int Crashes, int Compactions)> RunAsync((int Kind, int Key, int Size)[] commands)
    {
        var machine = new SimulatedDisk();
        var engine = machine.Open();
        var topic = engine.GetTopic("model", Partitions);
        var records = Enumerable.Range(0, Partitions).Select(_ => new List<(long Offset, string Key, string? Value)>()).ToArray();
        var crashes = 0;
        var compactions = 0;
        for (var step = 0; step < commands.Length; step++)
        {
            var (kind, keyIndex, size) = commands[step];
            var key = $"key{keyIndex}";
            var keyBytes = Encoding.UTF8.GetBytes(key);
            switch (kind)
            {
                case <= 4:
                    var value = $"{step}:" + new string('v', size);
                    var put = await topic.PutAsync(keyBytes, Encoding.UTF8.GetBytes(value));
                    records[put.Partition].Add((put.Offset, key, value));
                    break;
                case 5:
                    var delete = await topic.DeleteAsync(keyBytes);
                    records[delete.Partition].Add((delete.Offset, key, null));
                    break;
                case 6:
                    topic.PartitionLogs[topic.PartitionFor(keyBytes)].Roll();
                    break;
                case 7:
                    engine.Dispose();
                    engine = machine.Open();
                    topic = engine.GetTopic("model");
                    break;
                case 8:
                    await topic.CompactAsync();
                    compactions++;
                    break;
                default:
                    machine.PowerLoss((CrashMode)(size % Enum.GetValues<CrashMode>().Length), new Random(size));
                    engine = machine.Open();
                    topic = engine.GetTopic("model");
                    crashes++;
                    break;
            }

            await AssertMatchesAsync(topic, records, $"after step {step} ({kind}/{keyIndex}/{size})", compacted: compactions > 0);
        }

        Assert.True(engine.Verify().IsClean, engine.Verify().ToString());
        engine.Dispose();
        return (commands.Length, crashes, compactions);
    }

    /// <summary>
    /// Compares the log with the model. Once compaction has run, a record may be missing only if a newer record of
    /// its key exists (Kafka's rule; tombstones stay, the clock never passes their retention), and the model then
    /// adopts what survived.
    /// </summary>
    private static async Task AssertMatchesAsync(TopicLog topic, List<(long Offset, string Key, string? Value)>[] records, string where, bool compacted)
    {
        var scanned = Enumerable.Range(0, Partitions).Select(_ => new List<(long, string, string?)>()).ToArray();
        await foreach (var r in topic.ReadAsync())
        {
            scanned[r.Partition].Add((r.Offset, Encoding.UTF8.GetString(r.Key.Span), r.Value is { } v ? Encoding.UTF8.GetString(v.Span) : null));
        }

        var stats = topic.GetStats();
        for (var p = 0; p < Partitions; p++)
        {
            if (compacted)
            {
                var kept = scanned[p].ToHashSet();
                var newest = records[p].GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Max(r => r.Offset));
                Assert.True(kept.IsSubsetOf(records[p]), $"{where}: partition {p} holds a record the model never had");
                Assert.True(records[p].All(r => kept.Contains(r) || newest[r.Key] > r.Offset), $"{where}: partition {p} lost a record that no newer record of its key replaces");
                records[p].RemoveAll(r => !kept.Contains(r));
            }

            Assert.True(scanned[p].SequenceEqual(records[p]), $"{where}: partition {p} holds {scanned[p].Count} records, the model {records[p].Count}");
            Assert.Equal(records[p].Count == 0 ? 0 : records[p][^1].Offset + 1, stats.Partitions[p].LogEndOffset);
        }

        foreach (var latest in records.SelectMany(r => r).GroupBy(r => r.Key).Select(g => g.Last()))
        {
            var got = await topic.GetAsync(Encoding.UTF8.GetBytes(latest.Key));
            Assert.True((got is null ? null : Encoding.UTF8.GetString(got)) == latest.Value, $"{where}: GetAsync('{latest.Key}') differs from the model");
        }
    }
}
