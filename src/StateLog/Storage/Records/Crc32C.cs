using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StateLog.Storage.Records;

/// <summary>CRC-32C (Castagnoli), the checksum of Kafka's RecordBatch v2. Uses the CPU's CRC instruction where there is one.</summary>
internal static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a CRC over more bytes; <paramref name="crc"/> is a previous result (0 to start).</summary>
    /// <remarks>
    /// Both loops are compiled fully optimized at first call: every phase runs them hot (appends, reads, scans, passes),
    /// and the tiers on the way up cost most here, the instrumented one (PGO's counters in the loop) above all: with
    /// 1,000-byte values a point-read phase ran it instrumented for most of its length, at 3 us a read against 1.3.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        while (data.Length >= sizeof(ulong))
        {
            state = BitOperations.Crc32C(state, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            state = BitOperations.Crc32C(state, b);
        }

        return ~state;
    }

    /// <summary>
    /// Continues <paramref name="crc"/> over <paramref name="data"/> and computes the CRC of <paramref name="data"/>
    /// alone (<paramref name="dataCrc"/>) in the same pass: the append path needs each record's CRC and the batch's.
    /// The CRC instruction's latency, not its throughput, bounds one chain, so the second chain comes nearly free.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint Append(uint crc, ReadOnlySpan<byte> data, out uint dataCrc)
    {
        var continued = ~crc;
        var alone = uint.MaxValue;
        while (data.Length >= sizeof(ulong))
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(data);
            continued = BitOperations.Crc32C(continued, word);
            alone = BitOperations.Crc32C(alone, word);
            data = data[sizeof(ulong)..];
        }

        foreach (var b in data)
        {
            continued = BitOperations.Crc32C(continued, b);
            alone = BitOperations.Crc32C(alone, b);
        }

        dataCrc = ~alone;
        return ~continued;
    }
}
