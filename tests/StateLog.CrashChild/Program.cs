using System;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using StateLog;

namespace StateLog.CrashChild;

/// <summary>
/// The child process of the reliability suites. Modes:
/// <c>write DIR SEED RUN</c> appends forever under <see cref="Durability.Fsync"/> with tiny segments, printing
/// <c>BEGIN topic partition key token</c> before each append and <c>ACK topic partition offset key token</c> after
/// it is acknowledged (the parent kills it at random and checks the log against these lines: ALICE's stdout oracle);
/// <c>hold DIR</c> opens the engine, prints READY and keeps it open until stdin closes;
/// <c>tryopen DIR</c> prints OPENED or LOCKED;
/// <c>fill DIR</c> writes a few records, rolls, closes (for the file-mode checks).
/// </summary>
public static class Program
{
    public const int Topics = 2;
    public const int Partitions = 3;
    public const int Keys = 200;
    private const int Writers = 6;

    public static async Task<int> Main(string[] args)
    {
        var directory = args[1];
        switch (args[0])
        {
            case "write":
                await WriteAsync(directory, int.Parse(args[2], CultureInfo.InvariantCulture), args[3]);
                return 0;
            case "hold":
                using (StateLogEngine.Open(Options(directory)))
                {
                    Console.Out.WriteLine("READY");
                    _ = Console.In.ReadToEnd();
                }

                return 0;
            case "tryopen":
                try
                {
                    using var engine = StateLogEngine.Open(Options(directory));
                    Console.Out.WriteLine("OPENED");
                    return 0;
                }
                catch (DataDirectoryLockedException)
                {
                    Console.Out.WriteLine("LOCKED");
                    return 3;
                }

            case "fill":
                using (var engine = StateLogEngine.Open(Options(directory)))
                {
                    var topic = engine.GetTopic("files", 2);
                    for (var i = 0; i < 40; i++)
                    {
                        await topic.PutAsync(Encoding.UTF8.GetBytes($"k{i}"), new byte[100]);
                    }
                }

                return 0;
            default:
                Console.Error.WriteLine($"unknown mode {args[0]}");
                return 2;
        }
    }

    public static string TopicName(int t) => $"crash{t}";

    private static StateLogOptions Options(string directory) => new()
    {
        DataDirectory = directory,
        Durability = Durability.Fsync,
        SegmentBytes = 16 * 1024,
        MaxRecordBytes = 1024,
        IndexIntervalBytes = 256,
        MinCleanableDirtyRatio = 0.01,
        CleanerBackoff = TimeSpan.FromMilliseconds(50),
        SegmentMaxAge = TimeSpan.FromMilliseconds(200),
    };

    private static async Task WriteAsync(string directory, int seed, string run)
    {
        using var engine = StateLogEngine.Open(Options(directory));
        var topics = new TopicLog[Topics];
        for (var t = 0; t < Topics; t++)
        {
            topics[t] = engine.GetTopic(TopicName(t), Partitions);
        }

        Console.Out.WriteLine("READY");
        var sequence = 0L;
        var writers = new Task[Writers];
        for (var w = 0; w < Writers; w++)
        {
            var random = new Random(seed * 31 + w);
            writers[w] = Task.Run(async () =>
            {
                while (true)
                {
                    var t = random.Next(Topics);
                    var key = $"key{random.Next(Keys)}";
                    var keyBytes = Encoding.UTF8.GetBytes(key);
                    var partition = topics[t].PartitionFor(keyBytes);
                    var tombstone = random.Next(10) == 0;
                    var token = $"{(tombstone ? "~" : "")}{run}-{Interlocked.Increment(ref sequence)}";
                    Console.Out.WriteLine($"BEGIN {t} {partition} {key} {token}");
                    var position = tombstone
                        ? await topics[t].DeleteAsync(keyBytes)
                        : await topics[t].PutAsync(keyBytes, Encoding.UTF8.GetBytes(token + new string('x', random.Next(0, 300))));
                    Console.Out.WriteLine($"ACK {t} {position.Partition} {position.Offset} {key} {token}");
                }
            });
        }

        await Task.WhenAll(writers);
    }
}
