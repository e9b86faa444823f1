using System;

namespace StateLog;

/// <summary>A record read from a byte-level topic. The memory stays valid after the enumeration moves on.</summary>
/// <remarks>
/// A read copies the keys and values of the records it returns into shared blocks of 32 KiB (a larger record gets a
/// block of its own), one allocation for a few hundred small records. A record kept after the read keeps its whole
/// block reachable: to keep a few records of a large read for long, keep copies of their bytes
/// (<c>record.Key.ToArray()</c>, <c>record.Value?.ToArray()</c>).
/// </remarks>
/// <param name="Key">The key bytes.</param>
/// <param name="Value">The value bytes, or <see langword="null"/> for a tombstone.</param>
/// <param name="Partition">The partition the record is in.</param>
/// <param name="Offset">The record's offset in its partition.</param>
/// <param name="Timestamp">When the record was appended.</param>
public readonly record struct LogRecord(ReadOnlyMemory<byte> Key, ReadOnlyMemory<byte>? Value, int Partition, long Offset, DateTimeOffset Timestamp)
{
    /// <summary>Whether the record deletes its key.</summary>
    public bool IsTombstone => Value is null;
}
