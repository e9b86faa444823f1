using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;

namespace StateLog.Tests.Reliability.Infrastructure;

/// <summary>
/// A small log on <see cref="MemStorage"/> with a golden copy of everything written (D5, D6): one topic, one
/// partition, several 1 KiB segments with their indexes, the checkpoints, and records of mixed size and kind.
/// </summary>
internal sealed class GoldenLog
{
    public const string Topic = "orders";

    private GoldenLog(MemStorage disk, List<ModelRecord> records)
    {
        Disk = disk;
        Records = records;
    }

    public MemStorage Disk { get; }

    public List<ModelRecord> Records { get; }

    public string PartitionDirectory => SimulatedDisk.DataDirectory + "/" + Topic + "-0";

    /// <summary>The latest value of every key, as the golden records say.</summary>
    public Dictionary<string, string?> Latest => Records.GroupBy(r => r.Key).ToDictionary(g => g.Key, g => g.Last().Value);

    /// <param name="count">Records to write.</param>
    /// <param name="closeCleanly">Close the engine (everything checkpointed durable) or abandon it like a killed process (the active segment's tail is not below the recovery point).</param>
    /// <param name="seed">Sizes and keys.</param>
    public static async Task<GoldenLog> BuildAsync(int count, bool closeCleanly, int seed = 7)
    {
        var random = new Random(seed);
        var machine = new SimulatedDisk();
        var records = new List<ModelRecord>();
        var engine = machine.Open();
        var topic = engine.GetTopic(Topic, 1);
        for (var i = 0; i < count; i++)
        {
            var key = $"k{random.Next(30)}";
            var value = random.Next(10) == 0 ? null : $"{key}:{i}:" + new string((char)('a' + random.Next(26)), random.Next(1, 120));
            var position = value is null ? await topic.DeleteAsync(Encoding.UTF8.GetBytes(key)) : await topic.PutAsync(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value));
            records.Add(new ModelRecord(position.Offset, key, value));
        }

        if (closeCleanly)
        {
            engine.Dispose();
        }

        return new GoldenLog(machine.Disk.Crash(CrashMode.DropAllUnsynced, random), records);
    }

    /// <summary>A copy of the golden disk with one file replaced.</summary>
    public MemStorage With(string path, byte[] contents)
    {
        var copy = Disk.Crash(CrashMode.DropAllUnsynced, new Random(0));
        copy.WriteAll(path, contents);
        return copy;
    }

    /// <summary>The end positions of the batches in a <c>.log</c> file (its batch boundaries).</summary>
    public static List<long> BatchEnds(byte[] log)
    {
        var ends = new List<long>();
        for (long p = 0; p + 12 <= log.Length;)
        {
            p += 12 + System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(log.AsSpan((int)p + 8));
            ends.Add(p);
        }

        return ends;
    }

    /// <summary>The latest value of every golden key, by point reads.</summary>
    public async Task<Dictionary<string, string?>> LatestAsync(TopicLog topic)
    {
        var latest = new Dictionary<string, string?>();
        foreach (var key in Latest.Keys)
        {
            var value = await topic.GetAsync(Encoding.UTF8.GetBytes(key));
            latest[key] = value is null ? null : Encoding.UTF8.GetString(value);
        }

        return latest;
    }

    /// <summary>Every record of the topic, in order.</summary>
    public static async Task<List<ModelRecord>> RecordsAsync(TopicLog topic)
    {
        var records = new List<ModelRecord>();
        await foreach (var r in topic.ReadAsync())
        {
            records.Add(new ModelRecord(r.Offset, Encoding.UTF8.GetString(r.Key.Span), r.Value is { } v ? Encoding.UTF8.GetString(v.Span) : null));
        }

        return records;
    }
}
