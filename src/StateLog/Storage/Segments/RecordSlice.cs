using System;
using StateLog.Storage.Records;

namespace StateLog.Storage.Segments;

/// <summary>
/// Where a record's key and value lie in its batch's bytes, with what a scan needs to decide whether to keep it; a
/// plain struct, so a group of them outlives the <see cref="Record"/> ref structs they were taken from.
/// </summary>
internal struct RecordSlice
{
    public long Offset;
    public long Timestamp;
    public int KeyStart;
    public int KeyLength;
    public int ValueStart;

    /// <summary>The value's length, or -1 for a tombstone.</summary>
    public int ValueLength;

    /// <summary>The key's <see cref="KeyIndex.Hash"/>.</summary>
    public UInt128 Hash;

    /// <summary>Whether the record goes into the result.</summary>
    public bool Kept;

    /// <param name="batch">The bytes of the batch that holds <paramref name="record"/>.</param>
    /// <param name="record">A record parsed from <paramref name="batch"/>.</param>
    public static RecordSlice Of(ReadOnlySpan<byte> batch, Record record)
    {
        // Overlaps gives the place of a slice of `batch` inside it; empty slices have none, and need none.
        batch.Overlaps(record.Key, out var keyStart);
        batch.Overlaps(record.Value, out var valueStart);
        return new RecordSlice
        {
            Offset = record.Offset,
            Timestamp = record.Timestamp,
            KeyStart = record.Key.IsEmpty ? 0 : keyStart,
            KeyLength = record.Key.Length,
            ValueStart = record.Value.IsEmpty ? 0 : valueStart,
            ValueLength = record.IsTombstone ? -1 : record.Value.Length,
            Hash = KeyIndex.Hash(record.Key),
            Kept = true,
        };
    }
}
