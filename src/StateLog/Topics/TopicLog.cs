using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace StateLog;

/// <summary>
/// A byte-level compacted topic: the same operations as a typed client over raw key and value bytes.
/// Obtained from <see cref="StateLogEngine.GetTopic(string, int?)"/>; typed clients are thin wrappers over it.
/// </summary>
public sealed class TopicLog
{
    internal TopicLog() => throw new NotImplementedException();

    /// <summary>The topic name.</summary>
    public string Name => throw new NotImplementedException();

    /// <summary>The number of partitions.</summary>
    public int PartitionCount => throw new NotImplementedException();

    /// <summary>The partition of <paramref name="key"/>: Kafka's default partitioner, <c>(murmur2(key) &amp; 0x7fffffff) % partitions</c>.</summary>
    public int PartitionFor(ReadOnlySpan<byte> key) => throw new NotImplementedException();

    /// <summary>Appends <paramref name="value"/> under <paramref name="key"/>.</summary>
    public ValueTask<RecordPosition> PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Appends a tombstone for <paramref name="key"/>.</summary>
    public ValueTask<RecordPosition> DeleteAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>The latest value for <paramref name="key"/>, or <see langword="null"/> if absent or deleted.</summary>
    public ValueTask<byte[]?> GetAsync(ReadOnlyMemory<byte> key, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>The records now in the log, in offset order per partition, tombstones included.</summary>
    public IAsyncEnumerable<LogRecord> ReadAsync(ReadOptions? options = null, CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>The latest record of every live key.</summary>
    public IAsyncEnumerable<LogRecord> GetAllAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Returns when every write acknowledged so far is fsynced.</summary>
    public ValueTask FlushAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Rolls the active segments and cleans every partition now (honouring lag and retention).</summary>
    public ValueTask<CompactionResult> CompactAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Offsets, sizes and cleaner state of every partition.</summary>
    public TopicStats GetStats() => throw new NotImplementedException();
}
