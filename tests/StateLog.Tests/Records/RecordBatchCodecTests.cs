using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using StateLog.Storage.Records;

namespace StateLog.Tests.Records;

public sealed class RecordBatchCodecTests
{
    [Fact]
    public void Crc32C_OfAsciiDigits_IsTheStandardCheckValue() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));

    [Fact]
    public void Crc32C_Append_EqualsOneShot()
    {
        var data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 31)).ToArray();
        Assert.Equal(Crc32C.Compute(data), Crc32C.Append(Crc32C.Compute(data.AsSpan(0, 333)), data.AsSpan(333)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-1)]
    [InlineData(63)]
    [InlineData(-64)]
    [InlineData(64)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void Varint_RoundTrips_WithKafkasZigZagSizes(int value)
    {
        var buffer = new byte[Varint.MaxIntBytes];
        var written = Varint.Write(buffer, value);
        Assert.Equal(Varint.SizeOf(value), written);
        var position = 0;
        Assert.Equal(value, Varint.ReadInt(buffer, ref position));
        Assert.Equal(written, position);

        var longBuffer = new byte[Varint.MaxLongBytes];
        var longWritten = Varint.Write(longBuffer, (long)value * 1_000_003);
        position = 0;
        Assert.Equal((long)value * 1_000_003, Varint.ReadLong(longBuffer, ref position));
        Assert.Equal(longWritten, position);
    }

    [Fact]
    public void Varint_ZigZag_MatchesKafkasEncoding()
    {
        // ByteUtils.writeVarint: 0 → 00, -1 → 01, 1 → 02, 300 → d8 04.
        Assert.Equal(new byte[] { 0x00 }, Encode(0));
        Assert.Equal(new byte[] { 0x01 }, Encode(-1));
        Assert.Equal(new byte[] { 0x02 }, Encode(1));
        Assert.Equal(new byte[] { 0xd8, 0x04 }, Encode(300));

        static byte[] Encode(int v)
        {
            var b = new byte[5];
            return b[..Varint.Write(b, v)];
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(500)]
    public void Batch_RoundTrips_RecordsTombstonesAndHeaders(int count)
    {
        var expected = Enumerable.Range(0, count).Select(i => new
        {
            Offset = 1000L + (i * 3),
            Timestamp = 1_700_000_000_000L + (i * 17) - (i % 5 == 0 ? 100 : 0),
            Key = Encoding.UTF8.GetBytes($"key-{i}"),
            Value = i % 4 == 3 ? null : Encoding.UTF8.GetBytes(new string('v', i % 50)),
            Headers = i % 3 == 0 ? new List<RecordHeader> { new("trace", [(byte)i]), new("empty", null) } : new List<RecordHeader>(),
        }).ToList();

        using var builder = new RecordBatchBuilder();
        builder.Reset(expected[0].Offset, expected[0].Timestamp);
        foreach (var e in expected)
        {
            builder.Append(e.Offset, e.Timestamp, e.Key, e.Value, e.Value is null, RecordHeaders.Encode(e.Headers), e.Headers.Count);
        }

        var bytes = builder.Finish().ToArray();
        var batch = new RecordBatch(bytes);
        batch.Validate();
        Assert.Equal(expected[0].Offset, batch.BaseOffset);
        Assert.Equal(expected[^1].Offset, batch.LastOffset);
        Assert.Equal(count, batch.RecordsCount);
        Assert.Equal(expected.Max(e => e.Timestamp), batch.MaxTimestamp);
        Assert.False(batch.HasDeleteHorizon);

        var i = 0;
        foreach (var record in batch)
        {
            var e = expected[i++];
            Assert.Equal(e.Offset, record.Offset);
            Assert.Equal(e.Timestamp, record.Timestamp);
            Assert.Equal(e.Key, record.Key.ToArray());
            Assert.Equal(e.Value is null, record.IsTombstone);
            Assert.Equal(e.Value ?? [], record.Value.ToArray());
            Assert.Equal(e.Headers, RecordHeaders.Decode(record.RawHeaders, record.HeaderCount), new HeaderComparer());
        }

        Assert.Equal(count, i);
    }

    [Fact]
    public void Batch_MatchesKafkasFieldLayout_ByteForByte()
    {
        using var builder = new RecordBatchBuilder();
        builder.Reset(baseOffset: 5, baseTimestamp: 1000);
        builder.Append(5, 1000, "k"u8, "v"u8, isTombstone: false);
        builder.Append(6, 1001, "k2"u8, default, isTombstone: true);
        var actual = builder.Finish().ToArray();

        // Built by hand from DefaultRecordBatch/DefaultRecord (reference §3.3–§3.4).
        var record1 = new byte[] { 8 << 1, 0x00, 0x00, 0x00, 0x02, (byte)'k', 0x02, (byte)'v', 0x00 }; // len 8, attrs, tsΔ 0, offΔ 0, key 1 "k", value 1 "v", 0 headers
        var record2 = new byte[] { 8 << 1, 0x00, 0x02, 0x02, 0x04, (byte)'k', (byte)'2', 0x01, 0x00 }; // len 8, attrs, tsΔ 1, offΔ 1, key 2 "k2", value -1, 0 headers
        var expected = new byte[61 + record1.Length + record2.Length];
        BinaryPrimitives.WriteInt64BigEndian(expected.AsSpan(0), 5);                           // BaseOffset
        BinaryPrimitives.WriteInt32BigEndian(expected.AsSpan(8), expected.Length - 12);        // Length
        BinaryPrimitives.WriteInt32BigEndian(expected.AsSpan(12), 0);                          // PartitionLeaderEpoch
        expected[16] = 2;                                                                       // Magic
        BinaryPrimitives.WriteInt16BigEndian(expected.AsSpan(21), 0);                          // Attributes
        BinaryPrimitives.WriteInt32BigEndian(expected.AsSpan(23), 1);                          // LastOffsetDelta
        BinaryPrimitives.WriteInt64BigEndian(expected.AsSpan(27), 1000);                       // BaseTimestamp
        BinaryPrimitives.WriteInt64BigEndian(expected.AsSpan(35), 1001);                       // MaxTimestamp
        BinaryPrimitives.WriteInt64BigEndian(expected.AsSpan(43), -1);                         // ProducerId
        BinaryPrimitives.WriteInt16BigEndian(expected.AsSpan(51), -1);                         // ProducerEpoch
        BinaryPrimitives.WriteInt32BigEndian(expected.AsSpan(53), -1);                         // BaseSequence
        BinaryPrimitives.WriteInt32BigEndian(expected.AsSpan(57), 2);                          // RecordsCount
        record1.CopyTo(expected, 61);
        record2.CopyTo(expected, 61 + record1.Length);
        BinaryPrimitives.WriteUInt32BigEndian(expected.AsSpan(17), Crc32C.Compute(expected.AsSpan(21)));

        Assert.True(expected.AsSpan().SequenceEqual(actual), $"expected {Convert.ToHexString(expected)}\n but got {Convert.ToHexString(actual)}");
    }

    [Fact]
    public void Batch_WithDeleteHorizon_KeepsAbsoluteTimestamps()
    {
        using var builder = new RecordBatchBuilder();
        const long horizon = 90_000;
        builder.Reset(baseOffset: 0, baseTimestamp: horizon);
        builder.Append(0, 1_000, "a"u8, default, isTombstone: true);
        var batch = new RecordBatch(builder.Finish(BatchLayout.DeleteHorizonFlag, maxTimestamp: 1_000).ToArray());
        batch.Validate();
        Assert.True(batch.HasDeleteHorizon);
        Assert.Equal(horizon, batch.DeleteHorizon);
        foreach (var record in batch)
        {
            Assert.Equal(1_000, record.Timestamp);
        }
    }

    [Fact]
    public void Batch_Empty_KeepsLastOffsetAndWritesBaseTimestampMinusOne()
    {
        using var builder = new RecordBatchBuilder();
        builder.Reset(baseOffset: 10, baseTimestamp: 0);
        var batch = new RecordBatch(builder.Finish(lastOffset: 14, maxTimestamp: 777).ToArray());
        batch.Validate();
        Assert.Equal(0, batch.RecordsCount);
        Assert.Equal(15, batch.NextOffset);
        Assert.Equal(-1, batch.BaseTimestamp);
        Assert.Equal(777, batch.MaxTimestamp);
    }

    [Fact]
    public void Batch_WithAFlippedBit_FailsValidation()
    {
        using var builder = new RecordBatchBuilder();
        builder.Reset(0, 0);
        builder.Append(0, 0, "key"u8, "value"u8, false);
        var bytes = builder.Finish().ToArray();
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i is < 8 or (>= 12 and < 16))
            {
                continue; // BaseOffset and PartitionLeaderEpoch are outside Kafka's CRC by design (the broker rewrites them)
            }

            var copy = (byte[])bytes.Clone();
            copy[i] ^= 0x10;
            Assert.ThrowsAny<Exception>(() => new RecordBatch(copy).Validate());
        }
    }

    private sealed class HeaderComparer : IEqualityComparer<RecordHeader>
    {
        public bool Equals(RecordHeader x, RecordHeader y) =>
            x.Key == y.Key && (x.Value is null) == (y.Value is null) && (x.Value ?? []).AsSpan().SequenceEqual(y.Value ?? []);

        public int GetHashCode(RecordHeader obj) => obj.Key.GetHashCode(StringComparison.Ordinal);
    }
}
