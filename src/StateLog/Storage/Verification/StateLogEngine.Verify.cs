using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using StateLog.Storage.Checkpoints;
using StateLog.Storage.Verification;

namespace StateLog;

/// <summary>The integrity check of the engine.</summary>
public sealed partial class StateLogEngine
{
    /// <summary>
    /// Checks every partition (like SQLite's <c>integrity_check</c>): the CRC-32C and framing of every batch, offsets
    /// that increase within and across segments, the offset and time indexes (in memory and, for sealed segments, on
    /// disk) against the batches they point at, the key index against the latest record of every key, and every
    /// checkpoint against the log end. Reads everything; writes nothing. Appends wait while a partition is checked.
    /// </summary>
    /// <returns>The findings; <see cref="StateLogVerifyReport.IsClean"/> when nothing is wrong.</returns>
    public StateLogVerifyReport Verify()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var problems = new List<string>();
        var checkpointPath = Path.Combine(DataDirectory, RecoveryPointFileName);
        var checkpoint = OffsetCheckpoint.Read(_storage, checkpointPath);
        if (checkpoint.Count == 0 && _storage.FileExists(checkpointPath) && CheckpointFile.Read(_storage, checkpointPath) is null)
        {
            problems.Add($"{checkpointPath}: not a well-formed checkpoint file");
        }

        var partitions = Partitions().ToList();
        foreach (var entry in checkpoint.Keys.Where(k => !partitions.Any(p => p.Topic == k.Topic && p.Partition == k.Partition)))
        {
            problems.Add($"{checkpointPath}: names {entry.Topic}-{entry.Partition}, which is not an open partition");
        }

        var recorded = ReadRecordedPartitions(_storage, DataDirectory);
        foreach (var topic in TopicNames.Where(t => !recorded.ContainsKey(t)))
        {
            problems.Add($"topic '{topic}' is open but missing from the durable topic list");
        }

        var results = partitions
            .Select(p => PartitionVerifier.Verify(p, _storage, checkpoint.TryGetValue((p.Topic, p.Partition), out var point) ? point : null))
            .ToList();
        return new StateLogVerifyReport(results, problems);
    }
}
