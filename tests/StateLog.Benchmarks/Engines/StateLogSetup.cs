using System;
using System.Threading.Tasks;

namespace StateLog.Benchmarks.Engines;

/// <summary>What StateLog's byte-level and typed adapters share: how the engine is opened and compacted.</summary>
internal static class StateLogSetup
{
    private const int MaxCompactionPasses = 4;

    /// <summary>One engine on <paramref name="directory"/>: <see cref="Durability.Buffered"/>, the background cleaner off (compaction is the timed phase), other options at their defaults.</summary>
    public static StateLogEngine Open(string directory) => StateLogEngine.Open(new StateLogOptions
    {
        DataDirectory = directory,
        Durability = Durability.Buffered,
        EnableCleaner = false,
    });

    /// <summary>Compacts until a pass cleans nothing (a pass may leave the last batch before the active segment), then fsyncs.</summary>
    public static async ValueTask CompactAsync(Func<ValueTask<CompactionResult>> compact, Func<ValueTask> flush)
    {
        for (var pass = 0; pass < MaxCompactionPasses; pass++)
        {
            var result = await compact();
            if (result.PartitionsCleaned == 0 || result.RecordsAfter == result.RecordsBefore)
            {
                break;
            }
        }

        await flush();
    }
}
