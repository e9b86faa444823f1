using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace StateLog;

/// <summary>
/// A typed compacted topic: the latest value per key, on a log that keeps offsets forever. The source generator
/// emits one implementation per <see cref="CompactedTopicAttribute"/> type (for <c>UserActivity</c>, <c>UserActivityTopic</c>).
/// </summary>
/// <typeparam name="TKey">The key type: <see cref="string"/>, <see cref="int"/>, <see cref="long"/> or <see cref="System.Guid"/>.</typeparam>
/// <typeparam name="T">The value type.</typeparam>
public interface ICompactedTopic<TKey, T>
{
    /// <summary>The topic name.</summary>
    string Name { get; }

    /// <summary>Appends <paramref name="value"/> under the key taken from its <see cref="KeyAttribute"/> member.</summary>
    /// <remarks>
    /// The record is encoded before this returns and written once its task is awaited, so puts issued before any is
    /// awaited go out together: one batch, one write and, under <see cref="Durability.Fsync"/>, one fsync. A put
    /// nobody awaits is written after about 5 ms, or sooner when a batch fills, the topic is flushed or the engine closes.
    /// </remarks>
    ValueTask<RecordPosition> PutAsync(T value, CancellationToken cancellationToken = default);

    /// <summary>Appends a tombstone (a null value) for <paramref name="key"/>; compaction later removes the key.</summary>
    /// <remarks>Written as <see cref="PutAsync"/> is: once awaited, together with the other appends issued before it.</remarks>
    ValueTask<RecordPosition> DeleteAsync(TKey key, CancellationToken cancellationToken = default);

    /// <summary>The latest value for <paramref name="key"/>, or <see langword="default"/> if absent or deleted.</summary>
    ValueTask<T?> GetAsync(TKey key, CancellationToken cancellationToken = default);

    /// <summary>The records now in the log, in offset order per partition, tombstones included.</summary>
    IAsyncEnumerable<StateRecord<TKey, T>> ReadAsync(ReadOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The latest value of every live key.</summary>
    IAsyncEnumerable<T> GetAllAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns when every write acknowledged so far is fsynced: the durability point under <see cref="Durability.Buffered"/>.</summary>
    ValueTask FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Rolls the active segments and cleans now (still honouring lag and retention); returns what it did.</summary>
    ValueTask<CompactionResult> CompactAsync(CancellationToken cancellationToken = default);

    /// <summary>Offsets, sizes and cleaner state of every partition.</summary>
    TopicStats GetStats();
}
