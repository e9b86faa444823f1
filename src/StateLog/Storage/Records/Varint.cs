using System;
using System.IO;
using System.Runtime.CompilerServices;

namespace StateLog.Storage.Records;

/// <summary>Kafka's zig-zag varints: zig-zag encoded, then base-128 groups, least significant first (protobuf style).</summary>
internal static class Varint
{
    public const int MaxIntBytes = 5;
    public const int MaxLongBytes = 10;

    public static int SizeOf(int value) => SizeOfUnsigned(ZigZag(value));

    public static int SizeOf(long value) => SizeOfUnsigned(ZigZag(value));

    public static int Write(Span<byte> destination, int value) => WriteUnsigned(destination, ZigZag(value));

    public static int Write(Span<byte> destination, long value) => WriteUnsigned(destination, ZigZag(value));

    /// <summary>Reads a zig-zag varint; throws <see cref="InvalidDataException"/> when it runs past the data or past 5 bytes.</summary>
    public static int ReadInt(ReadOnlySpan<byte> source, ref int position)
    {
        var v = ReadUnsigned(source, ref position, MaxIntBytes);
        return (int)(uint)(v >> 1) ^ -(int)(v & 1);
    }

    /// <summary>Reads a zig-zag varlong; throws <see cref="InvalidDataException"/> when it runs past the data or past 10 bytes.</summary>
    public static long ReadLong(ReadOnlySpan<byte> source, ref int position)
    {
        var v = ReadUnsigned(source, ref position, MaxLongBytes);
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    // An int is widened before zig-zag so that both widths share one encoder; (v << 1) ^ (v >> 31) fits in 32 bits.
    private static ulong ZigZag(int value) => (uint)((value << 1) ^ (value >> 31));

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static int SizeOfUnsigned(ulong v)
    {
        var size = 1;
        while (v >= 0x80)
        {
            v >>= 7;
            size++;
        }

        return size;
    }

    private static int WriteUnsigned(Span<byte> destination, ulong v)
    {
        var i = 0;
        while (v >= 0x80)
        {
            destination[i++] = (byte)(v | 0x80);
            v >>= 7;
        }

        destination[i++] = (byte)v;
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // every field of every record decoded (see Record.Parse)
    private static ulong ReadUnsigned(ReadOnlySpan<byte> source, ref int position, int maxBytes)
    {
        ulong v = 0;
        for (var shift = 0; shift < maxBytes * 7; shift += 7)
        {
            if (position >= source.Length)
            {
                throw new InvalidDataException("a varint runs past the end of the record");
            }

            var b = source[position++];
            v |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return v;
            }
        }

        throw new InvalidDataException($"a varint is longer than {maxBytes} bytes");
    }
}
