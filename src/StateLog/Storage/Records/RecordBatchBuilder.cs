using System;
using System.Buffers;
using System.Buffers.Binary;

namespace StateLog.Storage.Records;

/// <summary>
/// Encodes one uncompressed RecordBatch v2 into a reusable pooled buffer. Used by the append path (one batch per
/// group commit) and by the cleaner (rebuilding batches with records removed, keeping offsets and timestamps).
/// Not thread-safe; each writer owns one.
/// </summary>
internal sealed class RecordBatchBuilder : IDisposable
{
    private byte[] _buffer;
    private int _length;
    private long _baseOffset;
    private long _baseTimestamp;
    private long _maxTimestamp;
    private long _lastOffset;
    private int _count;

    public RecordBatchBuilder(int initialCapacity = 4096)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, BatchLayout.HeaderSize));
        Reset(0, 0);
    }

    public int Count => _count;

    public int SizeInBytes => _length;

    public long BaseOffset => _baseOffset;

    public long BaseTimestamp => _baseTimestamp;

    public long LastOffset => _lastOffset;

    public long MaxTimestamp => _maxTimestamp;

    /// <summary>Starts a new batch. Record timestamps are stored as deltas from <paramref name="baseTimestamp"/>
    /// (the first record's timestamp, or the delete horizon when the batch will carry one).</summary>
    public void Reset(long baseOffset, long baseTimestamp)
    {
        _baseOffset = baseOffset;
        _baseTimestamp = baseTimestamp;
        _maxTimestamp = -1;
        _lastOffset = baseOffset - 1;
        _count = 0;
        _length = BatchLayout.HeaderSize;
    }

    /// <summary>
    /// Moves the batch to <paramref name="baseOffset"/>, its records along with it: records store offset deltas, so a
    /// batch encoded before its place in the log is known (the append path encodes on the callers' threads) gets it here.
    /// </summary>
    public void Rebase(long baseOffset)
    {
        _lastOffset += baseOffset - _baseOffset;
        _baseOffset = baseOffset;
    }

    /// <summary>The encoded size of a record, length prefix included; what <see cref="Append"/> will add.</summary>
    public static int SizeOfRecord(long offsetDelta, long timestampDelta, int keyLength, int valueLength, ReadOnlySpan<byte> rawHeaders, int headerCount)
    {
        var body = SizeOfBody(offsetDelta, timestampDelta, keyLength, valueLength, rawHeaders, headerCount);
        return Varint.SizeOf(body) + body;
    }

    private static int SizeOfBody(long offsetDelta, long timestampDelta, int keyLength, int valueLength, ReadOnlySpan<byte> rawHeaders, int headerCount) =>
        1
            + Varint.SizeOf(timestampDelta)
            + Varint.SizeOf((int)offsetDelta)
            + Varint.SizeOf(keyLength) + Math.Max(keyLength, 0)
            + Varint.SizeOf(valueLength) + Math.Max(valueLength, 0)
            + Varint.SizeOf(headerCount) + rawHeaders.Length;

    /// <summary>Appends a record; offsets must increase. Returns the record's position inside the batch.</summary>
    /// <param name="offset">The record's absolute offset.</param>
    /// <param name="timestamp">The record's absolute timestamp (epoch ms).</param>
    /// <param name="key">The key bytes.</param>
    /// <param name="value">The value bytes; ignored when <paramref name="isTombstone"/>.</param>
    /// <param name="isTombstone">Write a null value.</param>
    /// <param name="rawHeaders">The encoded header section (see <see cref="RecordHeaders.Encode"/>).</param>
    /// <param name="headerCount">The number of headers in <paramref name="rawHeaders"/>.</param>
    public int Append(long offset, long timestamp, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool isTombstone, ReadOnlySpan<byte> rawHeaders = default, int headerCount = 0)
    {
        if (offset <= _lastOffset || offset - _baseOffset > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"Offsets in a batch must increase and stay within 2^31 of the base offset {_baseOffset}.");
        }

        var offsetDelta = (int)(offset - _baseOffset);
        var timestampDelta = timestamp - _baseTimestamp;
        var valueLength = isTombstone ? -1 : value.Length;
        var body = SizeOfBody(offsetDelta, timestampDelta, key.Length, valueLength, rawHeaders, headerCount);
        var size = Varint.SizeOf(body) + body;
        EnsureCapacity(_length + size);

        var start = _length;
        var span = _buffer.AsSpan(start, size);
        var p = Varint.Write(span, body);
        span[p++] = 0;
        p += Varint.Write(span[p..], timestampDelta);
        p += Varint.Write(span[p..], offsetDelta);
        p += Varint.Write(span[p..], key.Length);
        key.CopyTo(span[p..]);
        p += key.Length;
        p += Varint.Write(span[p..], valueLength);
        if (!isTombstone)
        {
            value.CopyTo(span[p..]);
            p += value.Length;
        }

        p += Varint.Write(span[p..], headerCount);
        rawHeaders.CopyTo(span[p..]);

        _length += size;
        _count++;
        _lastOffset = offset;
        _maxTimestamp = Math.Max(_maxTimestamp, timestamp);
        return start;
    }

    /// <summary>Fills in the header and CRC and returns the whole batch.</summary>
    /// <param name="attributes">Batch attributes (set <see cref="BatchLayout.DeleteHorizonFlag"/> when the base timestamp is a horizon).</param>
    /// <param name="lastOffset">The batch's last offset; the cleaner keeps the original one even when trailing records are gone.</param>
    /// <param name="maxTimestamp">The max timestamp; defaults to the largest appended, and an empty batch must pass the original one.</param>
    /// <param name="emptyBaseTimestamp">The base timestamp of an empty batch (Kafka writes -1).</param>
    public ReadOnlySpan<byte> Finish(short attributes = 0, long? lastOffset = null, long? maxTimestamp = null, long emptyBaseTimestamp = -1)
    {
        var span = FinishHeader(attributes, lastOffset, maxTimestamp, emptyBaseTimestamp);
        SetCrc(Crc32C.Compute(span[BatchLayout.Attributes..]));
        return span;
    }

    /// <summary>
    /// Fills in the header but the CRC, for a caller that computes the CRC itself (the append path, in one pass with
    /// each record's own CRC; see <see cref="Crc32C.Append(uint, ReadOnlySpan{byte}, out uint)"/>) and then calls
    /// <see cref="SetCrc"/>. Parameters as for <see cref="Finish"/>.
    /// </summary>
    public Span<byte> FinishHeader(short attributes = 0, long? lastOffset = null, long? maxTimestamp = null, long emptyBaseTimestamp = -1)
    {
        var span = _buffer.AsSpan(0, _length);
        var last = lastOffset ?? _lastOffset;
        if (last < _lastOffset || last < _baseOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(lastOffset), last, "The last offset cannot precede the last record or the base offset.");
        }

        BinaryPrimitives.WriteInt64BigEndian(span, _baseOffset);
        BinaryPrimitives.WriteInt32BigEndian(span[BatchLayout.Length..], _length - BatchLayout.LogOverhead);
        BinaryPrimitives.WriteInt32BigEndian(span[BatchLayout.PartitionLeaderEpoch..], 0);
        span[BatchLayout.Magic] = BatchLayout.CurrentMagic;
        BinaryPrimitives.WriteInt16BigEndian(span[BatchLayout.Attributes..], attributes);
        BinaryPrimitives.WriteInt32BigEndian(span[BatchLayout.LastOffsetDelta..], (int)(last - _baseOffset));
        BinaryPrimitives.WriteInt64BigEndian(span[BatchLayout.BaseTimestamp..], _count == 0 && (attributes & BatchLayout.DeleteHorizonFlag) == 0 ? emptyBaseTimestamp : _baseTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[BatchLayout.MaxTimestamp..], maxTimestamp ?? _maxTimestamp);
        BinaryPrimitives.WriteInt64BigEndian(span[BatchLayout.ProducerId..], -1);
        BinaryPrimitives.WriteInt16BigEndian(span[BatchLayout.ProducerEpoch..], -1);
        BinaryPrimitives.WriteInt32BigEndian(span[BatchLayout.BaseSequence..], -1);
        BinaryPrimitives.WriteInt32BigEndian(span[BatchLayout.RecordsCount..], _count);
        return span;
    }

    /// <summary>Stores the batch's CRC-32C (of every byte from <see cref="BatchLayout.Attributes"/> on) after <see cref="FinishHeader"/>.</summary>
    public void SetCrc(uint crc) => BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(BatchLayout.Crc), crc);

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _buffer.Length * 2));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
