using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace StateLog.Storage.Records;

/// <summary>One record inside a <see cref="RecordBatch"/>: absolute offset and timestamp, and views of its bytes.</summary>
/// <param name="Offset">The absolute offset.</param>
/// <param name="Timestamp">The absolute timestamp (epoch ms), whatever the batch's base timestamp holds.</param>
/// <param name="Key">The key bytes (empty when <paramref name="KeyIsNull"/>).</param>
/// <param name="KeyIsNull">Whether the key is null (never written by StateLog; Kafka rejects it on compacted topics).</param>
/// <param name="Value">The value bytes (empty for a tombstone).</param>
/// <param name="IsTombstone">Whether the value is null: a delete marker.</param>
/// <param name="RawHeaders">The encoded header section, copied untouched by the cleaner.</param>
/// <param name="HeaderCount">The number of headers.</param>
/// <param name="PositionInBatch">Where the record starts inside its batch.</param>
/// <param name="SizeInBytes">The encoded size, length prefix included.</param>
internal readonly ref struct Record(
    long Offset,
    long Timestamp,
    ReadOnlySpan<byte> Key,
    bool KeyIsNull,
    ReadOnlySpan<byte> Value,
    bool IsTombstone,
    ReadOnlySpan<byte> RawHeaders,
    int HeaderCount,
    int PositionInBatch,
    int SizeInBytes)
{
    private const long MinTimestamp = -62_135_596_800_000; // DateTimeOffset.MinValue in Unix milliseconds
    private const long MaxTimestamp = 253_402_300_799_999; // DateTimeOffset.MaxValue in Unix milliseconds

    public long Offset { get; } = Offset;

    public long Timestamp { get; } = Timestamp;

    public ReadOnlySpan<byte> Key { get; } = Key;

    public bool KeyIsNull { get; } = KeyIsNull;

    public ReadOnlySpan<byte> Value { get; } = Value;

    public bool IsTombstone { get; } = IsTombstone;

    public ReadOnlySpan<byte> RawHeaders { get; } = RawHeaders;

    public int HeaderCount { get; } = HeaderCount;

    public int PositionInBatch { get; } = PositionInBatch;

    public int SizeInBytes { get; } = SizeInBytes;

    /// <summary>
    /// Parses the record that starts at <paramref name="position"/> of <paramref name="source"/>, checking every length
    /// against the bytes there; throws <see cref="InvalidDataException"/> on anything that cannot be a record.
    /// </summary>
    /// <param name="source">The batch (or, for a point read, just the record's bytes).</param>
    /// <param name="position">Where the record's length prefix starts.</param>
    /// <param name="baseOffset">The batch's base offset (offsets are stored as deltas).</param>
    /// <param name="baseTimestamp">The batch's base timestamp (timestamps are stored as deltas).</param>
    /// <remarks>
    /// Compiled optimized at its first call: a full scan or a cleaner pass decodes every record once per process,
    /// long before tiered compilation would promote this from its unoptimized and instrumented tiers.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static Record Parse(ReadOnlySpan<byte> source, int position, long baseOffset, long baseTimestamp)
    {
        var p = position;
        var length = Varint.ReadInt(source, ref p);
        if (length <= 0 || length > source.Length - p)
        {
            throw new InvalidDataException($"a record length of {length} does not fit the {source.Length - p} bytes left");
        }

        var end = p + length;
        var body = source[..end];
        p++; // record attributes: unused in v2
        var timestampDelta = Varint.ReadLong(body, ref p);
        var timestamp = baseTimestamp + timestampDelta;

        // Readers turn timestamps into DateTimeOffset: one outside its range is corruption, not an ArgumentOutOfRangeException later.
        if (timestamp < MinTimestamp || timestamp > MaxTimestamp)
        {
            throw new InvalidDataException($"timestamp {timestamp} is outside the representable range");
        }

        var offsetDelta = Varint.ReadInt(body, ref p);
        var keyLength = RecordHeaders.ReadLength(body, ref p, allowNull: true);
        var key = keyLength < 0 ? default : body.Slice(p, keyLength);
        p += Math.Max(keyLength, 0);
        var valueLength = RecordHeaders.ReadLength(body, ref p, allowNull: true);
        var value = valueLength < 0 ? default : body.Slice(p, valueLength);
        p += Math.Max(valueLength, 0);
        var headerCount = Varint.ReadInt(body, ref p);
        if (headerCount < 0)
        {
            throw new InvalidDataException($"negative header count {headerCount}");
        }

        var headersStart = p;
        RecordHeaders.Skip(body, ref p, headerCount);
        if (p != end)
        {
            throw new InvalidDataException($"a record's fields end {end - p} bytes before its declared length");
        }

        return new Record(
            baseOffset + offsetDelta,
            timestamp,
            key,
            keyLength < 0,
            value,
            valueLength < 0,
            body[headersStart..end],
            headerCount,
            position,
            end - position);
    }
}
