using System;
using StateLog.Storage.Records;

namespace StateLog.Storage;

/// <summary>Where the latest record of a key is: its offset, and its bytes in the segment that holds the offset.</summary>
/// <param name="Offset">The record's offset.</param>
/// <param name="Position">The record's position in its segment's <c>.log</c> file.</param>
/// <param name="Size">The record's encoded size, or -1 when the record is a tombstone.</param>
/// <param name="Checksum">CRC-32C of the record's bytes. Kafka's CRC covers a whole batch; a point read reads one record,
/// so it checks this instead, and a damaged value is reported rather than returned.</param>
internal readonly record struct KeyLocation(long Offset, int Position, int Size, uint Checksum)
{
    public bool IsTombstone => Size < 0;

    /// <summary>The location of <paramref name="record"/> of <paramref name="batch"/>, which starts at <paramref name="batchPosition"/> in its file.</summary>
    public static KeyLocation Of(RecordBatch batch, Record record, long batchPosition) =>
        Of(record.Offset, batchPosition + record.PositionInBatch, batch.Bytes.Slice(record.PositionInBatch, record.SizeInBytes), record.IsTombstone);

    public static KeyLocation Of(long offset, long position, ReadOnlySpan<byte> recordBytes, bool isTombstone) =>
        isTombstone ? new(offset, (int)position, -1, 0) : new(offset, (int)position, recordBytes.Length, Crc32C.Compute(recordBytes));
}
