using System;
using System.Collections.Generic;
using System.IO;

namespace StateLog;

/// <summary>
/// Settings of a StateLog engine. Names follow Kafka's topic configs (<c>segment.bytes</c> is
/// <see cref="SegmentBytes"/>, <c>min.cleanable.dirty.ratio</c> is <see cref="MinCleanableDirtyRatio"/>, and so on).
/// Invalid values fail at start with a message that names the option.
/// </summary>
public sealed class StateLogOptions
{
    private readonly Dictionary<string, TopicOptions> _topics = new(StringComparer.Ordinal);

    /// <summary>The folder that holds the log. Created (mode 0700) when missing. Default: <c>statelog-data</c> next to the application.</summary>
    public string DataDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "statelog-data");

    /// <summary>When an append is acknowledged. Default: <see cref="StateLog.Durability.Fsync"/>.</summary>
    public Durability Durability { get; set; } = Durability.Fsync;

    /// <summary>How often buffered writes are fsynced under <see cref="StateLog.Durability.Buffered"/>. Default: 1 second.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The size at which the active segment rolls (Kafka's <c>segment.bytes</c>). Default: 128 MiB.</summary>
    public long SegmentBytes { get; set; } = 128L * 1024 * 1024;

    /// <summary>
    /// The age at which the active segment rolls, checked on a timer so that an idle topic becomes compactable too
    /// (Kafka's <c>segment.ms</c>, which Kafka checks only on append). Default: 1 hour.
    /// </summary>
    public TimeSpan SegmentMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The largest record (key, value and framing) accepted (Kafka's <c>max.message.bytes</c>). Default: 1 MiB.</summary>
    public int MaxRecordBytes { get; set; } = 1024 * 1024;

    /// <summary>Bytes between two entries of the sparse offset index (Kafka's <c>index.interval.bytes</c>). Default: 4096.</summary>
    public int IndexIntervalBytes { get; set; } = 4096;

    /// <summary>
    /// A partition is cleaned when the bytes of its dirty closed segments divided by the bytes of all its closed
    /// segments exceeds this ratio (Kafka's <c>min.cleanable.dirty.ratio</c>). Default: 0.5.
    /// </summary>
    public double MinCleanableDirtyRatio { get; set; } = 0.5;

    /// <summary>How long a record stays uncompacted at least (Kafka's <c>min.compaction.lag.ms</c>). Default: 0.</summary>
    public TimeSpan MinCompactionLag { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// How long a record may stay uncompacted at most, whatever the dirty ratio (Kafka's <c>max.compaction.lag.ms</c>).
    /// Default: <see langword="null"/> (no limit).
    /// </summary>
    public TimeSpan? MaxCompactionLag { get; set; }

    /// <summary>How long a tombstone is kept after the first cleaning pass that sees it (Kafka's <c>delete.retention.ms</c>). Default: 24 hours.</summary>
    public TimeSpan DeleteRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long after a cleaning pass replaces segments their files (renamed <c>.deleted</c>) are deleted (Kafka's
    /// <c>file.delete.delay.ms</c>); a reader that holds a replaced segment keeps reading it meanwhile, and its files
    /// never go before it lets go. A clean close deletes the waiting files; after a crash, the next open does. Zero
    /// deletes them as soon as no reader holds them, inside the pass. Default: 60 seconds.
    /// </summary>
    public TimeSpan FileDeleteDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the cleaner sleeps when no partition needs cleaning (Kafka's <c>log.cleaner.backoff.ms</c>). Default: 15 seconds.</summary>
    public TimeSpan CleanerBackoff { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Read plus write bandwidth the cleaner may use; <see langword="null"/> is unlimited (Kafka's <c>log.cleaner.io.max.bytes.per.second</c>).</summary>
    public long? CleanerMaxBytesPerSecond { get; set; }

    /// <summary>Whether a background cleaner runs. <c>CompactAsync</c> works either way. Default: <see langword="true"/>.</summary>
    public bool EnableCleaner { get; set; } = true;

    /// <summary>The clock for record timestamps, segment age, lags and tombstone horizons. Tests pass a <c>FakeTimeProvider</c>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The file system the engine uses; tests swap in an in-memory or fault-injecting one.</summary>
    internal Storage.IO.IStorage Storage { get; set; } = StateLog.Storage.IO.OsStorage.Instance;

    /// <summary>
    /// How long appends nobody awaits stay queued before they are written anyway (Kafka's producer waits
    /// <c>linger.ms</c>, 5 ms by default since Kafka 4.0, to fill batches the same way): long enough for a caller
    /// issuing a thousand appends to finish before awaiting them, short enough that appends never awaited soon reach
    /// the log and its readers. Tests lengthen it.
    /// </summary>
    internal TimeSpan AppendLinger { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// How many partitions open at once, over every topic the engine finds at open (or the one <c>GetTopic</c> opens),
    /// as Kafka's <c>num.recovery.threads.per.data.dir</c> threads load logs: one per core, at most four. Each
    /// partition loads its key-index snapshot, or after an unclean stop reads and checks its whole log, on its own.
    /// </summary>
    internal int RecoveryThreads { get; set; } = Math.Min(Environment.ProcessorCount, 4);

    /// <summary>Named crash points; tests install ones that crash, freeze or pause.</summary>
    internal Storage.IO.ICrashPoints CrashPoints { get; set; } = StateLog.Storage.IO.NoCrashPoints.Instance;

    /// <summary>The per-topic overrides set so far, by topic name.</summary>
    public IReadOnlyDictionary<string, TopicOptions> TopicOverrides => _topics;

    /// <summary>Overrides settings for one topic.</summary>
    /// <param name="name">The topic name.</param>
    /// <param name="configure">Sets the overrides; properties left <see langword="null"/> inherit the engine-wide value.</param>
    /// <returns>These options, for chaining.</returns>
    public StateLogOptions Topic(string name, Action<TopicOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        if (!_topics.TryGetValue(name, out var topic))
        {
            topic = new TopicOptions();
            _topics.Add(name, topic);
        }

        configure(topic);
        return this;
    }
}
