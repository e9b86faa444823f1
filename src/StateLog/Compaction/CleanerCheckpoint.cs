using System.Collections.Generic;
using System.IO;
using StateLog.Storage;
using StateLog.Storage.Checkpoints;
using StateLog.Storage.IO;

namespace StateLog.Compaction;

/// <summary>
/// The <c>cleaner-offset-checkpoint</c> file of the data directory (Kafka's, reference §1.13): each partition's
/// cleaner point, rewritten whole and atomically (temp file, fsync, rename, folder fsync) after every pass.
/// </summary>
internal sealed class CleanerCheckpoint
{
    public const string FileName = "cleaner-offset-checkpoint";

    private readonly IStorage _storage;
    private readonly string _path;
    private readonly object _gate = new();
    private readonly Dictionary<(string Topic, int Partition), long> _offsets;

    public CleanerCheckpoint(IStorage storage, string dataDirectory)
    {
        _storage = storage;
        _path = Path.Combine(dataDirectory, FileName);
        _offsets = OffsetCheckpoint.Read(storage, _path);
    }

    /// <summary>The stored cleaner point of a partition, or 0 (the log start) when none.</summary>
    public long Get(string topic, int partition)
    {
        lock (_gate)
        {
            return _offsets.GetValueOrDefault((topic, partition));
        }
    }

    /// <summary>Stores the cleaner point of <paramref name="log"/> and rewrites the file.</summary>
    public void Update(PartitionLog log)
    {
        lock (_gate)
        {
            _offsets[(log.Topic, log.Partition)] = log.FirstDirtyOffset;
            OffsetCheckpoint.Write(_storage, _path, _offsets);
        }
    }
}
