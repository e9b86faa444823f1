using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;
using StateLog.Storage;

namespace StateLog;

/// <summary>
/// A byte-level compacted topic: the same operations as a typed client over raw key and value bytes.
/// Obtained from <see cref="StateLogEngine.GetTopic(string, int?)"/>; typed clients are thin wrappers over it.
/// </summary>
public sealed class TopicLog
{
    private readonly StateLogEngine _engine;
    private readonly PartitionLog[] _partitions;

    internal TopicLog(StateLogEngine engine, string name, PartitionLog[] partitions)
    {
        _engine = engine;
        Name = name;
        _partitions = partitions;
    }

    /// <summary>The topic name.</summary>
    public string Name { get; }

    /// <summary>The number of partitions.</summary>
    public int PartitionCount => _partitions.Length;

    internal IReadOnlyList<PartitionLog> PartitionLogs => _partitions;

    internal StateLogEngine Engine => _engine;

    /// <summary>The partition of <paramref name="key"/>: Kafka's default partitioner, <c>(murmur2(key) &amp; 0x7fffffff) % partitions</c>.</summary>
    public int PartitionFor(ReadOnlySpan<byte> key) => KafkaPartitioner.Partition(key, _partitions.Length);

    /// <summary>Appends <paramref name="value"/> under <paramref name="key"/>.</summary>
    /// <remarks>
    /// The bytes are copied before this returns; the record is written once its task is awaited, so appends issued
    /// before any is awaited share one batch, one write and (under <see cref="Durability.Fsync"/>) one fsync. An append
    /// nobody awaits is written after about 5 ms, or sooner when a batch fills, the topic is flushed or the engine closes.
    /// </remarks>
    /// <exception cref="RecordTooLargeException">The record exceeds MaxRecordBytes; nothing was written.</exception>
    /// <exception cref="PartitionFailedException">The partition refuses writes after a storage failure.</exception>
    public ValueTask<RecordPosition> PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        AppendAsync(key, value, cancellationToken);

    /// <summary>Appends a tombstone for <paramref name="key"/>; written as <see cref="PutAsync"/> is.</summary>
    public ValueTask<RecordPosition> DeleteAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default) =>
        AppendAsync(key, null, cancellationToken);

    /// <summary>
    /// Appends many records in one call: each as <see cref="PutAsync"/> would (or, where the value is null, as
    /// <see cref="DeleteAsync"/> would), in order, but each partition's share under one lock and behind one completion
    /// instead of one per record: the byte level's WriteBatch, for a caller that has many records at hand. The key and
    /// value bytes are copied before this method returns, so <paramref name="records"/> and the memory it refers to
    /// may be reused at once. Returns when every record is acknowledged (fsynced under <see cref="Durability.Fsync"/>).
    /// </summary>
    /// <remarks>
    /// A partition's records of one call go out in the same write of its writer, so they are acknowledged, or fail,
    /// together; and they keep their order there, after the appends issued before the call. Across partitions
    /// there is no such bond: when one partition fails, the records of the others are kept.
    /// </remarks>
    /// <param name="records">Each record's key and value; a null value appends a tombstone.</param>
    /// <param name="cancellationToken">Checked once, before anything is appended.</param>
    /// <exception cref="RecordTooLargeException">A record exceeds MaxRecordBytes; nothing was appended.</exception>
    /// <exception cref="PartitionFailedException">A partition refuses writes after a storage failure.</exception>
    public ValueTask AppendBatchAsync(ReadOnlySpan<(ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte>? Value)> records, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            return _partitions.Length == 1 ? _partitions[0].AppendBatchAsync(records) : AppendToEachPartition(records);
        }
        catch (StateLogException e)
        {
            return ValueTask.FromException(e);
        }
    }

    /// <summary>The latest value for <paramref name="key"/>, or <see langword="null"/> if absent or deleted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // see PartitionLog.GetLatest
    public ValueTask<byte[]?> GetAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(PartitionOf(key.Span).GetLatest(key.Span));
    }

    /// <summary>The records now in the log, in offset order per partition, tombstones included.</summary>
    public IAsyncEnumerable<LogRecord> ReadAsync(ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ReadOptions();
        if (options.Partition is { } p && (p < 0 || p >= _partitions.Length))
        {
            throw new ArgumentOutOfRangeException(nameof(options), p, $"Topic '{Name}' has partitions 0 to {_partitions.Length - 1}.");
        }

        if (options.Partition is { } one)
        {
            return ReadPartitionAsync(_partitions[one], options.FromOffset, options.Follow, cancellationToken);
        }

        return options.Follow ? FollowAllAsync(options.FromOffset, cancellationToken) : ReadAllAsync(options.FromOffset, cancellationToken);
    }

    /// <summary>The latest record of every live key.</summary>
    public IAsyncEnumerable<LogRecord> GetAllAsync(CancellationToken cancellationToken = default) => new LatestRecordScan(_partitions, cancellationToken);

    /// <summary>Returns when every write acknowledged so far is fsynced.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var partition in _partitions)
        {
            partition.Flush();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Rolls the active segments and cleans every partition now, whatever its dirty ratio, still honouring
    /// MinCompactionLag and DeleteRetention; returns when done, with what it did. Partitions are cleaned up to one per
    /// core at once (four at most), and a pass from the key index that rewrites more than one group of segments (32 MiB
    /// or more in all) copies them on the cores its partition was given, where the background cleaner uses its one thread.
    /// </summary>
    /// <exception cref="CompactionFailedException">Some partitions could not be cleaned; the others were.</exception>
    public ValueTask<CompactionResult> CompactAsync(CancellationToken cancellationToken = default) =>
        _engine.Cleaner.CompactAsync(Name, _partitions, cancellationToken);

    /// <summary>Offsets, sizes and cleaner state of every partition.</summary>
    public TopicStats GetStats() => new(Name, _partitions.Select(p => p.GetStats()).ToArray());

    /// <summary>
    /// Hands the latest value of <paramref name="key"/> to <paramref name="read"/> while its bytes are valid, without
    /// copying it into an array first (typed clients deserialize straight from it); <see langword="default"/> when the
    /// key has no value.
    /// </summary>
    internal TResult? GetLatest<TState, TResult>(ReadOnlySpan<byte> key, TState state, Func<TState, ReadOnlyMemory<byte>, TResult> read) =>
        PartitionOf(key).GetLatest(key, state, read);

    /// <summary>The partition of <paramref name="key"/>; with one partition, without hashing the key.</summary>
    private PartitionLog PartitionOf(ReadOnlySpan<byte> key) => _partitions.Length == 1 ? _partitions[0] : _partitions[PartitionFor(key)];

    private ValueTask<RecordPosition> AppendAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte>? value, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<RecordPosition>(cancellationToken);
        }

        try
        {
            return PartitionOf(key.Span).AppendAsync(key, value);
        }
        catch (StateLogException e)
        {
            return ValueTask.FromException<RecordPosition>(e);
        }
    }

    /// <summary>Splits <paramref name="records"/> by partition (sizes checked first, so a too-large record appends nothing) and appends each share as one batch.</summary>
    private ValueTask AppendToEachPartition(ReadOnlySpan<(ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte>? Value)> records)
    {
        var shares = new List<(ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte>? Value)>?[_partitions.Length];
        foreach (var record in records)
        {
            var partition = PartitionFor(record.Key.Span);
            _partitions[partition].ThrowIfTooLarge(record.Key, record.Value);
            (shares[partition] ??= new()).Add(record);
        }

        var appended = new List<ValueTask>();
        for (var p = 0; p < shares.Length; p++)
        {
            if (shares[p] is { } share)
            {
                try
                {
                    appended.Add(_partitions[p].AppendBatchAsync(CollectionsMarshal.AsSpan(share)));
                }
                catch (StateLogException e)
                {
                    appended.Add(ValueTask.FromException(e));
                }
            }
        }

        return AwaitEach(appended);
    }

    /// <summary>Awaits every task, then throws the first failure if any.</summary>
    private static async ValueTask AwaitEach(List<ValueTask> appended)
    {
        Exception? failure = null;
        foreach (var task in appended)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (StateLogException e)
            {
                failure ??= e;
            }
        }

        if (failure is not null)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    private async IAsyncEnumerable<LogRecord> ReadAllAsync(long fromOffset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var partition in _partitions)
        {
            await foreach (var record in ReadPartitionAsync(partition, fromOffset, follow: false, cancellationToken).ConfigureAwait(false))
            {
                yield return record;
            }
        }
    }

    private static async IAsyncEnumerable<LogRecord> ReadPartitionAsync(PartitionLog partition, long fromOffset, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var records = new List<LogRecord>();
        var next = fromOffset;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            records.Clear();

            // Read before the chunk: records appended after it must not be jumped over when the chunk ends the log.
            var visibleEnd = partition.LogEndOffset;
            var end = partition.ReadChunk(next, records);
            foreach (var record in records)
            {
                yield return record;
            }

            if (end >= 0)
            {
                next = end;
                continue;
            }

            if (!follow)
            {
                yield break;
            }

            next = Math.Max(next, visibleEnd);
            await partition.WaitForOffsetAsync(next, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Follows every partition at once: one reader per partition feeds a shared channel.</summary>
    private async IAsyncEnumerable<LogRecord> FollowAllAsync(long fromOffset, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateBounded<LogRecord>(new BoundedChannelOptions(1024) { SingleReader = true });
        var readers = _partitions.Select(p => Task.Run(
            async () =>
            {
                await foreach (var record in ReadPartitionAsync(p, fromOffset, follow: true, stop.Token).ConfigureAwait(false))
                {
                    await channel.Writer.WriteAsync(record, stop.Token).ConfigureAwait(false);
                }
            },
            stop.Token)).ToArray();
        _ = Task.WhenAll(readers).ContinueWith(t => channel.Writer.TryComplete(t.Exception?.InnerException is OperationCanceledException ? null : t.Exception?.InnerException), TaskScheduler.Default);
        try
        {
            await foreach (var record in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return record;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }
    }
}
