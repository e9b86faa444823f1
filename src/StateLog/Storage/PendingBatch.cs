using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using StateLog.Storage.Records;

namespace StateLog.Storage;

/// <summary>
/// Appends to one partition that will go out as one RecordBatch, and the one completion all of them await.
/// Callers encode their records straight into the batch (<see cref="Add"/>, under the partition's queue lock): record
/// offsets are deltas, so the base offset is given when the writer writes it. Each append's
/// <see cref="ValueTask{TResult}"/> carries its index in the batch as the token, so acknowledging a thousand appends is
/// one state change and whatever continuations wait, not a thousand completions. Pooled and reference-counted: the
/// writer holds one reference until it has signalled the batch, each handed-out task one until its result is read,
/// and the batch goes back to the pool when the last is let go.
/// </summary>
internal sealed class PendingBatch : IValueTaskSource<RecordPosition>, IValueTaskSource
{
    /// <summary>The most appends one batch takes: an append's index must fit the <see cref="ValueTask{TResult}"/> token.</summary>
    public const int MaxRecords = short.MaxValue;

    private const int MaxPooled = 64;
    private const int Pending = 0;
    private const int Succeeded = 1;
    private const int Failed = 2;

    private static readonly ConcurrentQueue<PendingBatch> Pool = new();
    private static int _pooled;

    private readonly Lock _gate = new();
    private readonly List<Waiter> _moreWaiters = new();
    private PartitionLog? _log;
    private int _state;
    private ExceptionDispatchInfo? _error;
    private int _references;
    private Waiter _firstWaiter;

    /// <summary>The encoded records; detached (and reused for another batch) once the batch is written.</summary>
    public Stage? Staged { get; private set; }

    public int Count { get; private set; }

    /// <summary>The offset of the batch's first record, given by the writer when it writes the batch.</summary>
    public long BaseOffset { get; set; }

    /// <summary>Whether a writer has taken the batch from the queue (written under the partition's queue lock; read without it
    /// only as a hint, checked again under the lock).</summary>
    public bool IsTaken { get; set; }

    /// <summary>Whether another record may join: under the record limit, and the batch below <paramref name="targetBytes"/>.</summary>
    public bool HasRoom(int targetBytes) => Count < MaxRecords && Staged!.Builder.SizeInBytes < targetBytes;

    /// <summary>A batch for <paramref name="log"/> whose records are encoded into <paramref name="stage"/>, stamped <paramref name="timestamp"/>.</summary>
    public static PendingBatch Rent(PartitionLog log, Stage stage, long timestamp)
    {
        var batch = Pool.TryDequeue(out var pooled) ? pooled : new PendingBatch();
        if (pooled is not null)
        {
            Interlocked.Decrement(ref _pooled);
        }

        batch._log = log;
        batch._references = 1;
        batch.IsTaken = false;
        batch.Staged = stage;
        stage.Builder.Reset(0, timestamp);
        stage.Records.Clear();
        return batch;
    }

    /// <summary>Encodes one record at the end of the batch and returns its index in the batch (see <see cref="Await"/>).</summary>
    public int Add(UInt128 keyHash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool isTombstone)
    {
        var stage = Staged!;
        var builder = stage.Builder;
        var index = Count;
        var position = builder.Append(index, builder.BaseTimestamp, key, value, isTombstone);
        stage.Records.Add(new StagedRecord(keyHash, position, isTombstone ? -1 : builder.SizeInBytes - position));
        Count = index + 1;
        return index;
    }

    /// <summary>The task of the record at <paramref name="index"/>: its position once the batch is acknowledged. Called
    /// under the partition's queue lock, before the writer takes the batch; each task's result must be read once.</summary>
    public ValueTask<RecordPosition> Await(int index)
    {
        _references++;
        return new ValueTask<RecordPosition>(this, (short)index);
    }

    /// <summary>A task that completes when the whole batch is acknowledged, for a caller that appended many records to it
    /// at once (see <see cref="PartitionLog.AppendBatchAsync"/>); called under the partition's queue lock, like <see cref="Await"/>.</summary>
    public ValueTask AwaitAll()
    {
        _references++;
        return new ValueTask(this, (short)(Count - 1));
    }

    /// <summary>The writer is done with the batch (it has signalled it): lets go of the writer's reference.</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Return();
        }
    }

    /// <summary>Takes the encoded records away once they are written, so the stage serves another batch while this one's results are read.</summary>
    public Stage DetachStage()
    {
        var stage = Staged!;
        Staged = null;
        return stage;
    }

    /// <summary>Acknowledges every append of the batch: the first got <see cref="BaseOffset"/>, the others the offsets after it.</summary>
    public void Complete() => Signal(Succeeded, null);

    /// <summary>Fails every append of the batch with <paramref name="error"/> (each awaiter rethrows it with its own stack trace).</summary>
    public void Fail(Exception error) => Signal(Failed, ExceptionDispatchInfo.Capture(error));

    public ValueTaskSourceStatus GetStatus(short token) => Volatile.Read(ref _state) switch
    {
        Pending => ValueTaskSourceStatus.Pending,
        Succeeded => ValueTaskSourceStatus.Succeeded,
        _ => ValueTaskSourceStatus.Faulted,
    };

    public RecordPosition GetResult(short token)
    {
        var state = Volatile.Read(ref _state);
        if (state == Pending || (uint)token >= (uint)Count)
        {
            throw new InvalidOperationException("An append's result was read before it completed, or with a token not of this batch.");
        }

        var log = _log!;
        var result = new RecordPosition(log.Topic, log.Partition, BaseOffset + token);
        var error = _error;
        Release();
        if (state == Failed)
        {
            error!.Throw();
        }

        return result;
    }

    void IValueTaskSource.GetResult(short token) => GetResult(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
    {
        var waiter = Waiter.Capture(continuation, state, flags);
        PartitionLog? log = null;
        var registered = false;
        lock (_gate)
        {
            if (_state == Pending)
            {
                registered = true;
                if (_firstWaiter.Continuation is null)
                {
                    _firstWaiter = waiter;
                }
                else
                {
                    _moreWaiters.Add(waiter);
                }

                log = _log;
            }
        }

        if (!registered)
        {
            waiter.Schedule();
        }
        else
        {
            // Being waited for is what gets a queued batch written (PartitionLog.RequestWrite). The batch may be written, and
            // even reused, by now: such a request at worst starts a write early.
            log?.RequestWrite(this);
        }
    }

    private void Signal(int state, ExceptionDispatchInfo? error)
    {
        Waiter first;
        Waiter[]? more = null;
        lock (_gate)
        {
            _error = error;
            Volatile.Write(ref _state, state);
            first = _firstWaiter;
            _firstWaiter = default;
            if (_moreWaiters.Count > 0)
            {
                more = _moreWaiters.ToArray();
                _moreWaiters.Clear();
            }
        }

        // Continuations run on the thread pool (or their captured context), never on the writer's thread: a caller that
        // blocks in its continuation must not stall the partition's writer.
        if (first.Continuation is not null)
        {
            first.Schedule();
        }

        if (more is not null)
        {
            foreach (var waiter in more)
            {
                waiter.Schedule();
            }
        }
    }

    private void Return()
    {
        _log = null;
        _error = null;
        BaseOffset = 0;
        Count = 0;
        Volatile.Write(ref _state, Pending);
        if (Interlocked.Increment(ref _pooled) <= MaxPooled)
        {
            Pool.Enqueue(this);
        }
        else
        {
            Interlocked.Decrement(ref _pooled);
        }
    }

    /// <summary>One record's part of the key-index update the writer makes once the batch is written.</summary>
    /// <param name="KeyHash">The key's <see cref="KeyIndex.Hash"/>.</param>
    /// <param name="Position">The record's position in the batch.</param>
    /// <param name="Size">The record's encoded size, or -1 for a tombstone.</param>
    public readonly record struct StagedRecord(UInt128 KeyHash, int Position, int Size);

    /// <summary>The buffers a batch is encoded into; a partition keeps a few and moves them from batch to batch.</summary>
    public sealed class Stage : IDisposable
    {
        public RecordBatchBuilder Builder { get; } = new();

        public List<StagedRecord> Records { get; } = new();

        public void Dispose() => Builder.Dispose();
    }

    /// <summary>A continuation waiting for the batch, with the context it must run in (as <see cref="ManualResetValueTaskSourceCore{TResult}"/> captures it).</summary>
    private readonly record struct Waiter(Action<object?>? Continuation, object? State, ExecutionContext? Context, object? Scheduler)
    {
        public static Waiter Capture(Action<object?> continuation, object? state, ValueTaskSourceOnCompletedFlags flags)
        {
            var context = (flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0 ? ExecutionContext.Capture() : null;
            object? scheduler = null;
            if ((flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0)
            {
                var sc = SynchronizationContext.Current;
                if (sc is not null && sc.GetType() != typeof(SynchronizationContext))
                {
                    scheduler = sc;
                }
                else if (TaskScheduler.Current is var ts && ts != TaskScheduler.Default)
                {
                    scheduler = ts;
                }
            }

            return new Waiter(continuation, state, context, scheduler);
        }

        public void Schedule()
        {
            if (Context is null)
            {
                Dispatch(flowContext: false);
            }
            else
            {
                ExecutionContext.Run(Context, static s => ((Waiter)s!).Dispatch(flowContext: true), this);
            }
        }

        private void Dispatch(bool flowContext)
        {
            switch (Scheduler)
            {
                case SynchronizationContext sc:
                    sc.Post(static s => ((Waiter)s!).Invoke(), this);
                    break;
                case TaskScheduler ts:
                    Task.Factory.StartNew(Continuation!, State, CancellationToken.None, TaskCreationOptions.DenyChildAttach, ts);
                    break;
                case null when flowContext:
                    ThreadPool.QueueUserWorkItem(Continuation!, State, preferLocal: false);
                    break;
                default:
                    ThreadPool.UnsafeQueueUserWorkItem(Continuation!, State, preferLocal: false);
                    break;
            }
        }

        private void Invoke() => Continuation!(State);
    }
}
