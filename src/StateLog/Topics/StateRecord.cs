using System;

namespace StateLog;

/// <summary>A typed record read from a compacted topic.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="T">The value type.</typeparam>
/// <param name="Key">The record key.</param>
/// <param name="Value">The value, or <see langword="default"/> for a tombstone (see <see cref="IsTombstone"/>).</param>
/// <param name="IsTombstone">Whether the record deletes its key (a null value in Kafka's terms).</param>
/// <param name="Partition">The partition the record is in.</param>
/// <param name="Offset">The record's offset in its partition.</param>
/// <param name="Timestamp">When the record was appended.</param>
public readonly record struct StateRecord<TKey, T>(TKey Key, T? Value, bool IsTombstone, int Partition, long Offset, DateTimeOffset Timestamp);
