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
        // The recovery-point checkpoint is advisory (a malformed one, or entries for unknown partitions, only cost a full recovery); its offsets must fit the log.
        var checkpoint = OffsetCheckpoint.Read(_storage, checkpointPath);

        var partitions = Partitions().ToList();
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
