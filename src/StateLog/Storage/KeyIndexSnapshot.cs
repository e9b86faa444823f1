using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
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
/// <remarks>
/// Layout (version 2), big-endian: magic, version, log end offset, segment count, one 64-byte entry per segment, key
/// count, the keys, and a CRC-32C of everything before it. Keys are in offset order, each as three varints (offset
/// after the previous key's, size change, bytes skipped since the previous key's record ends in the same segment)
/// then its 16-byte hash and, unless a tombstone, its record's 4-byte CRC-32C. The hash and the CRC are random, so
/// about 20 bytes a key is the floor; the varints are a byte each in a compacted log (about 23 bytes a key in all,
/// against version 1's fixed 36).
/// </remarks>
internal static class KeyIndexSnapshot
{
    private const uint Magic = 0x534C4B49; // "SLKI"
    private const int Version = 2;
    private const int HeaderBytes = 4 + 4 + 8 + 4;
    private const int SegmentEntryBytes = (8 * 7) + 4 + 4;
    private const int HashBytes = 16;
    private const int MaxKeyEntryBytes = (3 * Varint.MaxLongBytes) + HashBytes + 4;
    private const int TrailerBytes = 4;

    /// <summary>How many slices of the offset range a close writes the keys in (<see cref="InOffsetOrder"/>).</summary>
    private const int Slices = 8;

    private const int HistogramBuckets = 1024;

    /// <summary>How many keys a load decodes before it inserts them together (<see cref="ReadKeys"/>).</summary>
    private const int KeysPerGroup = 256;

    /// <summary>The read and write buffer: the read-ahead size <see cref="BatchScanner"/> rents, so both share the pool's arrays.</summary>
    private const int BufferBytes = 256 * 1024;

    /// <summary>
    /// Zig-zag varints take one byte for -64..63. The gaps written here are never negative, so each is written less
    /// this bias, which makes 0..127 one byte.
    /// </summary>
    private const long Bias = 64;

    /// <summary>The state of one segment at the close, with CRC-32Cs of its index files (Kafka's indexes carry none).</summary>
    public readonly record struct SegmentState(long BaseOffset, long Size, long NextOffset, long MaxTimestamp, long OffsetOfMaxTimestamp, long FirstBatchTimestamp, bool IsDense, uint OffsetIndexChecksum, uint TimeIndexChecksum);

    public static string PathFor(string directory, long logEndOffset) => Path.Combine(directory, SegmentFiles.Name(logEndOffset) + SegmentFiles.KeyIndexExtension);

    /// <summary>Writes the snapshot through one small pooled buffer; the caller holds the key index's gate.</summary>
    public static void Write(IStorage storage, string directory, long logEndOffset, IReadOnlyList<LogSegment> segments, KeyIndex keys)
    {
        using var file = storage.Open(PathFor(directory, logEndOffset), create: true);
        file.SetLength(0);
        using var writer = new ChunkWriter(file);
        var header = writer.Reserve(HeaderBytes);
        BinaryPrimitives.WriteUInt32BigEndian(header, Magic);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], Version);
        BinaryPrimitives.WriteInt64BigEndian(header[8..], logEndOffset);
        BinaryPrimitives.WriteInt32BigEndian(header[16..], segments.Count);
        foreach (var s in segments)
        {
            var e = writer.Reserve(SegmentEntryBytes);
            var p = 0;
            foreach (var v in (ReadOnlySpan<long>)[s.BaseOffset, s.Size, s.NextOffset, s.MaxTimestamp, s.OffsetOfMaxTimestamp, s.FirstBatchTimestamp ?? -1, s.IsDense ? 1 : 0])
            {
                BinaryPrimitives.WriteInt64BigEndian(e[p..], v);
                p += 8;
            }

            BinaryPrimitives.WriteUInt32BigEndian(e[p..], Crc32C.Compute(s.OffsetIndex.Serialize()));
            BinaryPrimitives.WriteUInt32BigEndian(e[(p + 4)..], Crc32C.Compute(s.TimeIndex.Serialize()));
        }

        BinaryPrimitives.WriteInt32BigEndian(writer.Reserve(4), keys.Count);
        var baseOffsets = new long[segments.Count];
        for (var i = 0; i < baseOffsets.Length; i++)
        {
            baseOffsets[i] = segments[i].BaseOffset;
        }

        var cursor = new Cursor(baseOffsets);
        foreach (var slice in InOffsetOrder(keys, baseOffsets.Length == 0 ? 0 : baseOffsets[0], logEndOffset))
        {
            foreach (var (hash, location) in slice)
            {
                var e = writer.Room(MaxKeyEntryBytes);
                var expected = cursor.ExpectedPosition(location.Offset);
                var n = Varint.Write(e, location.Offset - cursor.Offset - 1 - Bias);
                n += Varint.Write(e[n..], (long)location.Size - cursor.Size);
                n += Varint.Write(e[n..], location.Position - expected - Bias);
                BinaryPrimitives.WriteUInt128BigEndian(e[n..], hash);
                n += HashBytes;
                if (!location.IsTombstone)
                {
                    BinaryPrimitives.WriteUInt32BigEndian(e[n..], location.Checksum);
                    n += 4;
                }

                writer.Commit(n);
                cursor.Advance(location);
            }
        }

        writer.Finish();
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
            if (result is null)
            {
                result = Read(storage, path, segments, keys);
                if (result is null)
                {
                    keys.Clear();
                }
            }

            storage.Delete(path);
        }

        return result;
    }

    /// <summary>
    /// The key index's entries in offset order, so that offsets and positions go in as small gaps; one slice of the
    /// offset range at a time, each segment valid until the next is asked for. A histogram of the offsets cuts the
    /// range into about <see cref="Slices"/> slices of equal key counts, each a pass over the index and a sort, so a
    /// close copies an eighth of the index instead of all of it.
    /// </summary>
    private static IEnumerable<ArraySegment<(UInt128 Hash, KeyLocation Location)>> InOffsetOrder(KeyIndex keys, long firstOffset, long endOffset)
    {
        var width = Math.Max(1, (endOffset - firstOffset + HistogramBuckets - 1) / HistogramBuckets);
        int Bucket(long offset) => (int)Math.Clamp((offset - firstOffset) / width, 0, HistogramBuckets - 1);

        var counts = new int[HistogramBuckets];
        foreach (var (_, location) in keys.Walk())
        {
            counts[Bucket(location.Offset)]++;
        }

        var target = Math.Max(1, (keys.Count + Slices - 1) / Slices);
        var slices = new List<(int FirstBucket, int LastBucket, int Count)>();
        for (int bucket = 0, first = 0, count = 0; bucket < HistogramBuckets; bucket++)
        {
            count += counts[bucket];
            if (count >= target || bucket == HistogramBuckets - 1)
            {
                if (count > 0)
                {
                    slices.Add((first, bucket, count));
                }

                first = bucket + 1;
                count = 0;
            }
        }

        var buffer = new (UInt128 Hash, KeyLocation Location)[slices.Count == 0 ? 0 : slices.Max(s => s.Count)];
        foreach (var (firstBucket, lastBucket, _) in slices)
        {
            var n = 0;
            foreach (var (hash, location) in keys.Walk())
            {
                if (Bucket(location.Offset) is var b && b >= firstBucket && b <= lastBucket)
                {
                    buffer[n++] = (hash, location);
                }
            }

            buffer.AsSpan(0, n).Sort(static (a, b) => a.Location.Offset.CompareTo(b.Location.Offset));
            yield return new(buffer, 0, n);
        }
    }

    private static SegmentState[]? Read(IStorage storage, string path, IReadOnlyList<LogSegment> segments, KeyIndex keys)
    {
        using var file = storage.Open(path, create: false);
        if (file.Length < HeaderBytes + 4 + TrailerBytes)
        {
            return null;
        }

        using var reader = new ChunkReader(file);
        var header = reader.Take(HeaderBytes);
        if (BinaryPrimitives.ReadUInt32BigEndian(header) != Magic || BinaryPrimitives.ReadInt32BigEndian(header[4..]) != Version)
        {
            return null;
        }

        var logEndOffset = BinaryPrimitives.ReadInt64BigEndian(header[8..]);
        var segmentCount = BinaryPrimitives.ReadInt32BigEndian(header[16..]);
        if (segmentCount != segments.Count || file.Length < HeaderBytes + ((long)segmentCount * SegmentEntryBytes) + 4 + TrailerBytes)
        {
            return null;
        }

        var states = new SegmentState[segmentCount];
        for (var i = 0; i < segmentCount; i++)
        {
            var e = reader.Take(SegmentEntryBytes);
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

        var keyCount = BinaryPrimitives.ReadInt32BigEndian(reader.Take(4));
        // Every key takes at least its hash: a count the file cannot hold is damage, not a reason to allocate.
        if (keyCount < 0 || (long)keyCount * HashBytes > file.Length)
        {
            return null;
        }

        keys.EnsureCapacity(keyCount);
        try
        {
            if (!ReadKeys(reader, keyCount, logEndOffset, states, keys))
            {
                return null;
            }
        }
        catch (InvalidDataException)
        {
            return null; // a varint ran past the data
        }

        return keys.Count == keyCount && reader.AtTrailer && reader.Crc == BinaryPrimitives.ReadUInt32BigEndian(reader.Take(TrailerBytes)) ? states : null;
    }

    /// <summary>Decodes the keys into <paramref name="keys"/>; false when one does not fit the segments it claims to be in.</summary>
    /// <remarks>
    /// Compiled optimized at once: it runs once per open, a loop over every key, long before tiered compilation would
    /// promote it. Keys go in through <see cref="KeyIndex.SetMany"/> a group at a time: each lands on a random slot of
    /// a multi-megabyte table, and a group's slots are touched together so their cache misses overlap.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool ReadKeys(ChunkReader reader, int keyCount, long logEndOffset, SegmentState[] states, KeyIndex keys)
    {
        var baseOffsets = new long[states.Length];
        for (var s = 0; s < states.Length; s++)
        {
            baseOffsets[s] = states[s].BaseOffset;
        }

        var cursor = new Cursor(baseOffsets);
        var group = new KeyIndex.Update[KeysPerGroup];
        for (var start = 0; start < keyCount; start += KeysPerGroup)
        {
            var count = Math.Min(KeysPerGroup, keyCount - start);
            for (var i = 0; i < count; i++)
            {
                if (!TryReadKey(reader, logEndOffset, states, ref cursor, out group[i]))
                {
                    return false;
                }
            }

            keys.SetMany(group.AsSpan(0, count));
        }

        return true;
    }

    /// <summary>Decodes the next key; false when it does not fit the segments it claims to be in.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into ReadKeys' optimized loop
    private static bool TryReadKey(ChunkReader reader, long logEndOffset, SegmentState[] states, ref Cursor cursor, out KeyIndex.Update update)
    {
        var e = reader.Peek(MaxKeyEntryBytes);
        var n = 0;
        var offset = cursor.Offset + 1 + Bias + Varint.ReadLong(e, ref n);
        var size = cursor.Size + Varint.ReadLong(e, ref n);
        if (offset <= cursor.Offset || offset >= logEndOffset || size is < -1 or > int.MaxValue)
        {
            update = default;
            return false;
        }

        var expected = cursor.ExpectedPosition(offset);
        var position = expected + Bias + Varint.ReadLong(e, ref n);
        var segment = states[cursor.Segment];
        if (position < expected || offset < segment.BaseOffset || position + Math.Max(size, 0) > segment.Size || e.Length < n + HashBytes + (size < 0 ? 0 : 4))
        {
            update = default;
            return false;
        }

        var hash = BinaryPrimitives.ReadUInt128BigEndian(e[n..]);
        n += HashBytes;
        var checksum = 0u;
        if (size >= 0)
        {
            checksum = BinaryPrimitives.ReadUInt32BigEndian(e[n..]);
            n += 4;
        }

        var location = new KeyLocation(offset, (int)position, (int)size, checksum);
        reader.Skip(n);
        cursor.Advance(location);
        update = new KeyIndex.Update(hash, location);
        return true;
    }

    /// <summary>
    /// Where the previous key (in offset order) was, which the next key's gaps are relative to, and which segment the
    /// next key falls in: while keys stay in one segment, a key's record starts where the previous one's ended plus
    /// the bytes skipped (zero within a batch of a compacted log); the first key of a segment counts from its start.
    /// </summary>
    private struct Cursor(long[] baseOffsets)
    {
        private long _end;

        public long Offset { get; private set; } = -1;

        public long Size { get; private set; }

        public int Segment { get; private set; } = -1;

        [MethodImpl(MethodImplOptions.AggressiveInlining)] // per key, into the optimized load and the close's write loop
        public void Advance(KeyLocation location)
        {
            Offset = location.Offset;
            Size = location.Size;
            _end = location.Position + Math.Max(location.Size, 0);
        }

        /// <summary>Moves to the segment holding <paramref name="offset"/> (keys come in offset order) and returns where its record starts at the earliest.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)] // per key (see Advance)
        public long ExpectedPosition(long offset)
        {
            var segment = Math.Max(Segment, 0);
            while (segment + 1 < baseOffsets.Length && baseOffsets[segment + 1] <= offset)
            {
                segment++;
            }

            if (segment != Segment)
            {
                Segment = segment;
                _end = 0;
            }

            return _end;
        }
    }

    /// <summary>Writes the file front to back through one pooled buffer, keeping a CRC-32C of every byte, which it appends last.</summary>
    private sealed class ChunkWriter(IStorageFile file) : IDisposable
    {
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        private int _length;
        private long _written;
        private uint _crc;

        /// <summary>Room for <paramref name="count"/> bytes that are written as they are (all of them are kept).</summary>
        public Span<byte> Reserve(int count)
        {
            var span = Room(count)[..count];
            _length += count;
            return span;
        }

        /// <summary>At least <paramref name="count"/> bytes of room; <see cref="Commit"/> says how many were used.</summary>
        public Span<byte> Room(int count)
        {
            if (_buffer.Length - _length < count)
            {
                Flush();
            }

            return _buffer.AsSpan(_length);
        }

        public void Commit(int count) => _length += count;

        public void Finish()
        {
            var crc = _crc = Crc32C.Append(_crc, _buffer.AsSpan(0, _length));
            BinaryPrimitives.WriteUInt32BigEndian(Room(TrailerBytes), crc);
            _length += TrailerBytes;
            file.Write(_written, _buffer.AsSpan(0, _length));
            _written += _length;
            _length = 0;
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        private void Flush()
        {
            var data = _buffer.AsSpan(0, _length);
            _crc = Crc32C.Append(_crc, data);
            file.Write(_written, data);
            _written += _length;
            _length = 0;
        }
    }

    /// <summary>
    /// Reads the file front to back through one pooled buffer (one sequential pass, nothing allocated per key),
    /// keeping a CRC-32C of every byte before the trailing checksum.
    /// </summary>
    private sealed class ChunkReader(IStorageFile file) : IDisposable
    {
        private readonly long _fileLength = file.Length;
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferBytes);
        private long _bufferFilePosition;
        private int _start;
        private int _length;

        /// <summary>The CRC-32C of the bytes read so far, up to the trailer.</summary>
        public uint Crc { get; private set; }

        /// <summary>Whether everything before the trailer has been consumed.</summary>
        public bool AtTrailer => _bufferFilePosition + _start == _fileLength - TrailerBytes;

        /// <summary>Up to <paramref name="count"/> bytes from the current position (fewer only at the end of the file), not consumed.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)] // per key of a load
        public ReadOnlySpan<byte> Peek(int count)
        {
            if (_length - _start < count)
            {
                Fill();
            }

            return _buffer.AsSpan(_start, Math.Min(count, _length - _start));
        }

        /// <summary>Exactly <paramref name="count"/> bytes, consumed; throws at the end of the file (callers check lengths first).</summary>
        public ReadOnlySpan<byte> Take(int count)
        {
            var span = Peek(count);
            if (span.Length < count)
            {
                throw new InvalidDataException("the snapshot ends early");
            }

            _start += count;
            return span;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)] // per key of a load
        public void Skip(int count) => _start += count;

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        private void Fill()
        {
            var remaining = _length - _start;
            _buffer.AsSpan(_start, remaining).CopyTo(_buffer);
            _bufferFilePosition += _start;
            _start = 0;
            _length = remaining;
            var filePosition = _bufferFilePosition + _length;
            var read = file.Read(filePosition, _buffer.AsSpan(_length, (int)Math.Min(_buffer.Length - _length, _fileLength - filePosition)));
            var checksummed = (int)Math.Clamp(_fileLength - TrailerBytes - filePosition, 0, read);
            Crc = Crc32C.Append(Crc, _buffer.AsSpan(_length, checksummed));
            _length += read;
        }
    }
}
