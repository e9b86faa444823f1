using System;
using System.Collections.Generic;
using CsCheck;
using StateLog.Storage.Records;

namespace StateLog.Tests.Records;

/// <summary>
/// The append path's fast encoding against the plain one: records encoded before the base offset is known and
/// rebased, and the batch CRC computed in one pass with each record's own CRC, must give byte for byte the batch that
/// <see cref="RecordBatchBuilder.Finish"/> gives when built at its final offset, and the CRC of each record alone.
/// </summary>
public sealed class AppendEncodingTests
{
    private static readonly Gen<(long BaseOffset, long Timestamp, (byte[] Key, byte[]? Value)[] Records)> Batches =
        Gen.Select(
            Gen.Long[0, long.MaxValue / 2],
            Gen.Long[0, 4_000_000_000_000],
            Gen.Select(Gen.Byte.Array[0, 40], Gen.Byte.Array[0, 300].Null()).Array[1, 60]);

    [Fact]
    public void RebasedBatch_WithOnePassChecksums_EqualsTheBatchBuiltInPlace()
    {
        Batches.Sample(sample =>
        {
            var (baseOffset, timestamp, records) = sample;
            using var direct = new RecordBatchBuilder();
            direct.Reset(baseOffset, timestamp);
            using var staged = new RecordBatchBuilder();
            staged.Reset(0, timestamp);
            var positions = new List<int>();
            for (var i = 0; i < records.Length; i++)
            {
                var (key, value) = records[i];
                var expected = direct.Append(baseOffset + i, timestamp, key, value, value is null);
                positions.Add(staged.Append(i, staged.BaseTimestamp, key, value, value is null));
                Assert.Equal(expected, positions[^1]);
            }

            var want = direct.Finish().ToArray();
            staged.Rebase(baseOffset);
            Assert.Equal(baseOffset + records.Length - 1, staged.LastOffset);
            var batch = staged.FinishHeader();
            var crc = Crc32C.Compute(batch[BatchLayout.Attributes..BatchLayout.Records]);
            for (var i = 0; i < positions.Count; i++)
            {
                var record = batch[positions[i]..(i + 1 < positions.Count ? positions[i + 1] : batch.Length)];
                crc = Crc32C.Append(crc, record, out var recordCrc);
                Assert.Equal(Crc32C.Compute(record), recordCrc);
            }

            staged.SetCrc(crc);
            Assert.Equal(want, batch.ToArray());
        });
    }

    [Fact]
    public void OnePassCrc_EqualsTwoSeparateCrcs()
    {
        Gen.Select(Gen.UInt, Gen.Byte.Array[0, 200]).Sample((crc, data) =>
        {
            var continued = Crc32C.Append(crc, data, out var alone);
            Assert.Equal(Crc32C.Append(crc, data), continued);
            Assert.Equal(Crc32C.Compute(data), alone);
        });
    }
}
