using System;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StateLog.Storage.Records;

/// <summary>CRC-32C (Castagnoli), the checksum of Kafka's RecordBatch v2. Uses the CPU's CRC instruction where there is one.</summary>
internal static class Crc32C
{
    /// <summary>The bytes each of <see cref="AppendRounds"/>' three chains takes per round.</summary>
    private const int BlockBytes = 256;

    private const int RoundBytes = 3 * BlockBytes;

    private static readonly uint[] ShiftTable = BuildShiftTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a CRC over more bytes; <paramref name="crc"/> is a previous result (0 to start).</summary>
    /// <remarks>
    /// Compiled fully optimized at first call: every phase runs it hot (appends, reads, scans, passes), and the tiers on
    /// the way up cost most here, the instrumented one (PGO's counters in the loop) above all: with 1,000-byte values a
    /// point-read phase ran it instrumented for most of its length, at 3 us a read against 1.3.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        if (data.Length >= RoundBytes)
        {
            var rounds = data.Length - (data.Length % RoundBytes);
            state = AppendRounds(state, data[..rounds]);
            data = data[rounds..];
        }

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
    /// Continues the raw register <paramref name="state"/> over <paramref name="data"/>, a whole number of rounds, with
    /// three chains at a time. One chain is bound by the CRC instruction's latency (3 cycles for 8 bytes); three
    /// independent chains over three adjacent blocks keep it busy every cycle. A CRC register update is linear, so the chains join as
    /// <c>crc(s, A‖B‖C) = shift(shift(crc(s, A)) ⊕ crc(0, B)) ⊕ crc(0, C)</c>, where <c>shift</c> runs a state over
    /// <see cref="BlockBytes"/> zero bytes (<see cref="ShiftTable"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // as Append: at tier 0 its helpers would not even be inlined
    private static uint AppendRounds(uint state, ReadOnlySpan<byte> data)
    {
        ref var first = ref MemoryMarshal.GetReference(data);
        var shift = ShiftTable;
        for (var round = 0; round + RoundBytes <= data.Length; round += RoundBytes)
        {
            uint b = 0, c = 0;
            for (var i = round; i < round + BlockBytes; i += sizeof(ulong))
            {
                state = BitOperations.Crc32C(state, Word(ref first, i));
                b = BitOperations.Crc32C(b, Word(ref first, i + BlockBytes));
                c = BitOperations.Crc32C(c, Word(ref first, i + (2 * BlockBytes)));
            }

            state = Shift(shift, Shift(shift, state) ^ b) ^ c;
        }

        return state;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Word(ref byte first, int at)
    {
        var word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref first, at));
        return BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word);
    }

    /// <summary>The CRC state <paramref name="state"/> becomes over <see cref="BlockBytes"/> zero bytes (a linear map, a byte of the state at a time).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Shift(uint[] table, uint state) =>
        table[(byte)state] ^ table[256 + (byte)(state >> 8)] ^ table[512 + (byte)(state >> 16)] ^ table[768 + (state >> 24)];

    /// <summary>For each byte position and value, the state that byte alone becomes over <see cref="BlockBytes"/> zero bytes.</summary>
    private static uint[] BuildShiftTable()
    {
        var table = new uint[4 * 256];
        for (var position = 0; position < 4; position++)
        {
            for (var value = 0; value < 256; value++)
            {
                var state = (uint)value << (8 * position);
                for (var i = 0; i < BlockBytes; i += sizeof(ulong))
                {
                    state = BitOperations.Crc32C(state, 0UL);
                }

                table[(position * 256) + value] = state;
            }
        }

        return table;
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
