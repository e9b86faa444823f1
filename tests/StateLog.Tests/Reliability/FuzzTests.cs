using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using StateLog.Storage.Checkpoints;
using StateLog.Storage.Records;
using StateLog.Storage.Segments;
using StateLog.Tests.Reliability.Infrastructure;
using Xunit.Abstractions;

namespace StateLog.Tests.Reliability;

/// <summary>
/// D11: seeded in-process fuzzing of the on-disk readers with random and mutated inputs (mutations of valid batches,
/// half of them with the CRC fixed up so the record parser is reached). Codec-level readers may only signal bad bytes
/// with <see cref="InvalidDataException"/> (their callers turn it into <see cref="CorruptLogException"/>) or a null
/// result; opening a fuzzed folder may only recover cleanly (then reads work and Verify is clean) or throw
/// <see cref="CorruptLogException"/>. Anything else (IndexOutOfRange, Overflow, OutOfMemory...) fails with the seed.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(367680098)] // a record timestamp outside DateTimeOffset's range threw ArgumentOutOfRangeException on read
    [InlineData(1292411241)] // batches without timestamps (-1) leave "no timestamp" time-index entries that Verify must accept
    public async Task FolderRegressionSeeds(int seed) => await OpenFolderAsync(new Random(seed), BuildCorpus(), $"input seed {seed}");

    [Fact]
    public async Task FuzzedInputsOnlyEverGiveTypedErrorsOrCleanResults()
    {
        var master = Soak.MasterSeed();
        var random = new Random(master);
        var corpus = BuildCorpus();
        var counts = new Dictionary<string, int>();
        var accepted = new Dictionary<string, int>();
        void Run(string target, int iterations, Func<Random, bool> body)
        {
            for (var i = 0; i < iterations; i++)
            {
                var seed = random.Next();
                try
                {
                    if (body(new Random(seed)))
                    {
                        accepted[target] = accepted.GetValueOrDefault(target) + 1;
                    }
                }
                catch (Exception e) when (e is not InvalidDataException and not CorruptLogException)
                {
                    Assert.Fail($"D11 {target}: input seed {seed} (master {master}) threw {e}");
                }
                catch (Exception)
                {
                    // the typed signal for bad bytes
                }
            }

            counts[target] = iterations;
        }

        Run("record batch decoder", Soak.Scale(60_000, 5_000_000), r => DecodeBatch(Mutate(r, corpus)));
        Run("batch scanner", Soak.Scale(20_000, 1_000_000), r => Scan(r, Concat(r, corpus)));
        Run("index reader", Soak.Scale(15_000, 1_000_000), r => SegmentIndex.TryLoad(RandomBytes(r, 64), r.Next(2) == 0 ? 4 : 8, r.Next(1000), r.Next(5000)) is not null);
        Run("checkpoint reader", Soak.Scale(10_000, 1_000_000), r => ReadCheckpoint(r));
        var folders = Soak.Scale(2_000, 200_000);
        for (var i = 0; i < folders; i++)
        {
            var seed = random.Next();
            if (await OpenFolderAsync(new Random(seed), corpus, $"input seed {seed} (master {master})"))
            {
                accepted["folder open"] = accepted.GetValueOrDefault("folder open") + 1;
            }
        }

        counts["folder open"] = folders;
        output.WriteLine($"D11 fuzzing: master seed {master}, {counts.Values.Sum()} inputs: {string.Join(", ", counts.Select(c => $"{c.Key} {c.Value} ({accepted.GetValueOrDefault(c.Key)} accepted)"))}; unexpected exceptions 0");
    }

    private static List<byte[]> BuildCorpus()
    {
        var corpus = new List<byte[]>();
        var random = new Random(5);
        using var builder = new RecordBatchBuilder();
        var offset = 0L;
        for (var b = 0; b < 20; b++)
        {
            builder.Reset(offset, 1_700_000_000_000 + b);
            var records = random.Next(1, 6);
            for (var i = 0; i < records; i++)
            {
                var tombstone = random.Next(4) == 0;
                builder.Append(offset++, 1_700_000_000_000 + b + i, Encoding.UTF8.GetBytes($"key{random.Next(10)}"), tombstone ? default : RandomBytes(random, 40), tombstone);
            }

            corpus.Add(builder.Finish().ToArray());
        }

        return corpus;
    }

    private static byte[] RandomBytes(Random random, int max)
    {
        var bytes = new byte[random.Next(max + 1)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>A corpus batch with random bit flips, byte overwrites, truncation or growth; half get a fixed-up CRC.</summary>
    private static byte[] Mutate(Random random, List<byte[]> corpus)
    {
        if (random.Next(10) == 0)
        {
            return RandomBytes(random, 200);
        }

        var bytes = corpus[random.Next(corpus.Count)].ToList();
        for (var m = random.Next(1, 5); m > 0 && bytes.Count > 0; m--)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0: bytes[at] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[at] = (byte)random.Next(256); break;
                case 2: bytes.RemoveRange(at, random.Next(1, Math.Min(8, bytes.Count - at) + 1)); break;
                case 3: bytes.InsertRange(at, RandomBytes(random, 8)); break;
                default: bytes[at] = random.Next(2) == 0 ? (byte)0xFF : (byte)0x7F; break;
            }
        }

        var result = bytes.ToArray();
        if (random.Next(2) == 0 && result.Length >= BatchLayout.HeaderSize)
        {
            BinaryPrimitives.WriteInt32BigEndian(result.AsSpan(BatchLayout.Length), result.Length - BatchLayout.LogOverhead);
            BinaryPrimitives.WriteUInt32BigEndian(result.AsSpan(BatchLayout.Crc), Crc32C.Compute(result.AsSpan(BatchLayout.Attributes)));
        }

        return result;
    }

    private static byte[] Concat(Random random, List<byte[]> corpus) =>
        Enumerable.Range(0, random.Next(1, 5)).SelectMany(_ => Mutate(random, corpus)).ToArray();

    private static bool DecodeBatch(byte[] bytes)
    {
        var batch = new RecordBatch(bytes);
        batch.Validate();
        foreach (var record in batch)
        {
            _ = record.Key.Length + record.Value.Length;
        }

        return true;
    }

    private static bool Scan(Random random, byte[] bytes)
    {
        var disk = new MemStorage("/f");
        disk.WriteAll("/f/x.log", bytes);
        using var file = disk.Open("/f/x.log", create: false);
        using var scanner = new BatchScanner(file, 0, file.Length, 4096);
        var verify = random.Next(2) == 0;
        ScanResult result;
        while ((result = scanner.Next(verify)) == ScanResult.Batch)
        {
            _ = scanner.Current.Length;
        }

        return result == ScanResult.End;
    }

    private static bool ReadCheckpoint(Random random)
    {
        var disk = new MemStorage("/f");
        var text = random.Next(2) == 0 ? RandomBytes(random, 80) : Encoding.UTF8.GetBytes($"0\n{random.Next(-1, 4)}\norders {random.Next(-2, 3)} {random.NextInt64(-5, long.MaxValue)}\n{new string('9', random.Next(25))}\n");
        disk.WriteAll("/f/cp", text);
        return OffsetCheckpoint.Read(disk, "/f/cp").Count > 0 | CheckpointFile.Read(disk, "/f/cp") is not null;
    }

    /// <summary>A folder of one partition whose segment, index and checkpoints come from the fuzzer.</summary>
    private static async Task<bool> OpenFolderAsync(Random random, List<byte[]> corpus, string what)
    {
        var disk = new MemStorage(SimulatedDisk.Root);
        var data = SimulatedDisk.DataDirectory;
        disk.CreateDirectory(data + "/orders-0");
        disk.WriteAll(data + "/topic-partitions", Encoding.UTF8.GetBytes(random.Next(5) == 0 ? "0\n1\norders 7\n" : "0\n1\norders 1\n"));
        disk.WriteAll(data + "/recovery-point-offset-checkpoint", Encoding.UTF8.GetBytes($"0\n1\norders 0 {random.Next(-1, 200)}\n"));
        var segments = random.Next(1, 3);
        for (var s = 0; s < segments; s++)
        {
            var baseOffset = s * random.Next(0, 60);
            disk.WriteAll(SegmentFiles.Log(data + "/orders-0", baseOffset), Concat(random, corpus));
            disk.WriteAll(SegmentFiles.Index(data + "/orders-0", baseOffset), RandomBytes(random, 32));
        }

        disk.SyncDirectory(data);
        try
        {
            using var engine = new SimulatedDisk(disk).Open();
            var topic = engine.GetTopic("orders");
            var records = await GoldenLog.RecordsAsync(topic);
            foreach (var key in records.Select(r => r.Key).Distinct())
            {
                await topic.GetAsync(Encoding.UTF8.GetBytes(key));
            }

            var report = engine.Verify();
            Assert.True(report.IsClean, $"D11 folder open, {what}: recovered but Verify says {report}");
            return true;
        }
        catch (CorruptLogException)
        {
            return false;
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"D11 folder open, {what}: threw {e}");
            throw;
        }
    }
}
