using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;

namespace StateLog.Storage.Records;

/// <summary>Encodes and decodes the header section of a v2 record. Records carry it as raw bytes so the cleaner copies it untouched.</summary>
internal static class RecordHeaders
{
    public static byte[] Encode(IReadOnlyList<RecordHeader> headers)
    {
        var size = 0;
        foreach (var h in headers)
        {
            var keyBytes = Encoding.UTF8.GetByteCount(h.Key);
            size += Varint.SizeOf(keyBytes) + keyBytes + Varint.SizeOf(h.Value?.Length ?? -1) + (h.Value?.Length ?? 0);
        }

        var buffer = new byte[size];
        var p = 0;
        foreach (var h in headers)
        {
            var keyBytes = Encoding.UTF8.GetByteCount(h.Key);
            p += Varint.Write(buffer.AsSpan(p), keyBytes);
            p += Encoding.UTF8.GetBytes(h.Key, buffer.AsSpan(p));
            p += Varint.Write(buffer.AsSpan(p), h.Value?.Length ?? -1);
            if (h.Value is { } value)
            {
                value.CopyTo(buffer.AsSpan(p));
                p += value.Length;
            }
        }

        return buffer;
    }

    public static List<RecordHeader> Decode(ReadOnlySpan<byte> raw, int count)
    {
        var headers = new List<RecordHeader>(count);
        var p = 0;
        for (var i = 0; i < count; i++)
        {
            var keyLength = ReadLength(raw, ref p, allowNull: false);
            var key = Encoding.UTF8.GetString(raw.Slice(p, keyLength));
            p += keyLength;
            var valueLength = ReadLength(raw, ref p, allowNull: true);
            byte[]? value = null;
            if (valueLength >= 0)
            {
                value = raw.Slice(p, valueLength).ToArray();
                p += valueLength;
            }

            headers.Add(new RecordHeader(key, value));
        }

        return headers;
    }

    /// <summary>Skips <paramref name="count"/> headers starting at <paramref name="position"/>, checking every length.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per record decoded (see Record.Parse)
    public static void Skip(ReadOnlySpan<byte> source, ref int position, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var keyLength = ReadLength(source, ref position, allowNull: false);
            position += keyLength;
            var valueLength = ReadLength(source, ref position, allowNull: true);
            position += Math.Max(valueLength, 0);
        }

        if (position > source.Length)
        {
            throw new InvalidDataException("a record header runs past the end of the record");
        }
    }

    /// <summary>Reads a length varint and checks that the bytes it announces are there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // per key and value decoded (see Record.Parse)
    public static int ReadLength(ReadOnlySpan<byte> source, ref int position, bool allowNull)
    {
        var length = Varint.ReadInt(source, ref position);
        if (length < (allowNull ? -1 : 0) || length > source.Length - position)
        {
            throw new InvalidDataException($"a length of {length} does not fit the {source.Length - position} bytes left in the record");
        }

        return length;
    }
}
