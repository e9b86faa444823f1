using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using StateLog.Configuration;
using StateLog.Diagnostics;
using StateLog.Storage.IO;
using StateLog.Storage.Records;
using StateLog.Storage.Segments;

namespace StateLog.Storage;

/// <summary>
/// One partition: an ordered list of segments, the last of which (the active segment) takes appends, plus the key
/// index. Appends are group-committed: concurrent callers queue their records, one of them becomes the writer and
/// writes everything queued as one batch with one write and (under <see cref="Durability.Fsync"/>) one fsync, then
/// acknowledges them all. Readers never take the write lock; segments are reference-counted.
/// </summary>
internal sealed partial class PartitionLog : IDisposable
{
    /// <summary>A group commit splits into batches of at most this size (Kafka's default max.message.bytes is 1 MiB).</summary>
    private const int TargetBatchBytes = 1024 * 1024;

    /// <summary>How many times a writer takes in late arrivals before its fsync; bounds the wait of the first caller.</summary>
    private const int MaxGathersPerFsync = 4;

    /// <summary>How long the writer lingers for a growing queue: at most this many short spins (about a microsecond each).</summary>
    private const int MaxLingerSpins = 64;

    private const int LingerSpinIterations = 20;

    private readonly StateLogOptions _options;
    private readonly IStorage _storage;
    private readonly object _writeLock = new();
    private readonly object _queueLock = new();
    private readonly object _flushLock = new();
    private readonly RecordBatchBuilder _builder = new();
    private readonly List<KeyUpdate> _keyUpdates = new();
    private List<PendingAppend> _queue = new();
    private List<PendingAppend> _spare = new();
    private bool _writerActive;
    private bool _closed;
    private LogSegment[] _segments;
    private long _nextOffset;
    private long _syncedOffset;
    private Exception? _failure;
    private TaskCompletionSource _appended = NewSignal();
    private long _fsyncCount;
    private long _queued;
    private long _roundBytes;

    private PartitionLog(StateLogOptions options, string topic, int partition, string directory, TopicConfig config, LogSegment[] segments, KeyIndex keys, long recoveryPoint)
    {
        _options = options;
        _storage = options.Storage;
        Topic = topic;
        Partition = partition;
        Directory = directory;
        Config = config;
        _segments = segments;
        Keys = keys;
        _nextOffset = segments[^1].NextOffset;
        _syncedOffset = Math.Min(recoveryPoint, _nextOffset);
        RecoveryPoint = _syncedOffset;
    }

    public string Topic { get; }

    public int Partition { get; }

    public string Directory { get; }

    public TopicConfig Config { get; }

    public KeyIndex Keys { get; }

    /// <summary>The largest batch a reader may meet: a group commit's batch, or one record of up to MaxRecordBytes.</summary>
    public int MaxBatchBytes => Math.Max(TargetBatchBytes, Config.MaxRecordBytes) + Config.MaxRecordBytes + BatchLayout.HeaderSize;

    /// <summary>The segments now, oldest first; the last is the active one.</summary>
    public LogSegment[] Segments => Volatile.Read(ref _segments);

    public LogSegment ActiveSegment => Segments[^1];

    public long LogStartOffset => Segments[0].BaseOffset;

    /// <summary>The offset the next record will get.</summary>
    public long LogEndOffset => Volatile.Read(ref _nextOffset);

    /// <summary>Offsets below this are known to be fsynced (Kafka's recovery point).</summary>
    public long RecoveryPoint { get; private set; }

    public long FsyncCount => Interlocked.Read(ref _fsyncCount);

    public bool IsFailed => _failure is not null;

    public Exception? Failure => _failure;

    /// <summary>Appends one record (a tombstone when <paramref name="value"/> is null) and returns its offset once acknowledged.</summary>
    public ValueTask<RecordPosition> AppendAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte>? value)
    {
        var size = BatchLayout.HeaderSize + RecordBatchBuilder.SizeOfRecord(0, 0, key.Length, value?.Length ?? -1, default, 0);
        if (size > Config.MaxRecordBytes)
        {
            throw new RecordTooLargeException(Topic, size, Config.MaxRecordBytes);
        }

        var pending = PendingAppend.Rent(this, key, value);
        bool lead;
        lock (_queueLock)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            ThrowIfFailed();
            _queue.Add(pending);
            _queued++;
            lead = !_writerActive;
            _writerActive = true;
        }

        if (lead)
        {
            // The writer runs on the thread pool, never on the caller's thread: appends issued while it writes (by
            // other callers, or by one caller that does not await each) pile up and go out together in the next round.
            ThreadPool.UnsafeQueueUserWorkItem(static log => log.WriteLoop(), this, preferLocal: false);
        }

        return pending.AsValueTask();
    }

    /// <summary>Makes every record appended so far durable. A no-op when nothing is unsynced.</summary>
    public void Flush()
    {
        lock (_flushLock)
        {
            var target = LogEndOffset;
            if (target <= Volatile.Read(ref _syncedOffset))
            {
                return;
            }

            var active = ActiveSegment;
            try
            {
                active.Sync();
            }
            catch (IOException e)
            {
                Fail(e);
                throw new PartitionFailedException(Topic, Partition, e);
            }

            Interlocked.Increment(ref _fsyncCount);
            AdvanceSynced(target);
        }
    }

    /// <summary>Seals the active segment and starts a new one, if the active segment holds anything.</summary>
    public void Roll()
    {
        lock (_writeLock)
        {
            ThrowIfFailed();
            RollLocked();
        }
    }

    /// <summary>Rolls the active segment if its first batch is older than <see cref="RollAge"/> (checked on a timer, so idle partitions roll too).</summary>
    public void RollIfOlderThan(long nowMs)
    {
        lock (_writeLock)
        {
            if (_failure is null && ActiveSegment.FirstBatchTimestamp is { } first && nowMs - first >= (long)RollAge.TotalMilliseconds)
            {
                RollLocked();
            }
        }
    }

    /// <summary>A task that completes when a record at or beyond <paramref name="offset"/> exists.</summary>
    public Task WaitForOffsetAsync(long offset, CancellationToken cancellationToken)
    {
        var signal = Volatile.Read(ref _appended);
        return LogEndOffset > offset || _closed ? Task.CompletedTask : signal.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Runs <paramref name="action"/> with appends, rolls and truncations excluded (the cleaner's swap uses it).</summary>
    public T UnderWriteLock<T>(Func<T> action)
    {
        lock (_writeLock)
        {
            return action();
        }
    }

    /// <summary>Publishes a new segment list (after a swap) together with key-index changes, atomically for readers.</summary>
    public void ReplaceSegments(LogSegment[] segments, Action<KeyIndex> updateKeys)
    {
        lock (Keys.Gate)
        {
            Volatile.Write(ref _segments, segments);
            updateKeys(Keys);
        }
    }

    /// <summary>Stops taking appends, waits for the writer, seals nothing but writes the active segment's indexes and fsyncs.</summary>
    public void Close()
    {
        lock (_queueLock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            while (_writerActive)
            {
                Monitor.Wait(_queueLock);
            }
        }

        lock (_writeLock)
        {
            if (_failure is null)
            {
                var active = ActiveSegment;
                active.Sync();
                active.WriteIndexes();
                AdvanceSynced(LogEndOffset);
                lock (Keys.Gate)
                {
                    KeyIndexSnapshot.Write(_storage, Directory, LogEndOffset, Segments, Keys);
                }

                _storage.SyncDirectory(Directory);
            }

            foreach (var segment in Segments)
            {
                segment.Retire(null);
            }
        }

        Interlocked.Exchange(ref _appended, NewSignal()).TrySetResult();
    }

    public void Dispose() => Close();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw new PartitionFailedException(Topic, Partition, failure);
        }
    }

    private void Fail(Exception e) => Interlocked.CompareExchange(ref _failure, e, null);

    private void AdvanceSynced(long offset)
    {
        long current;
        while ((current = Volatile.Read(ref _syncedOffset)) < offset && Interlocked.CompareExchange(ref _syncedOffset, offset, current) != current)
        {
        }
    }

    /// <summary>Writes rounds until the queue is empty.</summary>
    private void WriteLoop()
    {
        while (true)
        {
            WaitWhileQueueGrows();
            List<PendingAppend> round;
            lock (_queueLock)
            {
                if (_queue.Count == 0)
                {
                    _writerActive = false;
                    Monitor.PulseAll(_queueLock);
                    return;
                }

                round = _queue;
                _queue = _spare;
            }

            lock (_writeLock)
            {
                WriteRound(round);
            }

            round.Clear();
            lock (_queueLock)
            {
                _spare = round;
            }
        }
    }

    /// <summary>
    /// While appends keep arriving (a caller issuing many without awaiting each, or many callers), waits a few
    /// microseconds so they go out in one batch and one write instead of many small ones; a lone append finds the
    /// queue unchanged at the first look and is written at once.
    /// </summary>
    private void WaitWhileQueueGrows()
    {
        var seen = Volatile.Read(ref _queued);
        for (var i = 0; i < MaxLingerSpins; i++)
        {
            Thread.SpinWait(LingerSpinIterations);
            var now = Volatile.Read(ref _queued);
            if (now == seen)
            {
                return;
            }

            seen = now;
        }
    }

    private void WriteRound(List<PendingAppend> round)
    {
        if (_failure is { } failure)
        {
            FailAll(round, new PartitionFailedException(Topic, Partition, failure));
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var now = _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var firstSegment = ActiveSegment;
        var sizeBefore = firstSegment.Size;
        var offsetBefore = _nextOffset;
        _keyUpdates.Clear();
        _roundBytes = 0;
        try
        {
            WriteRecords(round, 0, now);
            if (_options.Durability == Durability.Fsync)
            {
                // Appends that arrived while this round was being written share its fsync.
                for (var gathered = 0; gathered < MaxGathersPerFsync; gathered++)
                {
                    var start = round.Count;
                    lock (_queueLock)
                    {
                        if (_queue.Count == 0)
                        {
                            break;
                        }

                        round.AddRange(_queue);
                        _queue.Clear();
                    }

                    WriteRecords(round, start, now);
                }
            }

            _options.CrashPoints.Hit("Log.AfterWrite");
        }
        catch (IOException e)
        {
            UndoRound(firstSegment, sizeBefore, offsetBefore, e, round);
            return;
        }

        if (_options.Durability == Durability.Fsync)
        {
            try
            {
                ActiveSegment.Sync();
                Interlocked.Increment(ref _fsyncCount);
                AdvanceSynced(_nextOffset);
            }
            catch (IOException e)
            {
                // After a failed fsync the page cache may have dropped the data: nothing past it is ever acknowledged.
                Fail(e);
                FailAll(round, new PartitionFailedException(Topic, Partition, e));
                return;
            }
        }

        lock (Keys.Gate)
        {
            foreach (var u in _keyUpdates)
            {
                Keys.Set(u.Hash, u.Location);
            }
        }

        for (var k = 0; k < round.Count; k++)
        {
            round[k].Complete(offsetBefore + k);
        }

        StateLogInstruments.RecordAppend(Topic, Partition, round.Count, _roundBytes, Stopwatch.GetElapsedTime(started));

        Interlocked.Exchange(ref _appended, NewSignal()).TrySetResult();
    }

    /// <summary>Encodes <paramref name="round"/> from <paramref name="start"/> on into batches and appends them, rolling as needed.</summary>
    private void WriteRecords(List<PendingAppend> round, int start, long now)
    {
        var i = start;
        while (i < round.Count)
        {
            _builder.Reset(_nextOffset, now);
            var first = i;
            while (i < round.Count && (i == first || _builder.SizeInBytes < TargetBatchBytes))
            {
                var p = round[i];
                var position = _builder.Append(_nextOffset + (i - first), now, p.Key.Span, p.Value.GetValueOrDefault().Span, p.Value is null);
                _keyUpdates.Add(new KeyUpdate(KeyIndex.Hash(p.Key.Span), new KeyLocation(_nextOffset + (i - first), position, p.Value is null ? -1 : _builder.SizeInBytes - position, 0)));
                i++;
            }

            var batch = _builder.Finish();
            if (ActiveSegment.Size > 0 && ActiveSegment.Size + batch.Length > Config.SegmentBytes)
            {
                RollLocked();
            }

            var segment = ActiveSegment;
            var batchPosition = segment.Size;
            segment.Append(batch, _builder.LastOffset, _builder.MaxTimestamp);
            _roundBytes += batch.Length;
            for (var k = first; k < i; k++)
            {
                var (hash, l) = _keyUpdates[k];
                _keyUpdates[k] = new KeyUpdate(hash, KeyLocation.Of(l.Offset, batchPosition + l.Position, batch.Slice(l.Position, Math.Max(l.Size, 0)), l.IsTombstone));
            }

            Volatile.Write(ref _nextOffset, _builder.LastOffset + 1);
        }
    }

    /// <summary>A write failed (a full disk, say): cut the files back so nothing of this round stays, and fail the round.</summary>
    private void UndoRound(LogSegment firstSegment, long sizeBefore, long offsetBefore, IOException cause, List<PendingAppend> round)
    {
        try
        {
            foreach (var segment in Segments.Where(s => s.BaseOffset > firstSegment.BaseOffset))
            {
                segment.TruncateTo(0);
            }

            firstSegment.TruncateTo(sizeBefore);
            Volatile.Write(ref _nextOffset, offsetBefore);
        }
        catch (IOException e)
        {
            Fail(e);
        }

        FailAll(round, new StateLogException($"Appending to partition {Partition} of topic '{Topic}' failed: {cause.Message} Nothing of this append was kept.", cause));
    }

    private static void FailAll(List<PendingAppend> round, Exception e)
    {
        foreach (var p in round)
        {
            p.Fail(e);
        }
    }

    private void RollLocked()
    {
        var old = ActiveSegment;
        if (old.Size == 0)
        {
            return;
        }

        LogSegment segment;
        try
        {
            old.Sync();
            Interlocked.Increment(ref _fsyncCount);
            old.WriteIndexes();
            _options.CrashPoints.Hit("Log.BeforeRoll");
            segment = LogSegment.Create(_storage, Directory, _nextOffset, Config.IndexIntervalBytes);
            _storage.SyncDirectory(Directory);
        }
        catch (IOException e)
        {
            // A failed fsync, or a new segment file left behind whose folder entry is not durable: appending on into the
            // old segment would put offsets on disk that the next segment's name claims (recovery then finds them out of
            // order), so the partition fails until it is reopened.
            Fail(e);
            throw;
        }

        lock (Keys.Gate)
        {
            Volatile.Write(ref _segments, [.. Segments, segment]);
        }

        AdvanceSynced(segment.BaseOffset);
        RecoveryPoint = Math.Max(RecoveryPoint, segment.BaseOffset);
    }

    /// <summary>
    /// One queued append and the completion its caller awaits. Pooled (a <see cref="IValueTaskSource{TResult}"/> reset
    /// after its result is read), so an append allocates nothing of its own on the hot path.
    /// </summary>
    private sealed class PendingAppend : IValueTaskSource<RecordPosition>
    {
        private const int MaxPooled = 4096;
        private static readonly ConcurrentQueue<PendingAppend> Pool = new();
        private ManualResetValueTaskSourceCore<RecordPosition> _core = new() { RunContinuationsAsynchronously = true };
        private PartitionLog? _log;

        public ReadOnlyMemory<byte> Key { get; private set; }

        public ReadOnlyMemory<byte>? Value { get; private set; }

        public static PendingAppend Rent(PartitionLog log, ReadOnlyMemory<byte> key, ReadOnlyMemory<byte>? value)
        {
            var pending = Pool.TryDequeue(out var pooled) ? pooled : new PendingAppend();
            pending._log = log;
            pending.Key = key;
            pending.Value = value;
            return pending;
        }

        public ValueTask<RecordPosition> AsValueTask() => new(this, _core.Version);

        public void Complete(long offset) => _core.SetResult(new RecordPosition(_log!.Topic, _log.Partition, offset));

        public void Fail(Exception e) => _core.SetException(e);

        public RecordPosition GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                _core.Reset();
                _log = null;
                Key = default;
                Value = null;
                if (Pool.Count < MaxPooled)
                {
                    Pool.Enqueue(this);
                }
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }

    private readonly record struct KeyUpdate(UInt128 Hash, KeyLocation Location);
}
