using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using StateLog.Storage.IO;

namespace StateLog.Storage.Checkpoints;

/// <summary>A per-partition offset checkpoint (<c>topic partition offset</c> per line), as Kafka's recovery-point and cleaner checkpoints.</summary>
internal static class OffsetCheckpoint
{
    public static void Write(IStorage storage, string path, IReadOnlyDictionary<(string Topic, int Partition), long> offsets) =>
        CheckpointFile.Write(
            storage,
            path,
            offsets.OrderBy(e => e.Key.Topic, System.StringComparer.Ordinal).ThenBy(e => e.Key.Partition)
                .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key.Topic} {e.Key.Partition} {e.Value}")).ToList());

    /// <summary>The offsets, or an empty map when the file is missing or malformed.</summary>
    public static Dictionary<(string Topic, int Partition), long> Read(IStorage storage, string path)
    {
        var result = new Dictionary<(string, int), long>();
        foreach (var line in CheckpointFile.Read(storage, path) ?? [])
        {
            var parts = line.Split(' ');
            if (parts.Length != 3
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
                || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return [];
            }

            result[(parts[0], partition)] = offset;
        }

        return result;
    }
}
