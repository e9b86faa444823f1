using System;
using System.Collections.Generic;
using System.IO.Hashing;

namespace StateLog.Storage;

/// <summary>
/// Key → location of its latest record, for one partition: a 128-bit XxHash of the key bytes plus a 24-byte
/// <see cref="KeyLocation"/>, so memory per key is bounded whatever the key's length (a 48-byte dictionary entry and
/// a 4-byte bucket, times the dictionary's spare capacity). Readers verify the key bytes they read, so a hash
/// collision can never return another key's value. Callers synchronise through <see cref="Gate"/>.
/// </summary>
internal sealed class KeyIndex
{
    private readonly Dictionary<HashKey, KeyLocation> _latest = new();

    public object Gate => _latest;

    public int Count => _latest.Count;

    /// <summary>Keys whose latest record is not a tombstone.</summary>
    public long LiveKeys { get; private set; }

    /// <summary>Every key's latest location (the cleaner counts, per segment, the records that are still the latest of their key).</summary>
    public IEnumerable<KeyLocation> Locations => _latest.Values;

    public static UInt128 Hash(ReadOnlySpan<byte> key) => XxHash128.HashToUInt128(key);

    /// <summary>Every entry; callers hold <see cref="Gate"/> while enumerating.</summary>
    public IEnumerable<KeyValuePair<UInt128, KeyLocation>> Entries()
    {
        foreach (var (key, location) in _latest)
        {
            yield return new(key, location);
        }
    }

    /// <summary>Makes room for <paramref name="count"/> keys at once (a bulk load knows its count; growing by doubling leaves a third unused and the outgrown arrays as garbage).</summary>
    public void EnsureCapacity(int count) => _latest.EnsureCapacity(count);

    public bool TryGet(UInt128 hash, out KeyLocation location) => _latest.TryGetValue(hash, out location);

    public void Set(UInt128 hash, KeyLocation location)
    {
        ref var slot = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_latest, hash, out var existed);
        if (existed && location.Offset < slot.Offset)
        {
            return; // an older record never replaces a newer one
        }

        LiveKeys += (location.IsTombstone ? 0 : 1) - (existed && !slot.IsTombstone ? 1 : 0);
        slot = location;
    }

    public void Remove(UInt128 hash)
    {
        if (_latest.Remove(hash, out var old) && !old.IsTombstone)
        {
            LiveKeys--;
        }
    }

    public void Clear()
    {
        _latest.Clear();
        LiveKeys = 0;
    }

    /// <summary>
    /// The hash as the dictionary's key: two 64-bit halves are 8-byte aligned where <see cref="UInt128"/> is 16-byte
    /// aligned, so an entry takes 48 bytes instead of 64. The hash is uniform, so its low bits are the hash code.
    /// </summary>
    private readonly struct HashKey(ulong high, ulong low) : IEquatable<HashKey>
    {
        private readonly ulong _high = high;
        private readonly ulong _low = low;

        public static implicit operator HashKey(UInt128 hash) => new((ulong)(hash >> 64), (ulong)hash);

        public static implicit operator UInt128(HashKey key) => new(key._high, key._low);

        public bool Equals(HashKey other) => _low == other._low && _high == other._high;

        public override bool Equals(object? obj) => obj is HashKey other && Equals(other);

        public override int GetHashCode() => (int)_low;
    }
}
