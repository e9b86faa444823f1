using System;
using System.Collections.Generic;
using System.IO.Hashing;

namespace StateLog.Storage;

/// <summary>
/// Key → location of its latest record, for one partition: a 128-bit XxHash of the key bytes plus a 24-byte
/// <see cref="KeyLocation"/>, so memory per key is bounded whatever the key's length (about 52 bytes with the
/// dictionary's own overhead). Readers verify the key bytes they read, so a hash collision can never return another
/// key's value. Callers synchronise through <see cref="Gate"/>.
/// </summary>
internal sealed class KeyIndex
{
    private readonly Dictionary<UInt128, KeyLocation> _latest = new();

    public object Gate => _latest;

    public int Count => _latest.Count;

    /// <summary>Keys whose latest record is not a tombstone.</summary>
    public long LiveKeys { get; private set; }

    /// <summary>Every key's latest location (the cleaner counts, per segment, the records that are still the latest of their key).</summary>
    public IEnumerable<KeyLocation> Locations => _latest.Values;

    public static UInt128 Hash(ReadOnlySpan<byte> key) => XxHash128.HashToUInt128(key);

    /// <summary>Every entry; callers hold <see cref="Gate"/> while enumerating.</summary>
    public IEnumerable<KeyValuePair<UInt128, KeyLocation>> Entries() => _latest;

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
}
