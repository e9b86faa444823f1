using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.CompilerServices;

namespace StateLog.Storage.Records;

/// <summary>
/// A read-only view of one Kafka RecordBatch v2 in memory. Header fields are read on demand; <see cref="Validate"/>
/// checks what a reader must trust before it looks inside (size, magic, compression, CRC-32C).
/// </summary>
internal readonly ref struct RecordBatch
{
    private readonly ReadOnlySpan<byte> _bytes;

    public RecordBatch(ReadOnlySpan<byte> bytes) => _bytes = bytes;

    public ReadOnlySpan<byte> Bytes => _bytes;

    public int SizeInBytes => _bytes.Length;

    public long BaseOffset => BinaryPrimitives.ReadInt64BigEndian(_bytes);

    public int Length => BinaryPrimitives.ReadInt32BigEndian(_bytes[BatchLayout.Length..]);

    public byte Magic => _bytes[BatchLayout.Magic];

    public uint Crc => BinaryPrimitives.ReadUInt32BigEndian(_bytes[BatchLayout.Crc..]);

    public short Attributes => BinaryPrimitives.ReadInt16BigEndian(_bytes[BatchLayout.Attributes..]);

    public int LastOffsetDelta => BinaryPrimitives.ReadInt32BigEndian(_bytes[BatchLayout.LastOffsetDelta..]);

    public long LastOffset => BaseOffset + LastOffsetDelta;

    public long NextOffset => LastOffset + 1;

    public long BaseTimestamp => BinaryPrimitives.ReadInt64BigEndian(_bytes[BatchLayout.BaseTimestamp..]);

    public long MaxTimestamp => BinaryPrimitives.ReadInt64BigEndian(_bytes[BatchLayout.MaxTimestamp..]);

    public long ProducerId => BinaryPrimitives.ReadInt64BigEndian(_bytes[BatchLayout.ProducerId..]);

    public short ProducerEpoch => BinaryPrimitives.ReadInt16BigEndian(_bytes[BatchLayout.ProducerEpoch..]);

    public int BaseSequence => BinaryPrimitives.ReadInt32BigEndian(_bytes[BatchLayout.BaseSequence..]);

    public int RecordsCount => BinaryPrimitives.ReadInt32BigEndian(_bytes[BatchLayout.RecordsCount..]);

    public bool HasDeleteHorizon => (Attributes & BatchLayout.DeleteHorizonFlag) != 0;

    /// <summary>The tombstone delete horizon (epoch ms), when bit 6 says the base timestamp holds one.</summary>
    public long? DeleteHorizon => HasDeleteHorizon ? BaseTimestamp : null;

    public bool IsControl => (Attributes & BatchLayout.ControlFlag) != 0;

    public uint ComputeCrc() => Crc32C.Compute(_bytes[BatchLayout.Attributes..]);

    /// <summary>Throws <see cref="InvalidDataException"/> unless this is a whole, uncompressed v2 batch with a matching CRC-32C.</summary>
    public void Validate()
    {
        if (_bytes.Length < BatchLayout.HeaderSize)
        {
            throw new InvalidDataException($"a batch of {_bytes.Length} bytes is shorter than the {BatchLayout.HeaderSize}-byte header");
        }

        if (Length != _bytes.Length - BatchLayout.LogOverhead)
        {
            throw new InvalidDataException($"the batch length field says {Length} but {_bytes.Length - BatchLayout.LogOverhead} bytes follow it");
        }

        if (Magic != BatchLayout.CurrentMagic)
        {
            throw new InvalidDataException(HeaderProblem(_bytes.Length));
        }

        var crc = ComputeCrc();
        if (crc != Crc)
        {
            throw new InvalidDataException($"CRC-32C mismatch (stored 0x{Crc:X8}, computed 0x{crc:X8})");
        }

        if (HeaderProblem(_bytes.Length) is { } problem)
        {
            throw new InvalidDataException(problem);
        }
    }

    /// <summary>
    /// What the header alone shows wrong with a batch of <paramref name="size"/> bytes (magic, compression, record
    /// count), or null; <see cref="Validate"/> adds the lengths and the CRC, which need the whole batch.
    /// </summary>
    public string? HeaderProblem(long size) =>
        Magic != BatchLayout.CurrentMagic ? $"magic byte {Magic}, expected {BatchLayout.CurrentMagic}"
        : (Attributes & BatchLayout.CompressionMask) != 0 ? $"compression codec {Attributes & BatchLayout.CompressionMask} is not supported; StateLog writes uncompressed batches"
        : LastOffsetDelta < 0 || RecordsCount < 0 || RecordsCount > size - BatchLayout.HeaderSize ? $"impossible record count {RecordsCount} or last offset delta {LastOffsetDelta}"
        : null;

    public RecordEnumerator GetEnumerator() => new(this);

    /// <summary>Walks the records of a validated batch, checking every length against the batch's bounds.</summary>
    public ref struct RecordEnumerator
    {
        private readonly ReadOnlySpan<byte> _bytes;
        private readonly long _baseOffset;
        private readonly long _baseTimestamp;
        private readonly int _lastOffsetDelta;
        private int _remaining;
        private int _position;
        private int _previousDelta;
        private Record _current;

        public RecordEnumerator(RecordBatch batch)
        {
            _bytes = batch._bytes;
            _baseOffset = batch.BaseOffset;
            _baseTimestamp = batch.BaseTimestamp;
            _lastOffsetDelta = batch.LastOffsetDelta;
            _remaining = batch.RecordsCount;
            _position = BatchLayout.Records;
            _previousDelta = -1;
            _current = default;
        }

        public readonly Record Current => _current;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per record of a scan that runs once per process (see Record.Parse)
        public bool MoveNext()
        {
            if (_remaining == 0)
            {
                if (_position != _bytes.Length)
                {
                    throw new InvalidDataException($"{_bytes.Length - _position} bytes follow the last record of the batch");
                }

                return false;
            }

            _remaining--;
            var record = Record.Parse(_bytes, _position, _baseOffset, _baseTimestamp);
            var offsetDelta = (int)(record.Offset - _baseOffset);
            if (offsetDelta <= _previousDelta || offsetDelta > _lastOffsetDelta)
            {
                throw new InvalidDataException($"offset delta {offsetDelta} is out of order (previous {_previousDelta}, last {_lastOffsetDelta})");
            }

            _previousDelta = offsetDelta;
            _current = record;
            _position = record.PositionInBatch + record.SizeInBytes;
            return true;
        }
    }
}
