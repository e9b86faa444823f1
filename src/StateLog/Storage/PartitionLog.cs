using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using StateLog.Configuration;
using StateLog.Diagnostics;
using StateLog.Storage.IO;
using StateLog.Storage.Records;
using StateLog.Storage.Segments;

namespace StateLog.Storage;

/// <summary>
/// One partition: an ordered list of segments, the last of which (the active segment) takes appends, plus the key
/// index. Appends are group-committed: callers encode their records straight into the open batch (a
/// <see cref="PendingBatch"/>) on their own threads, and a writer (on the thread pool, or on the thread of a batch
/// call, flush or close that finds none running) writes everything staged as few batches with one write each and
/// (under <see cref="Durability.Fsync"/>) one fsync, then acknowledges each batch at once. The writer starts when the queue is wanted: someone awaits a queued append (<see cref="RequestWrite"/>), a
/// batch is full, a batch call, a flush or a close asks, or the oldest queued record has waited
/// <see cref="StateLogOptions.AppendLinger"/>. So a caller that issues many appends before awaiting them gets them
/// written together, not in rounds of whatever a racing writer found so far. Readers never take the write lock;
/// segments are reference-counted.
/// </summary>
internal sealed partial class PartitionLog : IDisposable
{
    /// <summary>A group commit splits into batches of at most this size (Kafka's default max.message.bytes is 1 MiB).</summary>
    private const int TargetBatchBytes = 1024 * 1024;

    /// <summary>How many times a writer takes in late arrivals before its fsync; bounds the wait of the first caller.</summary>
    private const int MaxGathersPerFsync = 4;

    /// <summary>How long the writer waits for a growing queue before an fsync: at most this many short spins (about a microsecond each).</summary>
    private const int MaxGrowthSpins = 64;

    private const int GrowthSpinIterations = 20;

    /// <summary>Encoding buffers kept for the next batches; a burst that staged more gives the rest back to the pool.</summary>
    private const int MaxSpareStages = 4;

    private readonly StateLogOptions _options;
    private readonly IStorage _storage;
    private readonly object _writeLock = new();
    private readonly object _queueLock = new();
    private readonly object _flushLock = new();
    private readonly List<KeyIndex.Update> _keyUpdates = new();
    private readonly Stack<PendingBatch.Stage> _spareStages = new();
    private readonly List<PendingBatch.Stage> _writtenStages = new();
    private List<PendingBatch> _queue = new();
    private List<PendingBatch> _spare = new();
    private bool _writerActive;
    private bool _writeWanted;
    private bool _lingerArmed;
    private Timer? _lingerTimer;
    private long _queuedSince;
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

    /// <summary>
    /// Appends one record (a tombstone when <paramref name="value"/> is null) and returns its offset once acknowledged.
    /// The key and value bytes are copied into the open batch before this returns.
    /// </summary>
    public ValueTask<RecordPosition> AppendAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte>? value)
    {
        ThrowIfTooLarge(key, value);
        var keyBytes = key.Span;
        var hash = KeyIndex.Hash(keyBytes);
        ValueTask<RecordPosition> appended;
        bool lead;
        lock (_queueLock)
        {
            ThrowIfNotAppendable();
            var batch = OpenBatchLocked();
            appended = batch.Await(batch.Add(hash, keyBytes, value.GetValueOrDefault().Span, value is null));
            _queued++;
            lead = TryBecomeWriterLocked();
        }

        StartWriter(lead);
        return appended;
    }

    /// <summary>
    /// Appends <paramref name="records"/> (a tombstone where the value is null) in order, under one lock: into the open
    /// batch and as many new ones as they need. They are all staged before the writer can take any, so they go out in
    /// one round and share its outcome; the task completes when that round is acknowledged. Every size is checked
    /// before anything is appended, and the bytes are copied before this returns.
    /// </summary>
    public ValueTask AppendBatchAsync(ReadOnlySpan<(ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte>? Value)> records)
    {
        if (records.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        // Hashing outside the lock keeps concurrent appenders (and the writer taking the queue) from waiting on it.
        var hashes = ArrayPool<UInt128>.Shared.Rent(records.Length);
        try
        {
            for (var i = 0; i < records.Length; i++)
            {
                ThrowIfTooLarge(records[i].Key, records[i].Value);
                hashes[i] = KeyIndex.Hash(records[i].Key.Span);
            }

            ValueTask appended;
            bool lead;
            lock (_queueLock)
            {
                ThrowIfNotAppendable();
                PendingBatch? batch = null;
                for (var i = 0; i < records.Length; i++)
                {
                    var (key, value) = records[i];
                    batch = OpenBatchLocked();
                    batch.Add(hashes[i], key.Span, value.GetValueOrDefault().Span, value is null);
                }

                appended = batch!.AwaitAll();
                _queued += records.Length;
                lead = WantWriteLocked();
            }

            if (lead && _options.Durability == Durability.Buffered)
            {
                // A whole batch at hand leaves nothing to gather: the caller writes the round itself (a write to the page
                // cache, as FlushAsync's fsync runs on the caller's thread) instead of waking the writer thread and
                // waiting to be woken in turn. Whatever others append meanwhile goes to the thread-pool writer.
                WriteRounds(maxRounds: 1);
            }
            else
            {
                StartWriter(lead);
            }

            return appended;
        }
        finally
        {
            ArrayPool<UInt128>.Shared.Return(hashes);
        }
    }

    /// <summary>Throws <see cref="RecordTooLargeException"/> when the record, alone in a batch, would exceed MaxRecordBytes.</summary>
    public void ThrowIfTooLarge(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte>? value)
    {
        var size = BatchLayout.HeaderSize + RecordBatchBuilder.SizeOfRecord(0, 0, key.Length, value?.Length ?? -1, default, 0);
        if (size > Config.MaxRecordBytes)
        {
            throw new RecordTooLargeException(Topic, size, Config.MaxRecordBytes);
        }
    }

    /// <summary>
    /// Makes every record written so far durable, writing first what is queued (on this thread, unless a writer is
    /// already running: it takes the queue itself, and what it has not written by then is not covered). A no-op when
    /// nothing is unsynced.
    /// </summary>
    public void Flush()
    {
        WriteQueued();
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

    /// <summary>Stops taking appends, writes what is queued, seals nothing but writes the active segment's indexes and fsyncs.</summary>
    public void Close()
    {
        lock (_queueLock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        // Nothing can be appended any more, so this drains the queue, unless a writer already runs: then wait for it.
        WriteQueued();
        lock (_queueLock)
        {
            while (_writerActive)
            {
                Monitor.Wait(_queueLock);
            }
        }

        _lingerTimer?.Dispose();

        lock (_writeLock)
        {
            try
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
            }
            finally
            {
                // A close that could not sync still lets go of its files: it cannot be retried (it is closed already).
                RetireSegments();
            }
        }

        lock (_queueLock)
        {
            while (_spareStages.TryPop(out var stage))
            {
                stage.Dispose();
            }
        }

        Interlocked.Exchange(ref _appended, NewSignal()).TrySetResult();
    }

    private void RetireSegments()
    {
        foreach (var segment in Segments)
        {
            segment.Retire(null);
        }
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

    private void ThrowIfNotAppendable()
    {
        ObjectDisposedException.ThrowIf(_closed, this);
        ThrowIfFailed();
    }

    /// <summary>Starts the writer on what is queued, unless a writer has taken <paramref name="batch"/> (which a caller now awaits) already.</summary>
    public void RequestWrite(PendingBatch batch)
    {
        // A hint without the lock: a stale answer only costs taking it.
        if (batch.IsTaken)
        {
            return;
        }

        bool lead;
        lock (_queueLock)
        {
            if (batch.IsTaken)
            {
                return;
            }

            lead = WantWriteLocked();
        }

        StartWriter(lead);
    }

    /// <summary>
    /// Writes what is queued on the caller's thread, when no writer runs: a flush or a close needs it written, not
    /// started, and must not wait for a free thread-pool thread.
    /// </summary>
    private void WriteQueued()
    {
        bool lead;
        lock (_queueLock)
        {
            lead = WantWriteLocked();
        }

        if (lead)
        {
            WriteLoop();
        }
    }

    /// <summary>
    /// Marks what is queued as wanted; returns whether the caller must start the writer (see
    /// <see cref="TryBecomeWriterLocked"/>). An empty queue stays unwanted, or the next append would be written at once.
    /// </summary>
    private bool WantWriteLocked()
    {
        if (_queue.Count == 0)
        {
            return false;
        }

        _writeWanted = true;
        return TryBecomeWriterLocked();
    }

    /// <summary>
    /// Whether the caller must start the writer: the (non-empty) queue is wanted and no writer runs; from now on one
    /// does. Records nobody wants yet arm the linger timer instead.
    /// </summary>
    private bool TryBecomeWriterLocked()
    {
        if (_writerActive)
        {
            return false;
        }

        if (!_writeWanted)
        {
            ArmLingerLocked();
            return false;
        }

        _writerActive = true;
        return true;
    }

    /// <summary>Makes sure the timer goes off when the oldest queued record has waited the linger.</summary>
    private void ArmLingerLocked()
    {
        if (_lingerArmed || _closed)
        {
            return;
        }

        _lingerTimer ??= CreateLingerTimer();
        var left = LingerLeftLocked();
        _lingerTimer.Change(left > TimeSpan.Zero ? left : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        _lingerArmed = true;
    }

    /// <summary>
    /// A real timer whatever the options' <see cref="TimeProvider"/>: the linger is what writes a record nobody awaits,
    /// and that must happen under a fake clock too. It must not hold on to the ExecutionContext (AsyncLocals) of
    /// whichever caller appended first, and the caller may have suppressed the flow already.
    /// </summary>
    private Timer CreateLingerTimer()
    {
        var suppressed = ExecutionContext.IsFlowSuppressed();
        if (!suppressed)
        {
            ExecutionContext.SuppressFlow();
        }

        try
        {
            return new Timer(static log => ((PartitionLog)log!).OnLinger(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
        finally
        {
            if (!suppressed)
            {
                ExecutionContext.RestoreFlow();
            }
        }
    }

    /// <summary>Writes the queue if its oldest record has waited the whole linger; the timer may have been armed for records written since.</summary>
    private void OnLinger()
    {
        bool lead;
        lock (_queueLock)
        {
            _lingerArmed = false;
            if (_queue.Count == 0)
            {
                return;
            }

            if (!_writeWanted && LingerLeftLocked() > TimeSpan.Zero)
            {
                ArmLingerLocked();
                return;
            }

            lead = WantWriteLocked();
        }

        StartWriter(lead);
    }

    private TimeSpan LingerLeftLocked() => _options.AppendLinger - Stopwatch.GetElapsedTime(_queuedSince);

    /// <summary>Hands the writer <paramref name="batches"/>: they are taken, and what is queued after them waits to be wanted again.</summary>
    private void MarkTakenLocked(List<PendingBatch> batches)
    {
        foreach (var batch in batches)
        {
            batch.IsTaken = true;
        }

        _writeWanted = false;
    }

    private void StartWriter(bool lead)
    {
        if (lead)
        {
            // The writer runs on the thread pool, never on the caller's thread: appends issued while it writes (by
            // other callers, or by one caller that does not await each) pile up and go out together in a later round.
            ThreadPool.UnsafeQueueUserWorkItem(static log => log.WriteLoop(), this, preferLocal: false);
        }
    }

    /// <summary>The batch the next append joins: the newest staged one while it has room, else a new one.</summary>
    private PendingBatch OpenBatchLocked()
    {
        if (_queue.Count > 0 && _queue[^1] is var open && open.HasRoom(TargetBatchBytes))
        {
            return open;
        }

        if (_queue.Count > 0)
        {
            // A full batch is ready to go, awaited or not.
            _writeWanted = true;
        }
        else
        {
            _queuedSince = Stopwatch.GetTimestamp();
        }

        var stage = _spareStages.TryPop(out var spare) ? spare : new PendingBatch.Stage();
        var batch = PendingBatch.Rent(this, stage, _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        _queue.Add(batch);
        return batch;
    }

    /// <summary>Writes rounds while the queue is wanted.</summary>
    private void WriteLoop() => WriteRounds(int.MaxValue);

    /// <summary>Writes rounds while the queue is wanted, or at most <paramref name="maxRounds"/> and then hands the writer's part to the thread pool.</summary>
    private void WriteRounds(int maxRounds)
    {
        for (var written = 0; ; written++)
        {
            if (_options.Durability == Durability.Fsync)
            {
                WaitWhileQueueGrows();
            }

            List<PendingBatch> round;
            lock (_queueLock)
            {
                if (_queue.Count == 0 || !_writeWanted)
                {
                    _writerActive = false;
                    if (_queue.Count > 0)
                    {
                        ArmLingerLocked();
                    }

                    Monitor.PulseAll(_queueLock);
                    return;
                }

                if (written == maxRounds)
                {
                    StartWriter(lead: true);
                    return;
                }

                round = _queue;
                _queue = _spare;
                MarkTakenLocked(round);
            }

            lock (_writeLock)
            {
                WriteRound(round);
            }

            round.Clear();
            lock (_queueLock)
            {
                _spare = round;
                foreach (var stage in _writtenStages)
                {
                    if (_spareStages.Count < MaxSpareStages)
                    {
                        _spareStages.Push(stage);
                    }
                    else
                    {
                        stage.Dispose();
                    }
                }
            }

            _writtenStages.Clear();
        }
    }

    /// <summary>
    /// Under <see cref="Durability.Fsync"/>, while appends keep arriving (many callers), waits a few microseconds so
    /// they share the round's fsync; a lone append finds the queue unchanged at the first look and is written at once.
    /// </summary>
    private void WaitWhileQueueGrows()
    {
        var seen = Volatile.Read(ref _queued);
        for (var i = 0; i < MaxGrowthSpins; i++)
        {
            Thread.SpinWait(GrowthSpinIterations);
            var now = Volatile.Read(ref _queued);
            if (now == seen)
            {
                return;
            }

            seen = now;
        }
    }

    private void WriteRound(List<PendingBatch> round)
    {
        if (_failure is { } failure)
        {
            FailAll(round, new PartitionFailedException(Topic, Partition, failure));
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var firstSegment = ActiveSegment;
        var sizeBefore = firstSegment.Size;
        var offsetBefore = _nextOffset;
        _keyUpdates.Clear();
        _roundBytes = 0;
        try
        {
            WriteBatches(round, 0);
            if (_options.Durability == Durability.Fsync)
            {
                // Appends that arrived while this round was being written share its fsync.
                for (var gathered = 0; gathered < MaxGathersPerFsync; gathered++)
                {
                    var start = round.Count;
                    lock (_queueLock)
                    {
                        if (_queue.Count == 0 || !_writeWanted)
                        {
                            break;
                        }

                        MarkTakenLocked(_queue);
                        round.AddRange(_queue);
                        _queue.Clear();
                    }

                    WriteBatches(round, start);
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
            Keys.SetMany(CollectionsMarshal.AsSpan(_keyUpdates));
        }

        var records = 0;
        foreach (var batch in round)
        {
            records += batch.Count;
            _writtenStages.Add(batch.DetachStage());
            batch.Complete();
            batch.Release();
        }

        StateLogInstruments.RecordAppend(Topic, Partition, records, _roundBytes, Stopwatch.GetElapsedTime(started));

        Interlocked.Exchange(ref _appended, NewSignal()).TrySetResult();
    }

    /// <summary>Gives the staged batches of <paramref name="round"/> from <paramref name="start"/> on their offsets and appends them, rolling as needed.</summary>
    private void WriteBatches(List<PendingBatch> round, int start)
    {
        for (var b = start; b < round.Count; b++)
        {
            var pending = round[b];
            var builder = pending.Staged!.Builder;
            var baseOffset = _nextOffset;
            builder.Rebase(baseOffset);
            var batch = builder.FinishHeader();
            if (ActiveSegment.Size > 0 && ActiveSegment.Size + batch.Length > Config.SegmentBytes)
            {
                RollLocked();
            }

            var segment = ActiveSegment;
            var batchPosition = segment.Size;
            builder.SetCrc(ChecksumRecords(batch, pending.Staged.Records, baseOffset, batchPosition));
            segment.Append(batch, builder.LastOffset, builder.MaxTimestamp);
            _roundBytes += batch.Length;
            pending.BaseOffset = baseOffset;
            Volatile.Write(ref _nextOffset, builder.LastOffset + 1);
        }
    }

    /// <summary>
    /// Computes the CRC-32C of <paramref name="batch"/> and, in the same pass, of each of its records, and adds each
    /// record's key-index update (a point read checks the record's own CRC) to the round's.
    /// </summary>
    private uint ChecksumRecords(ReadOnlySpan<byte> batch, List<PendingBatch.StagedRecord> records, long baseOffset, long batchPosition)
    {
        var crc = Crc32C.Compute(batch[BatchLayout.Attributes..BatchLayout.Records]);
        for (var k = 0; k < records.Count; k++)
        {
            var (hash, position, size) = records[k];
            var end = k + 1 < records.Count ? records[k + 1].Position : batch.Length;
            var bytes = batch[position..end];
            uint checksum = 0;
            crc = size < 0 ? Crc32C.Append(crc, bytes) : Crc32C.Append(crc, bytes, out checksum);
            _keyUpdates.Add(new KeyIndex.Update(hash, new KeyLocation(baseOffset + k, (int)(batchPosition + position), size, checksum)));
        }

        return crc;
    }

    /// <summary>A write failed (a full disk, say): cut the files back so nothing of this round stays, and fail the round.</summary>
    private void UndoRound(LogSegment firstSegment, long sizeBefore, long offsetBefore, IOException cause, List<PendingBatch> round)
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

    /// <summary>Fails every append of <paramref name="round"/>; their stages go back for reuse first (a failed batch may be returned to its pool at once).</summary>
    private void FailAll(List<PendingBatch> round, Exception e)
    {
        foreach (var batch in round)
        {
            _writtenStages.Add(batch.DetachStage());
            batch.Fail(e);
            batch.Release();
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
}
