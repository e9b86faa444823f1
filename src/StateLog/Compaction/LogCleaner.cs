using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using StateLog.Diagnostics;
using StateLog.Storage;

namespace StateLog.Compaction;

/// <summary>
/// The engine's cleaner (Kafka's <c>LogCleaner</c> + <c>LogCleanerManager</c>, reference §1.2–§1.3): one background
/// task that repeatedly cleans the filthiest eligible partition and sleeps <c>CleanerBackoff</c> when none qualifies,
/// plus forced passes for <c>CompactAsync</c>. One pass per partition at a time. A partition whose pass fails is
/// marked (its outcome says why), retried after an exponential backoff, and does not stop the others (unlike Kafka,
/// the mark is not kept until restart). Time and sleeps come from the options' <see cref="TimeProvider"/>.
/// </summary>
internal sealed class LogCleaner : IDisposable
{
    /// <summary>A failing partition waits CleanerBackoff × 2^(failures − 1), at most this many backoffs.</summary>
    private const int MaxBackoffFactor = 64;

    private readonly StateLogOptions _options;
    private readonly TimeProvider _time;
    private readonly Func<IEnumerable<PartitionLog>> _partitions;
    private readonly CleanerCheckpoint _checkpoint;
    private readonly Throttler _throttler;
    private readonly SegmentDeleter _deleter;
    private readonly ConcurrentDictionary<PartitionLog, PartitionState> _states = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly object _activeGate = new();
    private int _active;
    private bool _disposed;
    private Task _loop = Task.CompletedTask;

    public LogCleaner(StateLogOptions options, string dataDirectory, Func<IEnumerable<PartitionLog>> partitions)
    {
        _options = options;
        _time = options.TimeProvider;
        _partitions = partitions;
        _checkpoint = new CleanerCheckpoint(options.Storage, dataDirectory);
        _throttler = new Throttler(options.CleanerMaxBytesPerSecond, _time);
        _deleter = new SegmentDeleter(_time);
    }

    public Throttler Throttler => _throttler;

    /// <summary>Deletes the segments passes replace, after each topic's <c>FileDeleteDelay</c>.</summary>
    public SegmentDeleter Deleter => _deleter;

    /// <summary>Whether passes may run from the key index where that equals Kafka's pass (tests turn it off to compare the two).</summary>
    public bool KeyIndexPasses { get; set; } = true;

    /// <summary>
    /// Threads that a <c>CompactAsync</c> call may copy on at once, over the partitions it cleans at once and the groups
    /// of each pass (shared out when the call starts: a pass does not borrow the threads of one that has finished): one
    /// per core, at most four, since each pass holds its copy of its partition's key index and each copy in flight its
    /// segment's write buffer and key moves (RocksDB bounds its subcompactions too, with <c>max_subcompactions</c>).
    /// Calls on different topics at once each have this many. The background cleaner copies on its own thread alone, as
    /// Kafka's cleaner thread does, so it never takes more than a core from the application; a caller of
    /// <c>CompactAsync</c> is waiting for the passes.
    /// </summary>
    public int CopyThreads { get; set; } = Math.Min(Environment.ProcessorCount, 4);

    /// <summary>The bytes a pass must rewrite before it copies its groups on several threads (tests lower it to reach that path with small logs).</summary>
    public long ConcurrentCopyMinBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Sets a newly opened partition's cleaner point from the checkpoint file.</summary>
    public void Attach(PartitionLog log) => log.FirstDirtyOffset = _checkpoint.Get(log.Topic, log.Partition);

    /// <summary>Starts the background cleaner task.</summary>
    public void Start() => _loop = Task.Run(() => RunAsync(_shutdown.Token));

    /// <summary>
    /// The partition the background cleaner would clean now, with its range: the largest dirty ratio among those
    /// eligible by Kafka's rule, or holding a tombstone past its horizon (DESIGN §4); failed partitions wait out their backoff.
    /// </summary>
    public (PartitionLog Log, CleanableRange Range)? GrabFilthiest()
    {
        var now = NowMs;
        (PartitionLog Log, CleanableRange Range)? best = null;
        foreach (var log in _partitions())
        {
            var state = State(log);
            if (log.IsFailed || state.Disabled is not null || state.RetryAtMs > now || state.Gate.CurrentCount == 0)
            {
                continue;
            }

            try
            {
                var range = Range(log, now);
                var eligible = range.IsEligible(log.Config.MinCleanableDirtyRatio) || HasDueTombstones(log, range, now);
                if (eligible && (best is null || range.Ratio > best.Value.Range.Ratio))
                {
                    best = (log, range);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                MarkFailed(log, state, e, now);
            }
        }

        return best;
    }

    /// <summary>Cleans the filthiest partition, if any qualifies; returns whether one was cleaned (or failed trying).</summary>
    public bool CleanFilthiest(CancellationToken cancellationToken)
    {
        if (GrabFilthiest() is not { } choice || !Enter())
        {
            return false;
        }

        var state = State(choice.Log);
        try
        {
            if (!state.Gate.Wait(0))
            {
                return false;
            }

            try
            {
                Pass(choice.Log, state, roll: false, copyThreads: 1, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Marked and reported by Pass; the other partitions keep being cleaned.
            }
            finally
            {
                state.Gate.Release();
            }

            return true;
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>
    /// Rolls the active segments of <paramref name="logs"/> and cleans each of them now, whatever its dirty ratio. The
    /// partitions are cleaned up to <see cref="CopyThreads"/> at once, as Kafka's cleaner threads clean different
    /// partitions, each on a thread of its own (a pass blocks its thread for its length, which must not be the pool's);
    /// the copy threads are shared out among them, so a topic of one partition copies its groups on all of them.
    /// </summary>
    /// <exception cref="CompactionFailedException">Some partitions failed; the others were cleaned.</exception>
    public async ValueTask<CompactionResult> CompactAsync(string topic, IReadOnlyList<PartitionLog> logs, CancellationToken cancellationToken)
    {
        if (!Enter())
        {
            throw new ObjectDisposedException(nameof(StateLogEngine));
        }

        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token);
            var started = _time.GetTimestamp();
            var atOnce = Math.Clamp(logs.Count, 1, Math.Max(CopyThreads, 1));
            var outcomes = new (CleanStats? Stats, Exception? Failure)[logs.Count];
            var next = -1;
            var workers = new Task[atOnce];
            for (var w = 0; w < atOnce; w++)
            {
                var copyThreads = Math.Max(CopyThreads / atOnce, 1) + (w < CopyThreads % atOnce ? 1 : 0);
                workers[w] = Task.Factory.StartNew(
                    () =>
                    {
                        for (var i = Interlocked.Increment(ref next); i < logs.Count; i = Interlocked.Increment(ref next))
                        {
                            outcomes[i] = CompactPartition(logs[i], copyThreads, stop.Token);
                        }
                    },
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default);
            }

            await Task.WhenAll(workers).ConfigureAwait(false); // a cancelled pass throws once every other has stopped

            var result = CompactionResult.Empty;
            var failures = new Dictionary<int, Exception>();
            for (var i = 0; i < logs.Count; i++)
            {
                if (outcomes[i].Stats is { } stats)
                {
                    result = result.Add(new CompactionResult(stats.RecordsRead, stats.RecordsWritten, stats.BytesRead, stats.BytesWritten, stats.TombstonesRemoved, stats.SegmentsRewritten > 0 ? 1 : 0, TimeSpan.Zero));
                }
                else
                {
                    failures.Add(logs[i].Partition, outcomes[i].Failure!);
                }
            }

            result = result with { Duration = _time.GetElapsedTime(started) };
            return failures.Count == 0 ? result : throw new CompactionFailedException(topic, result, failures);
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>A forced pass over <paramref name="log"/> once no other pass runs on it: its stats, or why it failed (a cancellation is thrown).</summary>
    private (CleanStats? Stats, Exception? Failure) CompactPartition(PartitionLog log, int copyThreads, CancellationToken cancellationToken)
    {
        var state = State(log);
        state.Gate.Wait(cancellationToken);
        try
        {
            return (Pass(log, state, roll: true, copyThreads, cancellationToken), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return (null, e);
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>Cancels a pass in progress (it leaves no <c>.cleaned</c> file), waits for the cleaner to stop, and deletes the replaced segments still waiting for their delay.</summary>
    public void Dispose()
    {
        lock (_activeGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _shutdown.Cancel();
            while (_active > 0)
            {
                Monitor.Wait(_activeGate);
            }
        }

        try
        {
            _loop.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }

        _shutdown.Dispose();
        _deleter.Dispose(); // no pass runs now: the replaced segments' files go before the engine closes
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private PartitionState State(PartitionLog log) => _states.GetOrAdd(log, static _ => new PartitionState());

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!CleanFilthiest(cancellationToken))
                {
                    await Task.Delay(_options.CleanerBackoff, _time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One pass over <paramref name="log"/> (after rolling its active segment, with <paramref name="roll"/>), copying
    /// its groups on up to <paramref name="copyThreads"/> threads; the caller holds its gate. Failures are marked, then
    /// rethrown. The roll, the range and the key-index snapshot are taken under the partition's write lock together, so
    /// no append slips in between: after a roll every key's latest record is then below the first uncleanable offset
    /// (unless MinCompactionLag holds some segments back) and the pass can run from the key index.
    /// </summary>
    private CleanStats Pass(PartitionLog log, PartitionState state, bool roll, int copyThreads, CancellationToken cancellationToken)
    {
        var now = NowMs;
        if (state.Disabled is { } disabled)
        {
            throw disabled;
        }

        var started = _time.GetTimestamp();
        try
        {
            using var cleaner = new Cleaner(_throttler, keyIndexPasses: KeyIndexPasses, deleter: _deleter, copyThreads: copyThreads, concurrentCopyMinBytes: ConcurrentCopyMinBytes);
            var (range, steady, taken) = log.UnderWriteLock(() =>
            {
                if (roll)
                {
                    log.Roll();
                }

                var range = Range(log, now);
                return Cleaner.IsSteady(log, range.FirstDirtyOffset, range.FirstUncleanableOffset, now)
                    ? (range, true, null)
                    : (range, false, cleaner.CopyLiveRecords(log, range.FirstDirtyOffset, range.FirstUncleanableOffset));
            });
            var live = taken is { } copy ? LiveRecords.Sort(copy) : null; // outside the lock: appends wait for the copy only
            var stats = steady
                ? cleaner.SteadyPass(log, range.FirstUncleanableOffset)
                : cleaner.Clean(log, range.FirstDirtyOffset, range.FirstUncleanableOffset, live, now, cancellationToken);
            log.FirstDirtyOffset = Math.Max(range.FirstDirtyOffset, stats.EndOffset);
            _checkpoint.Update(log);
            _options.CrashPoints.Hit("Cleaner.AfterCheckpoint");
            state.Failures = 0;
            state.RetryAtMs = 0;
            log.LastCleaned = _time.GetUtcNow();
            log.LastCleaningOutcome = stats.ToString();
            log.LastCleaningFailed = false;
            StateLogInstruments.RecordCleanerPass(log.Topic, log.Partition, _time.GetElapsedTime(started), succeeded: true);
            return stats;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            MarkFailed(log, state, e, now);
            StateLogInstruments.RecordCleanerPass(log.Topic, log.Partition, _time.GetElapsedTime(started), succeeded: false);
            throw;
        }
    }

    /// <summary>The partition's range; a cleaner point outside the log is reset and the checkpoint rewritten (even when not cleaned).</summary>
    private CleanableRange Range(PartitionLog log, long now)
    {
        var range = CleanableRange.Compute(log, now);
        if (range.CheckpointReset)
        {
            log.FirstDirtyOffset = range.FirstDirtyOffset;
            _checkpoint.Update(log);
        }

        return range;
    }

    /// <summary>Whether a segment wholly below the cleaner point holds a tombstone whose horizon has passed.</summary>
    private static bool HasDueTombstones(PartitionLog log, CleanableRange range, long now)
    {
        var segments = log.Segments;
        for (var i = 0; i < segments.Length - 1 && segments[i + 1].BaseOffset <= range.FirstDirtyOffset; i++)
        {
            if (SegmentSummary.GetOrScan(segments[i], log.MaxBatchBytes) is { } summary && summary.HasDueTombstones(now))
            {
                return true;
            }
        }

        return false;
    }

    private void MarkFailed(PartitionLog log, PartitionState state, Exception e, long now)
    {
        log.LastCleaningFailed = true;
        if (e is SwapInterruptedException interrupted)
        {
            state.Disabled = interrupted;
            log.LastCleaningOutcome = string.Create(CultureInfo.InvariantCulture, $"failed at {DateTimeOffset.FromUnixTimeMilliseconds(now):O}: {e.Message}");
            return;
        }

        state.Failures++;
        var factor = Math.Min(1L << Math.Min(state.Failures - 1, 30), MaxBackoffFactor);
        state.RetryAtMs = now + (long)(_options.CleanerBackoff.TotalMilliseconds * factor);
        log.LastCleaningOutcome = string.Create(
            CultureInfo.InvariantCulture,
            $"failed (attempt {state.Failures}) at {DateTimeOffset.FromUnixTimeMilliseconds(now):O}: {e.GetType().Name}: {e.Message} Retrying after {DateTimeOffset.FromUnixTimeMilliseconds(state.RetryAtMs):O}.");
    }

    private bool Enter()
    {
        lock (_activeGate)
        {
            if (_disposed)
            {
                return false;
            }

            _active++;
            return true;
        }
    }

    private void Exit()
    {
        lock (_activeGate)
        {
            _active--;
            Monitor.PulseAll(_activeGate);
        }
    }

    /// <summary>The cleaner's state of one partition: one pass at a time, and its failure backoff.</summary>
    private sealed class PartitionState
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Failures { get; set; }

        public long RetryAtMs { get; set; }

        /// <summary>Set when a swap was interrupted: no more passes until the engine is reopened.</summary>
        public SwapInterruptedException? Disabled { get; set; }
    }
}
