using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StateLog.Storage;

namespace StateLog.Tests.Storage;

/// <summary>
/// Point reads probe the key index without its lock and prove what they find before using it
/// (<c>PartitionLog.TryReadUnlocked</c>). Here readers read while a writer appends new keys (the table grows under
/// them again and again), updates old ones, deletes and re-puts a doomed set, and compacts (segment swaps, and
/// tombstones past a zero retention removed from the table, which shifts other keys' slots back). Every read must
/// return its own key's value, never an older version than one acknowledged before the read or already seen, and
/// never nothing for a key that was written and never deleted: a torn probe used without its proof breaks one of these.
/// </summary>
public sealed class UnlockedReadTests : IDisposable
{
    private const int StableKeys = 3_000;
    private const int DoomedKeys = 2_000;
    private const int KeysPerRound = 150;
    private const int Rounds = 36; // three put-delete cycles of the doomed keys, 12 compactions

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task GetAsync_UnderGrowthUpdatesDeletesAndCompaction_ReturnsOnlyTheKeysOwnCurrentValue()
    {
        using var engine = StateLogEngine.Open(new StateLogOptions
        {
            DataDirectory = _dir.Path,
            SegmentBytes = 16 * 1024,
            MaxRecordBytes = 1024,
            Durability = Durability.Buffered,
            EnableCleaner = false,
            DeleteRetention = TimeSpan.Zero,
        });
        var topic = engine.GetTopic("torn", 1);

        // Per stable key: how many keys exist (readers pick among them) and each key's acknowledged version.
        var created = 0;
        var removals = 0;
        var acknowledged = new long[StableKeys];
        var anomalies = new ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();

        // The writer starts once both readers run: on a busy machine it could otherwise finish before they start.
        var readersWaiting = 2;
        var readersRunning = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var writer = Task.Run(async () =>
        {
            var batch = new List<(ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte>? Value)>();
            try
            {
                await readersRunning.Task;
                for (var round = 1L; round <= Rounds; round++)
                {
                    // New keys each round until all exist (the table grows while readers probe it), and updates of a
                    // few hundred old ones (slots rewritten under the readers).
                    batch.Clear();
                    var existing = Volatile.Read(ref created);
                    var grown = Math.Min(StableKeys, existing + KeysPerRound);
                    var updated = Enumerable.Range(existing, grown - existing)
                        .Concat(Enumerable.Range(0, 300).Select(i => (int)((round * 7919 + i * 104_729) % grown)))
                        .Distinct()
                        .ToArray();
                    batch.AddRange(updated.Select(k => ((ReadOnlyMemory<byte>)Key("stable", k), (ReadOnlyMemory<byte>?)Value("stable", k, round))));

                    // The doomed keys are put, then deleted for long enough that two compactions pass over their
                    // tombstones (the first sets the delete horizon, the second removes them from the table).
                    if (round % 12 is 0 or 6)
                    {
                        batch.AddRange(Enumerable.Range(0, DoomedKeys).Select(d =>
                            ((ReadOnlyMemory<byte>)Key("doomed", d), round % 12 == 0 ? Value("doomed", d, round) : (ReadOnlyMemory<byte>?)null)));
                    }

                    await topic.AppendBatchAsync(CollectionsMarshal.AsSpan(batch));
                    foreach (var k in updated)
                    {
                        Volatile.Write(ref acknowledged[k], round);
                    }

                    Volatile.Write(ref created, grown);
                    if (round % 3 == 0)
                    {
                        var before = topic.PartitionLogs[0].Keys.Count;
                        await topic.CompactAsync();
                        if (topic.PartitionLogs[0].Keys.Count < before)
                        {
                            Interlocked.Increment(ref removals);
                        }
                    }
                }
            }
            catch (Exception e)
            {
                anomalies.Enqueue($"writer: {e}");
            }
        });

        var readers = Enumerable.Range(0, 2).Select(r => Task.Run(async () =>
        {
            var random = new Random(r);
            var seenStable = new long[StableKeys];
            var seenDoomed = new long[DoomedKeys];
            var reads = 0L;
            if (Interlocked.Decrement(ref readersWaiting) == 0)
            {
                readersRunning.SetResult();
            }

            try
            {
                while (!stop.IsCancellationRequested)
                {
                    if (reads % 1024 == 0)
                    {
                        await Task.Yield(); // two readers on two cores would otherwise starve the writer
                    }

                    var count = Volatile.Read(ref created);
                    for (var i = 0; i < 4 && count > 0; i++)
                    {
                        var k = random.Next(count);
                        var floor = Math.Max(Volatile.Read(ref acknowledged[k]), seenStable[k]);
                        var value = await topic.GetAsync(Key("stable", k));
                        if (Check("stable", k, value, floor, nullAllowed: false) is { } problem)
                        {
                            anomalies.Enqueue(problem);
                        }
                        else
                        {
                            seenStable[k] = VersionOf(value!);
                        }

                        reads++;
                    }

                    var d = random.Next(DoomedKeys);
                    var doomed = await topic.GetAsync(Key("doomed", d));
                    if (Check("doomed", d, doomed, seenDoomed[d], nullAllowed: true) is { } doomedProblem)
                    {
                        anomalies.Enqueue(doomedProblem);
                    }
                    else if (doomed is not null)
                    {
                        seenDoomed[d] = VersionOf(doomed);
                    }

                    reads++;
                }
            }
            catch (Exception e)
            {
                anomalies.Enqueue($"reader {r}: {e}");
            }

            return reads;
        })).ToArray();

        await writer;
        await stop.CancelAsync();
        var reads = (await Task.WhenAll(readers)).Sum();

        Assert.Empty(anomalies);
        Assert.True(reads > 0);
        Assert.True(Volatile.Read(ref created) > KeysPerRound, $"only {created} keys were created: the table never grew under the readers");
        Assert.True(removals > 0, "no compaction removed a key from the table under the readers");
        Assert.Contains(topic.PartitionLogs[0].Segments, s => s.IsMapped); // the unlocked path had mapped segments to read

        // Quiet now: every stable key holds its acknowledged version.
        for (var k = 0; k < Volatile.Read(ref created); k++)
        {
            Assert.Null(Check("stable", k, await topic.GetAsync(Key("stable", k)), acknowledged[k], nullAllowed: false));
            Assert.Equal(acknowledged[k], VersionOf((await topic.GetAsync(Key("stable", k)))!));
        }
    }

    [Fact]
    public async Task GetAsync_WhenTheUnlockedProbeNamesAnotherKeysRecord_ReturnsTheKeysOwnValue()
    {
        // A torn probe can name a record that is valid but not the key's: the fast path must see the key differ and
        // ask again under the lock (whose answer, for an index naming the wrong record, is the slow scan of the log).
        using var engine = StateLogEngine.Open(new StateLogOptions
        {
            DataDirectory = _dir.Path, SegmentBytes = 4096, MaxRecordBytes = 1024, Durability = Durability.Buffered, EnableCleaner = false,
        });
        var topic = engine.GetTopic("swapped", 1);
        await topic.PutAsync(Key("stable", 1), Value("stable", 1, 1));
        await topic.PutAsync(Key("stable", 2), Value("stable", 2, 1));
        var partition = topic.PartitionLogs[0];
        partition.Roll();
        Assert.Equal(1, VersionOf((await topic.GetAsync(Key("stable", 2)))!)); // maps the sealed segment
        Assert.True(partition.Segments[0].IsMapped);

        lock (partition.Keys.Gate)
        {
            Assert.True(partition.Keys.TryGet(KeyIndex.Hash(Key("stable", 2)), out var other));
            partition.Keys.Set(KeyIndex.Hash(Key("stable", 1)), other); // key 2's record is the newer, so the set holds
        }

        Assert.Null(Check("stable", 1, await topic.GetAsync(Key("stable", 1)), 1, nullAllowed: false));
    }

    private static byte[] Key(string kind, int k) => Encoding.UTF8.GetBytes($"{kind}-{k}");

    /// <summary>The key, the round that wrote it, and padding to make the records a realistic size.</summary>
    private static byte[] Value(string kind, int k, long round) => Encoding.UTF8.GetBytes($"{kind}-{k}:{round}:" + new string('v', 60 + (k % 40)));

    private static long VersionOf(byte[] value) => long.Parse(Encoding.UTF8.GetString(value).Split(':')[1], CultureInfo.InvariantCulture);

    private static string? Check(string kind, int k, byte[]? value, long floor, bool nullAllowed)
    {
        if (value is null)
        {
            return nullAllowed ? null : $"{kind}-{k}: no value, though version {floor} was acknowledged";
        }

        var parts = Encoding.UTF8.GetString(value).Split(':');
        if (parts.Length != 3 || parts[0] != $"{kind}-{k}")
        {
            return $"{kind}-{k}: read another key's value '{parts[0]}'";
        }

        var version = long.Parse(parts[1], CultureInfo.InvariantCulture);
        return version < floor ? $"{kind}-{k}: read version {version} after {floor}" : null;
    }
}
