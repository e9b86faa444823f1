using System;

namespace StateLog.Compaction;

/// <summary>
/// Key hash → latest offset over the dirty range of one pass (Kafka's <c>SkimpyOffsetMap</c>, reference §1.4), without
/// its up-front buffer: an open-addressing table of 128-bit key hashes (24 bytes a slot, as Kafka's MD5 + offset) that
/// starts empty and doubles as keys arrive, up to <see cref="MaxEntries"/> keys. When it is full the pass stops
/// indexing there and cleans up to that point (Kafka's partial clean, KAFKA-3894); the next pass continues.
/// </summary>
internal sealed class OffsetMap
{
    /// <summary>Kafka's default: 128 MiB / 24 bytes a slot × load factor 0.9.</summary>
    public const int DefaultMaxEntries = 5_033_164;

    private const int InitialSlots = 256;

    private UInt128[] _keys = [];
    private long[] _offsets = [];

    public OffsetMap(int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        MaxEntries = maxEntries;
    }

    /// <summary>The most keys one pass indexes.</summary>
    public int MaxEntries { get; }

    /// <summary>Distinct keys in the map.</summary>
    public int Size { get; private set; }

    /// <summary>Slots allocated now (grows with <see cref="Size"/>; nothing is reserved before the first key).</summary>
    public int Slots => _offsets.Length;

    public bool IsFull => Size >= MaxEntries;

    /// <summary>Size over slots (Kafka's buffer utilization).</summary>
    public double Utilization => Slots == 0 ? 0 : (double)Size / Slots;

    /// <summary>The last offset the pass indexed: records beyond it are kept whatever their key (Kafka's <c>latestOffset</c>).</summary>
    public long LatestOffset { get; set; } = -1;

    /// <summary>Records <paramref name="offset"/> as the latest of <paramref name="hash"/>; a new key when full is an error.</summary>
    public void Put(UInt128 hash, long offset)
    {
        if (_offsets.Length == 0 || (Size + 1) * 4L > _offsets.Length * 3L)
        {
            Grow();
        }

        var slot = Find(_keys, _offsets, hash);
        if (_offsets[slot] < 0)
        {
            if (IsFull)
            {
                throw new InvalidOperationException($"The offset map holds its maximum of {MaxEntries} keys.");
            }

            _keys[slot] = hash;
            Size++;
        }

        _offsets[slot] = offset;
        LatestOffset = offset;
    }

    /// <summary>The offset recorded for <paramref name="hash"/>, or -1.</summary>
    public long Get(UInt128 hash) => _offsets.Length == 0 ? -1 : _offsets[Find(_keys, _offsets, hash)];

    /// <summary>Forgets every key and gives the memory back.</summary>
    public void Clear()
    {
        _keys = [];
        _offsets = [];
        Size = 0;
        LatestOffset = -1;
    }

    /// <summary>The slot holding <paramref name="hash"/>, or the empty slot where it would go (linear probing).</summary>
    private static int Find(UInt128[] keys, long[] offsets, UInt128 hash)
    {
        var mask = offsets.Length - 1;
        var slot = (int)((ulong)hash & (ulong)mask);
        while (offsets[slot] >= 0 && keys[slot] != hash)
        {
            slot = (slot + 1) & mask;
        }

        return slot;
    }

    private void Grow()
    {
        var slots = _offsets.Length == 0 ? InitialSlots : _offsets.Length * 2;
        var keys = new UInt128[slots];
        var offsets = new long[slots];
        offsets.AsSpan().Fill(-1);
        for (var i = 0; i < _offsets.Length; i++)
        {
            if (_offsets[i] >= 0)
            {
                var slot = Find(keys, offsets, _keys[i]);
                keys[slot] = _keys[i];
                offsets[slot] = _offsets[i];
            }
        }

        _keys = keys;
        _offsets = offsets;
    }
}
