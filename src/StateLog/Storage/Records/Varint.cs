using System;
using System.IO;

namespace StateLog.Storage.Records;

/// <summary>Kafka's zig-zag varints: zig-zag encoded, then base-128 groups, least significant first (protobuf style).</summary>
internal static class Varint
{
    public const int MaxIntBytes = 5;
    public const int MaxLongBytes = 10;

    public static int SizeOf(int value) => SizeOfUnsigned((uint)((value << 1) ^ (value >> 31)));

    public static int SizeOf(long value)
    {
        var v = (ulong)((value << 1) ^ (value >> 63));
        var size = 1;
        while (v >= 0x80)
        {
            v >>= 7;
            size++;
        }

        return size;
    }

    public static int Write(Span<byte> destination, int value) => WriteUnsigned(destination, (uint)((value << 1) ^ (value >> 31)));

    public static int Write(Span<byte> destination, long value)
    {
        var v = (ulong)((value << 1) ^ (value >> 63));
        var i = 0;
        while (v >= 0x80)
        {
            destination[i++] = (byte)(v | 0x80);
            v >>= 7;
        }

        destination[i++] = (byte)v;
        return i;
    }

    /// <summary>Reads a zig-zag varint; throws <see cref="InvalidDataException"/> when it runs past the data or past 5 bytes.</summary>
    public static int ReadInt(ReadOnlySpan<byte> source, ref int position)
    {
        uint v = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            if (position >= source.Length)
            {
                throw new InvalidDataException("a varint runs past the end of the record");
            }

            var b = source[position++];
            v |= (uint)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return (int)(v >> 1) ^ -(int)(v & 1);
            }
        }

        throw new InvalidDataException("a varint is longer than 5 bytes");
    }

    /// <summary>Reads a zig-zag varlong; throws <see cref="InvalidDataException"/> when it runs past the data or past 10 bytes.</summary>
    public static long ReadLong(ReadOnlySpan<byte> source, ref int position)
    {
        ulong v = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (position >= source.Length)
            {
                throw new InvalidDataException("a varlong runs past the end of the record");
            }

            var b = source[position++];
            v |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return (long)(v >> 1) ^ -(long)(v & 1);
            }
        }

        throw new InvalidDataException("a varlong is longer than 10 bytes");
    }

    private static int SizeOfUnsigned(uint v)
    {
        var size = 1;
        while (v >= 0x80)
        {
            v >>= 7;
            size++;
        }

        return size;
    }

    private static int WriteUnsigned(Span<byte> destination, uint v)
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
}
