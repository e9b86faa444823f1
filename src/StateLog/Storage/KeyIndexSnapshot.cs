using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using StateLog.Storage.IO;
using StateLog.Storage.Records;
using StateLog.Storage.Segments;

namespace StateLog.Storage;

/// <summary>
/// What a clean close knows about a partition and an open would otherwise rebuild by reading every segment: each
/// segment's size, end offset and timestamps, and the whole key index. Written at a clean close as
/// <c>{logEndOffset}.keyindex</c>, checked against the segments on disk and a CRC-32C, and deleted as soon as it is
/// read, so it can only ever describe the log as it was closed (Kafka's producer-state snapshot, applied to keys).
/// </summary>
internal static class KeyIndexSnapshot
{
    private const uint Magic = 0x534C4B49; // "SLKI"
    private const int Version = 1;
    private const int SegmentEntryBytes = (8 * 7) + 4 + 4;
    private const int KeyEntryBytes = 16 + 8 + 4 + 4 + 4;

    /// <summary>The state of one segment at the close, with CRC-32Cs of its index files (Kafka's indexes carry none).</summary>
    public readonly record struct SegmentState(long BaseOffset, long Size, long NextOffset, long MaxTimestamp, long OffsetOfMaxTimestamp, long FirstBatchTimestamp, bool IsDense, uint OffsetIndexChecksum, uint TimeIndexChecksum);

    public static string PathFor(string directory, long logEndOffset) => Path.Combine(directory, SegmentFiles.Name(logEndOffset) + SegmentFiles.KeyIndexExtension);

    public static void Write(IStorage storage, string directory, long logEndOffset, IReadOnlyList<LogSegment> segments, KeyIndex keys)
    {
        var size = 4 + 4 + 8 + 4 + (segments.Count * SegmentEntryBytes) + 4 + (keys.Count * KeyEntryBytes) + 4;
        var bytes = new byte[size];
        var span = bytes.AsSpan();
        var p = 0;
        BinaryPrimitives.WriteUInt32BigEndian(span[p..], Magic);
        BinaryPrimitives.WriteInt32BigEndian(span[(p += 4)..], Version);
        BinaryPrimitives.WriteInt64BigEndian(span[(p += 4)..], logEndOffset);
        BinaryPrimitives.WriteInt32BigEndian(span[(p += 8)..], segments.Count);
        p += 4;
        foreach (var s in segments)
        {
            foreach (var v in new[] { s.BaseOffset, s.Size, s.NextOffset, s.MaxTimestamp, s.OffsetOfMaxTimestamp, s.FirstBatchTimestamp ?? -1, s.IsDense ? 1 : 0 })
            {
                BinaryPrimitives.WriteInt64BigEndian(span[p..], v);
                p += 8;
            }

            BinaryPrimitives.WriteUInt32BigEndian(span[p..], Crc32C.Compute(s.OffsetIndex.Serialize()));
            BinaryPrimitives.WriteUInt32BigEndian(span[(p + 4)..], Crc32C.Compute(s.TimeIndex.Serialize()));
            p += 8;
        }

        BinaryPrimitives.WriteInt32BigEndian(span[p..], keys.Count);
        p += 4;
        foreach (var (hash, location) in keys.Entries())
        {
            BinaryPrimitives.WriteUInt128BigEndian(span[p..], hash);
            BinaryPrimitives.WriteInt64BigEndian(span[(p += 16)..], location.Offset);
            BinaryPrimitives.WriteInt32BigEndian(span[(p += 8)..], location.Position);
            BinaryPrimitives.WriteInt32BigEndian(span[(p += 4)..], location.Size);
            BinaryPrimitives.WriteUInt32BigEndian(span[(p += 4)..], location.Checksum);
            p += 4;
        }

        BinaryPrimitives.WriteUInt32BigEndian(span[p..], Crc32C.Compute(span[..p]));
        var path = PathFor(directory, logEndOffset);
        using var file = storage.Open(path, create: true);
        file.SetLength(0);
        file.Write(0, bytes);
        file.Sync();
    }

    /// <summary>
    /// Loads the snapshot into <paramref name="keys"/> and returns the segments' states, or null (and leaves
    /// <paramref name="keys"/> empty) when there is none, or it does not match the segments on disk byte for byte.
    /// Every snapshot file is deleted either way.
    /// </summary>
    public static SegmentState[]? TryLoad(IStorage storage, string directory, IReadOnlyList<LogSegment> segments, KeyIndex keys)
    {
        SegmentState[]? result = null;
        foreach (var name in storage.ListFiles(directory))
        {
            if (!name.EndsWith(SegmentFiles.KeyIndexExtension, StringComparison.Ordinal))
            {
                continue;
            }

            var path = Path.Combine(directory, name);
            result ??= Read(storage, path, segments, keys);
            storage.Delete(path);
        }

        return result;
    }

    private static SegmentState[]? Read(IStorage storage, string path, IReadOnlyList<LogSegment> segments, KeyIndex keys)
    {
        byte[] bytes;
        using (var file = storage.Open(path, create: false))
        {
            if (file.Length is < 28 or > int.MaxValue)
            {
                return null;
            }

            bytes = new byte[file.Length];
            if (file.Read(0, bytes) != bytes.Length)
            {
                return null;
            }
        }

        var span = bytes.AsSpan();
        if (BinaryPrimitives.ReadUInt32BigEndian(span[^4..]) != Crc32C.Compute(span[..^4])
            || BinaryPrimitives.ReadUInt32BigEndian(span) != Magic || BinaryPrimitives.ReadInt32BigEndian(span[4..]) != Version)
        {
            return null;
        }

        var segmentCount = BinaryPrimitives.ReadInt32BigEndian(span[16..]);
        if (segmentCount != segments.Count || bytes.Length < 20 + (segmentCount * SegmentEntryBytes) + 8)
        {
            return null;
        }

        var states = new SegmentState[segmentCount];
        var p = 20;
        for (var i = 0; i < segmentCount; i++, p += SegmentEntryBytes)
        {
            var e = span.Slice(p, SegmentEntryBytes);
            states[i] = new SegmentState(
                BinaryPrimitives.ReadInt64BigEndian(e),
                BinaryPrimitives.ReadInt64BigEndian(e[8..]),
                BinaryPrimitives.ReadInt64BigEndian(e[16..]),
                BinaryPrimitives.ReadInt64BigEndian(e[24..]),
                BinaryPrimitives.ReadInt64BigEndian(e[32..]),
                BinaryPrimitives.ReadInt64BigEndian(e[40..]),
                BinaryPrimitives.ReadInt64BigEndian(e[48..]) == 1,
                BinaryPrimitives.ReadUInt32BigEndian(e[56..]),
                BinaryPrimitives.ReadUInt32BigEndian(e[60..]));
            if (states[i].BaseOffset != segments[i].BaseOffset || states[i].Size != segments[i].File.Length)
            {
                return null;
            }
        }

        var keyCount = BinaryPrimitives.ReadInt32BigEndian(span[p..]);
        p += 4;
        if (keyCount < 0 || (long)keyCount * KeyEntryBytes != bytes.Length - p - 4)
        {
            return null;
        }

        for (var i = 0; i < keyCount; i++, p += KeyEntryBytes)
        {
            var e = span.Slice(p, KeyEntryBytes);
            keys.Set(
                BinaryPrimitives.ReadUInt128BigEndian(e),
                new KeyLocation(BinaryPrimitives.ReadInt64BigEndian(e[16..]), BinaryPrimitives.ReadInt32BigEndian(e[24..]), BinaryPrimitives.ReadInt32BigEndian(e[28..]), BinaryPrimitives.ReadUInt32BigEndian(e[32..])));
        }

        return states;
    }
}
