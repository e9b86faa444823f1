using System;
using System.Buffers.Binary;

namespace StateLog.Storage.Segments;

/// <summary>
/// A sparse, sorted index of one segment, kept in memory and written whole when the segment closes. Two of Kafka's
/// formats share it: <c>.index</c> (relative offset int32 → file position int32, 8 bytes) and <c>.timeindex</c>
/// (timestamp int64 → relative offset int32, 12 bytes), both big-endian.
/// </summary>
internal sealed class SegmentIndex
{
    private long[] _keys = new long[16];
    private int[] _values = new int[16];

    private SegmentIndex(int keyBytes) => KeyBytes = keyBytes;

    public static SegmentIndex NewOffsetIndex() => new(sizeof(int));

    public static SegmentIndex NewTimeIndex() => new(sizeof(long));

    /// <summary>4 for an offset index, 8 for a time index.</summary>
    public int KeyBytes { get; }

    public int EntrySize => KeyBytes + sizeof(int);

    public int Count { get; private set; }

    public long LastKey => Count == 0 ? long.MinValue : _keys[Count - 1];

    public void Append(long key, int value)
    {
        if (Count > 0 && key <= _keys[Count - 1])
        {
            return; // Kafka's indexes only grow; a smaller or equal key adds nothing.
        }

        if (Count == _keys.Length)
        {
            Array.Resize(ref _keys, Count * 2);
            Array.Resize(ref _values, Count * 2);
        }

        _keys[Count] = key;
        _values[Count] = value;
        Count++;
    }

    /// <summary>The value of the largest entry whose key is at most <paramref name="key"/>, or <paramref name="none"/>.</summary>
    public int Floor(long key, int none) => TryFloor(key, out _, out var value) ? value : none;

    /// <summary>The largest entry whose key is at most <paramref name="key"/>, if any.</summary>
    public bool TryFloor(long key, out long entryKey, out int value)
    {
        var index = Array.BinarySearch(_keys, 0, Count, key);
        index = index >= 0 ? index : ~index - 1;
        entryKey = index < 0 ? 0 : _keys[index];
        value = index < 0 ? 0 : _values[index];
        return index >= 0;
    }

    public void Clear() => Count = 0;

    public byte[] Serialize()
    {
        var bytes = new byte[Count * EntrySize];
        for (var i = 0; i < Count; i++)
        {
            var entry = bytes.AsSpan(i * EntrySize, EntrySize);
            if (KeyBytes == sizeof(int))
            {
                BinaryPrimitives.WriteInt32BigEndian(entry, (int)_keys[i]);
            }
            else
            {
                BinaryPrimitives.WriteInt64BigEndian(entry, _keys[i]);
            }

            BinaryPrimitives.WriteInt32BigEndian(entry[KeyBytes..], _values[i]);
        }

        return bytes;
    }

    /// <summary>
    /// Loads an index file, or returns null when it cannot be right (Kafka's sanity check, made stricter): a length
    /// that is not a whole number of entries, keys that do not increase, or values outside <c>[0, maxValue]</c>.
    /// </summary>
    public static SegmentIndex? TryLoad(ReadOnlySpan<byte> bytes, int keyBytes, long maxKey, int maxValue)
    {
        var index = new SegmentIndex(keyBytes);
        if (bytes.Length % index.EntrySize != 0)
        {
            return null;
        }

        for (var p = 0; p < bytes.Length; p += index.EntrySize)
        {
            var entry = bytes.Slice(p, index.EntrySize);
            long key = keyBytes == sizeof(int) ? BinaryPrimitives.ReadInt32BigEndian(entry) : BinaryPrimitives.ReadInt64BigEndian(entry);
            var value = BinaryPrimitives.ReadInt32BigEndian(entry[keyBytes..]);
            if ((index.Count > 0 && key <= index.LastKey) || key > maxKey || value < 0 || value > maxValue || (keyBytes == sizeof(int) && key < 0))
            {
                return null;
            }

            index.Append(key, value);
        }

        return index;
    }
}
