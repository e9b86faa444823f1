using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using StateLog.Benchmarks.Macro;

namespace StateLog.Benchmarks.Append;

/// <summary>
/// <c>append [--records N] [--value-bytes N] [--dir D]</c>: N appends (default 1,000,000) of random values to one
/// partition, under <see cref="Durability.Fsync"/> with 64 concurrent writers (each awaiting its own appends, so
/// only group commit can share an fsync) and under <see cref="Durability.Buffered"/> with 1 and 64 writers (one
/// <c>FlushAsync</c> at the end, inside the timing). Keys cycle over 100,000 <c>user-&lt;id&gt;</c> keys. The
/// partition's internal fsync counter gives fsyncs per acknowledged record (1/64 is perfect group commit here).
/// </summary>
internal static class AppendBench
{
    private const int KeyCount = 100_000;

    private static readonly (Durability Durability, int Writers)[] Cases =
    [
        (Durability.Fsync, 64),
        (Durability.Buffered, 1),
        (Durability.Buffered, 64),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        var records = Arguments.Int(args, "--records", 1_000_000);
        var valueBytes = Arguments.Int(args, "--value-bytes", 100);
        var root = Path.GetFullPath(Arguments.Value(args, "--dir") ?? Path.Combine(Path.GetTempPath(), $"statelog-append-{Environment.ProcessId}"));
        var keys = Enumerable.Range(0, KeyCount).Select(i => Encoding.UTF8.GetBytes($"user-{i}")).ToArray();
        var pool = new byte[(1 << 20) + valueBytes];
        new Random(7).NextBytes(pool);

        Console.WriteLine($"Single-partition append: {records:N0} records, {valueBytes}-byte values, {Environment.ProcessorCount} cores");
        Console.WriteLine();
        Console.WriteLine("| Durability | Writers | Records/s | Payload MB/s | Seconds | Fsyncs | Fsyncs per record |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var (durability, writers) in Cases)
        {
            var directory = Path.Combine(root, $"{durability}-{writers}");
            Directory.CreateDirectory(directory);
            try
            {
                var (seconds, fsyncs) = await RunCaseAsync(directory, durability, writers, records, keys, pool, valueBytes);
                var payload = (double)records * (valueBytes + keys[0].Length);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {durability} | {writers} | {records / seconds:N0} | {payload / seconds / Units.Megabyte:N1} | {seconds:N2} | {fsyncs:N0} | {(double)fsyncs / records:G3} |"));
            }
            catch (NotImplementedException e)
            {
                Console.WriteLine($"| {durability} | {writers} | unavailable: {e.Message} | | | | |");
            }
            finally
            {
                Arguments.DeleteDirectory(directory);
            }
        }

        Arguments.DeleteDirectory(root);
        return 0;
    }

    private static async Task<(double Seconds, long Fsyncs)> RunCaseAsync(string directory, Durability durability, int writers, int records, byte[][] keys, byte[] pool, int valueBytes)
    {
        await using var engine = StateLogEngine.Open(new StateLogOptions { DataDirectory = directory, Durability = durability, EnableCleaner = false });
        var topic = engine.GetTopic("append", 1);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
        {
            for (var i = writer; i < records; i += writers)
            {
                await topic.PutAsync(keys[i % keys.Length], pool.AsMemory((int)((uint)i * 7919u % (1u << 20)), valueBytes));
            }
        })));
        await topic.FlushAsync();
        return (watch.Elapsed.TotalSeconds, topic.PartitionLogs.Sum(p => p.FsyncCount));
    }
}
