using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using StateLog.Compaction;
using StateLog.Configuration;
using StateLog.Diagnostics;
using StateLog.Storage;
using StateLog.Storage.Checkpoints;
using StateLog.Storage.IO;
using StateLog.Storage.Segments;

namespace StateLog;

/// <summary>
/// The embedded log: a data directory of Kafka-format partition folders, a group-committing writer per partition,
/// and a background cleaner. Open one per data directory; it is safe to share across threads.
/// </summary>
public sealed partial class StateLogEngine : IDisposable, IAsyncDisposable
{
    internal const string LockFileName = ".lock";
    internal const string CleanShutdownFileName = ".statelog_cleanshutdown";
    internal const string RecoveryPointFileName = "recovery-point-offset-checkpoint";
    internal const string TopicsFileName = "topic-partitions";

    private readonly StateLogOptions _options;
    private readonly IStorage _storage;
    private readonly IDisposable _directoryLock;
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _recordedPartitions;

    /// <summary>Topics of partition folders the topic list did not name at open: <see cref="GetTopic"/> takes them up.</summary>
    private readonly HashSet<string> _folderTopics;
    private readonly Dictionary<string, TopicLog> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, int Partition), long> _recoveryPoints;
    private readonly ITimer _maintenance;
    private readonly SemaphoreSlim _maintenanceGate = new(1, 1);
    private Dictionary<(string Topic, int Partition), long> _writtenRecoveryPoints = new();
    private bool _disposed;

    private StateLogEngine(StateLogOptions options, string dataDirectory, IDisposable directoryLock, Dictionary<string, int> recordedPartitions, HashSet<string> folderTopics, Dictionary<(string, int), long> recoveryPoints)
    {
        _options = options;
        _storage = options.Storage;
        DataDirectory = dataDirectory;
        _directoryLock = directoryLock;
        _recordedPartitions = recordedPartitions;
        _folderTopics = folderTopics;
        _recoveryPoints = recoveryPoints;
        _writtenRecoveryPoints = recoveryPoints;
        Cleaner = new LogCleaner(options, dataDirectory, Partitions);
        _maintenance = options.TimeProvider.CreateTimer(static e => ((StateLogEngine)e!).RunMaintenance(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Opens (creating if needed) and recovers the data directory named by <paramref name="options"/>.</summary>
    /// <exception cref="DataDirectoryLockedException">Another engine holds the directory.</exception>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    /// <exception cref="CorruptLogException">Data known to be durable is damaged; the message names the file and position.</exception>
    public static StateLogEngine Open(StateLogOptions options)
    {
        OptionsValidation.ThrowIfInvalid(options);
        var storage = options.Storage;
        var directory = Path.GetFullPath(options.DataDirectory);
        if (!storage.DirectoryExists(directory))
        {
            storage.CreateDirectory(directory);
            // The new folder's entry in its parent must be durable too, or a power loss takes every acknowledged record with it.
            storage.SyncDirectory(Path.GetDirectoryName(directory)!);
        }

        IDisposable directoryLock;
        try
        {
            directoryLock = storage.Lock(Path.Combine(directory, LockFileName));
        }
        catch (IOException e)
        {
            throw new DataDirectoryLockedException(directory, e);
        }

        try
        {
            var recorded = ReadRecordedPartitions(storage, directory);
            var folderTopics = CheckPartitionFolders(storage, directory, recorded);
            var recoveryPoints = OffsetCheckpoint.Read(storage, Path.Combine(directory, RecoveryPointFileName));
            var cleanShutdown = Path.Combine(directory, CleanShutdownFileName);
            // A checkpoint's temp file left by a crash before its rename is garbage: the old checkpoint still rules.
            var leftovers = storage.ListFiles(directory).Where(f => f.EndsWith(".tmp", StringComparison.Ordinal)).Select(f => Path.Combine(directory, f)).ToList();
            if (storage.FileExists(cleanShutdown))
            {
                leftovers.Add(cleanShutdown);
            }

            if (leftovers.Count > 0)
            {
                leftovers.ForEach(storage.Delete);
                storage.SyncDirectory(directory);
            }

            var engine = new StateLogEngine(options, directory, directoryLock, recorded, folderTopics, recoveryPoints);
            try
            {
                var topics = new (string Name, int Partitions)[recorded.Count];
                var t = 0;
                foreach (var (topic, partitions) in recorded.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    topics[t++] = (topic, partitions);
                }

                engine.OpenTopics(topics);

                // Recovery may have moved recovery points (Kafka rewrites a checkpoint that is past the log end at once).
                engine.WriteRecoveryPoints(engine.Partitions().ToDictionary(p => (p.Topic, p.Partition), p => p.RecoveryPoint));

                // Only now: a tick during a long recovery would read the topics while they are being added and write
                // the recovery-point checkpoint beside the line above.
                var period = options.Durability == Durability.Buffered ? Min(options.FlushInterval, TimeSpan.FromSeconds(1)) : TimeSpan.FromSeconds(1);
                engine._maintenance.Change(period, period);

                if (options.EnableCleaner)
                {
                    engine.Cleaner.Start();
                }

                StateLogInstruments.Track(engine);
            }
            catch
            {
                engine._maintenance.Dispose();
                engine.Cleaner.Dispose();
                engine.CloseAll(clean: false); // closes whatever it can, never throws: the open's error is the one to report
                throw;
            }

            return engine;
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    /// <summary>The full path of the data directory.</summary>
    public string DataDirectory { get; }

    internal StateLogOptions Options => _options;

    /// <summary>The log cleaner: the background task and <c>CompactAsync</c>'s passes.</summary>
    internal LogCleaner Cleaner { get; }

    /// <summary>Opens or creates a topic.</summary>
    /// <param name="name">The topic name (Kafka's rule).</param>
    /// <param name="partitions">The partition count; <see langword="null"/> uses the recorded count, or 1 for a new topic.</param>
    /// <exception cref="InvalidTopicNameException">The name breaks Kafka's rule; or the topic is new and its name starts
    /// with a Windows device name and a dot, or differs from an existing topic's only in letter case. Nothing was
    /// created.</exception>
    /// <exception cref="TopicConfigurationMismatchException">The topic exists with another partition count.</exception>
    public TopicLog GetTopic(string name, int? partitions = null)
    {
        TopicName.ThrowIfInvalid(name);
        if (partitions is < 1 or > TopicName.MaxPartitions)
        {
            throw new ArgumentOutOfRangeException(nameof(partitions), partitions, $"A topic has between 1 and {TopicName.MaxPartitions} partitions.");
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_topics.TryGetValue(name, out var existing))
            {
                if (partitions is { } requested && requested != existing.PartitionCount)
                {
                    throw new TopicConfigurationMismatchException(name, existing.PartitionCount, requested);
                }

                return existing;
            }

            int count;
            if (_recordedPartitions.TryGetValue(name, out var recorded))
            {
                // Recorded but not open: an earlier GetTopic failed after recording it.
                if (partitions is { } requested && requested != recorded)
                {
                    throw new TopicConfigurationMismatchException(name, recorded, requested);
                }

                count = recorded;
            }
            else
            {
                if ((TopicName.NewTopicProblem(name) ?? TopicName.CaseCollision(name, _recordedPartitions.Keys.Concat(_folderTopics))) is { } problem)
                {
                    throw new InvalidTopicNameException(name, problem);
                }

                count = partitions ?? 1;
            }

            _recordedPartitions[name] = count;
            WriteRecordedPartitions();
            return OpenTopics([(name, count)])[0];
        }
    }

    /// <summary>The topics opened so far, and those found on disk.</summary>
    public IReadOnlyCollection<string> TopicNames
    {
        get
        {
            lock (_gate)
            {
                return _topics.Keys.Order(StringComparer.Ordinal).ToArray();
            }
        }
    }

    /// <summary>Returns when every write acknowledged so far, in every topic, is fsynced.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var partition in Partitions())
        {
            partition.Flush();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Flushes, writes the clean-shutdown marker and releases the directory.</summary>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc cref="DisposeAsync"/>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        StateLogInstruments.Untrack(this);
        _maintenance.Dispose();
        Cleaner.Dispose();
        _maintenanceGate.Wait();
        try
        {
            CloseAll(clean: true);
        }
        finally
        {
            _maintenanceGate.Release();
        }
    }

    /// <summary>Every open partition, in topic then partition order.</summary>
    internal IEnumerable<PartitionLog> Partitions()
    {
        TopicLog[] topics;
        lock (_gate)
        {
            topics = _topics.Values.ToArray();
        }

        return topics.SelectMany(t => t.PartitionLogs);
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>
    /// Opens <paramref name="topics"/> (name, partition count) and adds them to the engine, in that order. Partitions
    /// share nothing while they open (each loads its snapshot, or after a crash reads its whole log), so every
    /// partition of every topic given opens on up to <c>RecoveryThreads</c> threads, as Kafka's recovery threads open
    /// logs. A failure stops the partitions after it from starting (those before still open, so the error thrown is the
    /// first failing partition's, as in turn); then the opened ones are closed and nothing is added. A single partition
    /// skips Parallel's machinery, which a process would compile for it.
    /// </summary>
    private TopicLog[] OpenTopics((string Name, int Partitions)[] topics)
    {
        // Plain loops: an open runs once per process, and generic queries over tuples would each be compiled for it.
        var total = 0;
        foreach (var topic in topics)
        {
            total += topic.Partitions;
        }

        var configs = new TopicConfig[topics.Length];
        var all = new (int Topic, int Partition)[total];
        for (int t = 0, k = 0; t < topics.Length; t++)
        {
            configs[t] = TopicConfig.Resolve(_options, topics[t].Name);
            for (var p = 0; p < topics[t].Partitions; p++)
            {
                all[k++] = (t, p);
            }
        }

        var logs = new PartitionLog[all.Length];
        var failures = new ExceptionDispatchInfo?[all.Length];
        bool Open(int k)
        {
            var (t, p) = all[k];
            var name = topics[t].Name;
            try
            {
                var recoveryPoint = _recoveryPoints.GetValueOrDefault((name, p));
                logs[k] = PartitionLog.Open(_options, name, p, Path.Combine(DataDirectory, $"{name}-{p.ToString(CultureInfo.InvariantCulture)}"), configs[t], recoveryPoint);
                return true;
            }
            catch (Exception e)
            {
                failures[k] = ExceptionDispatchInfo.Capture(e);
                return false;
            }
        }

        if (all.Length == 1 || _options.RecoveryThreads <= 1)
        {
            for (var k = 0; k < all.Length && Open(k); k++)
            {
            }
        }
        else
        {
            Parallel.For(0, all.Length, new ParallelOptions { MaxDegreeOfParallelism = _options.RecoveryThreads }, (k, loop) =>
            {
                if (!Open(k))
                {
                    loop.Break();
                }
            });
        }

        if (Array.Find(failures, f => f is not null) is { } failure)
        {
            CloseEach(logs); // the open's failure is the one to report
            failure.Throw();
        }

        var opened = new TopicLog[topics.Length];
        var first = 0;
        for (var t = 0; t < topics.Length; t++)
        {
            var topicLogs = logs[first..(first + topics[t].Partitions)];
            first += topics[t].Partitions;
            foreach (var log in topicLogs)
            {
                Cleaner.Attach(log);
            }

            opened[t] = new TopicLog(this, topics[t].Name, topicLogs);
            _topics.Add(topics[t].Name, opened[t]);
        }

        return opened;
    }

    private void RunMaintenance()
    {
        if (!_maintenanceGate.Wait(0))
        {
            return; // the previous tick is still running, or the engine is closing
        }

        try
        {
            var now = _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            foreach (var partition in Partitions())
            {
                if (partition.IsFailed)
                {
                    continue;
                }

                try
                {
                    partition.RollIfOlderThan(now);
                    if (_options.Durability == Durability.Buffered)
                    {
                        partition.Flush();
                    }
                }
                catch (Exception e) when (e is IOException or StateLogException)
                {
                    // The partition records its own failure; the next append reports it.
                }
            }

            WriteRecoveryPoints(Partitions().ToDictionary(p => (p.Topic, p.Partition), p => p.RecoveryPoint));
        }
        catch (IOException)
        {
            // A checkpoint that could not be written only means more recovery work after a crash.
        }
        finally
        {
            _maintenanceGate.Release();
        }
    }

    private void WriteRecoveryPoints(Dictionary<(string Topic, int Partition), long> points)
    {
        if (points.Count == _writtenRecoveryPoints.Count && points.All(p => _writtenRecoveryPoints.GetValueOrDefault(p.Key, -1) == p.Value))
        {
            return;
        }

        OffsetCheckpoint.Write(_storage, Path.Combine(DataDirectory, RecoveryPointFileName), points);
        _writtenRecoveryPoints = points;
    }

    private void CloseAll(bool clean)
    {
        var partitions = Partitions().ToList();
        try
        {
            if (CloseEach(partitions) && clean)
            {
                WriteRecoveryPoints(partitions.ToDictionary(p => (p.Topic, p.Partition), p => p.LogEndOffset));
                var marker = Path.Combine(DataDirectory, CleanShutdownFileName);
                using (var file = _storage.Open(marker, create: true))
                {
                    file.Sync();
                }

                _storage.SyncDirectory(DataDirectory);
            }
        }
        finally
        {
            _directoryLock.Dispose();
        }
    }

    /// <summary>
    /// Closes every partition given (null entries skipped) whatever one of them throws; returns whether all closed
    /// cleanly. A partition that could not is recovered by the next open.
    /// </summary>
    private static bool CloseEach(IEnumerable<PartitionLog?> logs)
    {
        var clean = true;
        foreach (var log in logs)
        {
            try
            {
                log?.Close();
                clean &= log?.IsFailed != true;
            }
            catch (Exception)
            {
                clean = false;
            }
        }

        return clean;
    }

    private static Dictionary<string, int> ReadRecordedPartitions(IStorage storage, string directory)
    {
        var path = Path.Combine(directory, TopicsFileName);
        var recorded = new Dictionary<string, int>(StringComparer.Ordinal);
        var entries = CheckpointFile.Read(storage, path);
        if (entries is null)
        {
            if (storage.FileExists(path))
            {
                throw new CorruptLogException(path, 0, "the topic list is not a well-formed checkpoint file");
            }

            return recorded;
        }

        foreach (var entry in entries)
        {
            var parts = entry.Split(' ');
            if (parts.Length != 2 || TopicName.Problem(parts[0]) is not null
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > TopicName.MaxPartitions)
            {
                throw new CorruptLogException(path, 0, $"the topic list has an unreadable entry '{entry}'");
            }

            recorded[parts[0]] = count;
        }

        return recorded;
    }

    /// <summary>
    /// Checks the partition folders against the topic list and returns the topics of folders it does not name, which
    /// <see cref="GetTopic"/> takes up when the topic is created. Refuses a list that contradicts them: a folder with
    /// segments beyond its topic's recorded partition count (opening would hide its records), or a folder of a topic the
    /// list records only in another letter case (a flipped bit does either; the two would also share a folder on a
    /// case-insensitive file system).
    /// </summary>
    private static HashSet<string> CheckPartitionFolders(IStorage storage, string directory, Dictionary<string, int> recorded)
    {
        var unrecorded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var folder in storage.ListDirectories(directory))
        {
            var dash = folder.LastIndexOf('-');
            if (dash <= 0 || TopicName.Problem(folder[..dash]) is not null
                || !int.TryParse(folder.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
                || folder[(dash + 1)..] != partition.ToString(CultureInfo.InvariantCulture))
            {
                continue; // not a partition folder
            }

            var topic = folder[..dash];
            var problem = recorded.TryGetValue(topic, out var count)
                ? partition >= count ? $"it records {count} partition{(count == 1 ? "" : "s")} of topic '{topic}', but the folder '{folder}' holds segments" : null
                : TopicName.CaseTwin(topic, recorded.Keys) is { } other
                    ? $"it records a topic '{other}', but the folder '{folder}' holds segments of a topic named the same but for letter case"
                    : null;
            if (problem is not null && storage.ListFiles(Path.Combine(directory, folder)).Any(SegmentFiles.IsLog))
            {
                throw new CorruptLogException(Path.Combine(directory, TopicsFileName), 0, $"the topic list is damaged: {problem}");
            }

            if (!recorded.ContainsKey(topic))
            {
                unrecorded.Add(topic);
            }
        }

        return unrecorded;
    }

    private void WriteRecordedPartitions() =>
        CheckpointFile.Write(
            _storage,
            Path.Combine(DataDirectory, TopicsFileName),
            _recordedPartitions.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key} {e.Value}")).ToList());
}
