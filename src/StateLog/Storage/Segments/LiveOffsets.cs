using System;
using System.Buffers;
using System.Runtime.CompilerServices;

namespace StateLog.Storage.Segments;

/// <summary>
/// The offsets of every key's latest live record in <c>[Start, End)</c>, copied from the key index in one pass when a
/// full scan starts. A scan then tells whether a record is its key's latest by its offset alone, walking this
/// snapshot in offset order, instead of hashing its key and probing the key index once per record: that probe
/// lands on a random cache line of a multi-megabyte table and was most of a scan's CPU. Records at or after
/// <see cref="End"/> were appended after the snapshot and are checked against the key index as before.
/// </summary>
/// <remarks>
/// Held as a bitmap over the offset range when that costs at most 8 bytes per key (one bit per offset), otherwise as a
/// sorted array of offsets (8 bytes per key), so the snapshot never outgrows the key index it copies. An array of up to
/// <see cref="MaxPooledBytes"/> is rented from the shared pool and given back by <see cref="Release"/>: at a few hundred
/// kilobytes it would otherwise be a large-object-heap allocation, collected only with generation 2, on every scan. A
/// larger one is allocated to size, so the pool never holds on to a huge array.
/// </remarks>
internal sealed class LiveOffsets
{
    /// <summary>The largest array rented (a power of two, so a rented array never exceeds it either): 4 MiB, the bitmap of 32 million offsets.</summary>
    private const int MaxPooledBytes = 4 << 20;

    private ulong[]? _bits;
    private long[]? _sorted;
    private readonly int _sortedCount;
    private int _cursor;

    private LiveOffsets(long start, long end, ulong[]? bits, long[]? sorted, int sortedCount)
    {
        Start = start;
        End = end;
        _bits = bits;
        _sorted = sorted;
        _sortedCount = sortedCount;
    }

    /// <summary>The first offset the snapshot covers.</summary>
    public long Start { get; }

    /// <summary>One past the last offset the snapshot covers: the log end when it was taken.</summary>
    public long End { get; }

    /// <summary>
    /// Copies the offsets of the live (non-tombstone) latest records of <paramref name="keys"/> in
    /// <c>[start, end)</c>; the caller holds the key index's lock, so they are one consistent state.
    /// </summary>
    public static LiveOffsets Take(KeyIndex keys, long start, long end) =>
        end - start <= Math.Min(64L * Math.Max(keys.Count, 1024), int.MaxValue) ? TakeBitmap(keys, start, end) : TakeSorted(keys, start, end);

    /// <summary>Whether <paramref name="offset"/> (in <c>[Start, End)</c>) held its key's latest live record when the snapshot was taken.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the bitmap test, per record of the scan's optimized loop
    public bool Contains(long offset)
    {
        if (_bits is not null)
        {
            var bit = offset - Start;
            return bit >= 0 && (_bits[(int)(bit >> 6)] & (1UL << (int)bit)) != 0;
        }

        return ContainsSorted(offset);
    }

    /// <summary>Gives the array back to the pool; the snapshot must not be asked again.</summary>
    public void Release()
    {
        if (_bits is { } bits)
        {
            _bits = null;
            Return(bits);
        }

        if (_sorted is { } sorted)
        {
            _sorted = null;
            Return(sorted);
        }
    }

    private static T[] Rent<T>(int length) =>
        (long)length * Unsafe.SizeOf<T>() <= MaxPooledBytes ? ArrayPool<T>.Shared.Rent(length) : new T[length];

    private static void Return<T>(T[] array)
    {
        if ((long)array.Length * Unsafe.SizeOf<T>() <= MaxPooledBytes)
        {
            ArrayPool<T>.Shared.Return(array);
        }
    }

    /// <remarks>
    /// Each shape is compiled optimized at once, and only when used: a pass over the whole key index that runs once
    /// per scan, long before tiered compilation would promote it.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static LiveOffsets TakeBitmap(KeyIndex keys, long start, long end)
    {
        var words = (int)((end - start + 63) >> 6);
        var bits = Rent<ulong>(words);
        Array.Clear(bits, 0, words);
        foreach (var (_, location) in keys.Walk())
        {
            if (!location.IsTombstone && location.Offset >= start && location.Offset < end)
            {
                var bit = location.Offset - start;
                bits[(int)(bit >> 6)] |= 1UL << (int)bit;
            }
        }

        return new LiveOffsets(start, end, bits, null, 0);
    }

    /// <inheritdoc cref="TakeBitmap" path="/remarks"/>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static LiveOffsets TakeSorted(KeyIndex keys, long start, long end)
    {
        var offsets = Rent<long>(keys.Count);
        var count = 0;
        foreach (var (_, location) in keys.Walk())
        {
            if (!location.IsTombstone && location.Offset >= start && location.Offset < end)
            {
                offsets[count++] = location.Offset;
            }
        }

        Array.Sort(offsets, 0, count);
        return new LiveOffsets(start, end, null, offsets, count);
    }

    private bool ContainsSorted(long offset)
    {
        var sorted = _sorted ?? throw new ObjectDisposedException(nameof(LiveOffsets)); // also a released bitmap's way here

        // A scan asks in increasing offset order: walk forward from the last answer, searching only if it went back.
        if (_cursor > 0 && sorted[_cursor - 1] >= offset)
        {
            var found = Array.BinarySearch(sorted, 0, _sortedCount, offset);
            _cursor = found >= 0 ? found : ~found;
        }

        while (_cursor < _sortedCount && sorted[_cursor] < offset)
        {
            _cursor++;
        }

        return _cursor < _sortedCount && sorted[_cursor] == offset;
    }
}
