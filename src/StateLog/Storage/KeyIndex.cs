using System;
using System.Collections.Generic;
using System.IO.Hashing;
using System.Runtime.CompilerServices;
using System.Threading;

namespace StateLog.Storage;

/// <summary>
/// Key → location of its latest record, for one partition: a 128-bit XxHash of the key bytes plus a 24-byte
/// <see cref="KeyLocation"/>, so memory per key is bounded whatever the key's length. Readers verify the key bytes
/// they read, so a hash collision can never return another key's value. Callers synchronise through <see cref="Gate"/>,
/// except point reads' <see cref="TryGetUnsynchronized"/>, whose answer the reader proves before using it.
/// </summary>
/// <remarks>
/// An open-addressing table with linear probing (40 bytes a slot, at most three quarters full, so about 53 to 80 bytes
/// a key): a lookup touches one slot's cache line where a <see cref="Dictionary{TKey,TValue}"/> touches a bucket and
/// an entry, and the append path can load the slots of a whole batch of updates ahead of writing them
/// (<see cref="SetMany"/>), so their cache misses overlap instead of queueing. The all-zero hash marks an empty slot;
/// a key that hashes to it (one in 2^128) lives beside the table.
/// </remarks>
internal sealed class KeyIndex
{
    private const int MinCapacity = 16;

    /// <summary>How many slots <see cref="SetMany"/> touches ahead of updating them.</summary>
    private const int TouchChunk = 32;

    /// <summary>
    /// The slots, chunked (<see cref="ChunkedArray{T}"/>) so an outgrown table is garbage the GC compacts away: a table
    /// grown from 16 slots to 100,000 keys would otherwise leave about twice its final size in the large-object heap.
    /// </summary>
    private ChunkedArray<Slot> _slots = new(MinCapacity);
    private int _used;
    private bool _hasZeroKey;
    private KeyLocation _zeroKeyLocation;

    /// <summary>Keeps the touching loads of <see cref="SetMany"/> from being optimised away.</summary>
    private ulong _touched;

    public object Gate { get; } = new();

    public int Count => _used + (_hasZeroKey ? 1 : 0);

    /// <summary>Keys whose latest record is not a tombstone.</summary>
    public long LiveKeys { get; private set; }

    /// <summary>
    /// Every key's hash and latest location, walked by a struct over the table: a loop over the whole index (a full
    /// scan's snapshot, the cleaner's copy and count per segment, a close's snapshot) inlines it instead of calling an
    /// iterator per slot, which in a fresh process also ran at tier 0 for the whole loop. Callers hold <see cref="Gate"/>.
    /// </summary>
    public EntryWalk Walk() => new(this);

    public static UInt128 Hash(ReadOnlySpan<byte> key) => XxHash128.HashToUInt128(key);

    public bool TryGet(UInt128 hash, out KeyLocation location)
    {
        if (hash == UInt128.Zero)
        {
            location = _zeroKeyLocation;
            return _hasZeroKey;
        }

        return TryFind(_slots, hash, out location);
    }

    /// <summary>
    /// <see cref="TryGet"/> without holding <see cref="Gate"/>, for a point read's fast path. The answer may be torn
    /// by a concurrent writer (a location mixing the fields of two updates, a slot moved by a removal, a key missed
    /// while the table grows), so the caller must prove it before using it: a found location counts only when the
    /// bytes there pass the record's CRC-32C and carry the key, and "not found" or a tombstone must be asked again
    /// under the lock. Never throws and never loops forever: the table is never full, and a grown table is published
    /// only once filled.
    /// </summary>
    public bool TryGetUnsynchronized(UInt128 hash, out KeyLocation location)
    {
        location = default;
        return hash != UInt128.Zero && TryFind(Volatile.Read(ref _slots), hash, out location); // an empty slot would "match" the all-zero hash
    }

    /// <summary>The location in <paramref name="slots"/> of a non-zero <paramref name="hash"/>, if it is there.</summary>
    private static bool TryFind(ChunkedArray<Slot> slots, UInt128 hash, out KeyLocation location)
    {
        var i = Find(slots, hash);
        location = i >= 0 ? slots[i].Location : default;
        return i >= 0;
    }

    public void Set(UInt128 hash, KeyLocation location)
    {
        if (hash == UInt128.Zero)
        {
            SetLocation(ref _zeroKeyLocation, _hasZeroKey, location);
            _hasZeroKey = true;
            return;
        }

        var i = Find(_slots, hash);
        if (i >= 0)
        {
            SetLocation(ref _slots[i].Location, true, location);
            return;
        }

        if ((_used + 1) * 4L > _slots.Length * 3L)
        {
            Grow();
            i = Find(_slots, hash);
        }

        // The location before the hash, so an unsynchronised reader that finds the hash rarely sees an empty location.
        ref var slot = ref _slots[~i];
        SetLocation(ref slot.Location, false, location);
        slot.Low = (ulong)hash;
        slot.High = (ulong)(hash >> 64);
        _used++;
    }

    /// <summary>
    /// Applies <paramref name="updates"/> in order, in chunks: each chunk's slots are touched first in a tight loop, so
    /// their cache misses (the table is megabytes, and keys land all over it) overlap instead of coming one per update.
    /// </summary>
    public void SetMany(ReadOnlySpan<Update> updates)
    {
        for (var start = 0; start < updates.Length; start += TouchChunk)
        {
            var chunk = updates.Slice(start, Math.Min(TouchChunk, updates.Length - start));
            ulong touched = 0;
            foreach (var u in chunk)
            {
                touched |= Touch(u.Hash);
            }

            foreach (var u in chunk)
            {
                Set(u.Hash, u.Location);
            }

            _touched = touched;
        }
    }

    public void Remove(UInt128 hash)
    {
        if (hash == UInt128.Zero)
        {
            if (_hasZeroKey && !_zeroKeyLocation.IsTombstone)
            {
                LiveKeys--;
            }

            _hasZeroKey = false;
            _zeroKeyLocation = default;
            return;
        }

        var i = Find(_slots, hash);
        if (i < 0)
        {
            return;
        }

        if (!_slots[i].Location.IsTombstone)
        {
            LiveKeys--;
        }

        RemoveAt(i);
        _used--;
    }

    public void Clear()
    {
        _slots.Clear();
        _used = 0;
        _hasZeroKey = false;
        _zeroKeyLocation = default;
        LiveKeys = 0;
    }

    /// <summary>
    /// Reads the slot where a lookup of <paramref name="hash"/> starts and returns a word of it. Touching the slots of
    /// a batch of updates in one tight loop before applying them lets the CPU fetch their cache lines in parallel.
    /// </summary>
    private ulong Touch(UInt128 hash)
    {
        var slots = _slots;
        return slots[Home((ulong)hash, slots.Length)].Low;
    }

    /// <summary>The slot a hash's probe starts at: the high half of the hash's low word times the table size.</summary>
    private static int Home(ulong low, int length) => (int)Math.BigMul(low, (ulong)length, out _);

    private void SetLocation(ref KeyLocation slot, bool existed, KeyLocation location)
    {
        if (existed && location.Offset < slot.Offset)
        {
            return; // an older record never replaces a newer one
        }

        LiveKeys += (location.IsTombstone ? 0 : 1) - (existed && !slot.IsTombstone ? 1 : 0);
        slot = location;
    }

    /// <summary>The slot of <paramref name="slots"/> holding <paramref name="hash"/>, or the complement of the empty slot where it would go.</summary>
    private static int Find(ChunkedArray<Slot> slots, UInt128 hash)
    {
        var low = (ulong)hash;
        var high = (ulong)(hash >> 64);
        var i = Home(low, slots.Length);

        // Walks a chunk as a plain array, and moves to the next chunk (or wraps to the first) at its end.
        var chunk = slots.ChunkOf(i, out var j);
        while (true)
        {
            ref var slot = ref chunk[j];
            if (slot.Low == low && slot.High == high)
            {
                return i;
            }

            if (!slot.IsUsed)
            {
                return ~i;
            }

            i++;
            if (++j == chunk.Length)
            {
                if (i == slots.Length)
                {
                    i = 0;
                }

                chunk = slots.ChunkOf(i, out j);
            }
        }
    }

    /// <summary>Empties slot <paramref name="i"/> and moves later slots of its probe run back, so no lookup stops short (backward-shift deletion).</summary>
    private void RemoveAt(int i)
    {
        var slots = _slots;
        var j = i;
        while (true)
        {
            if (++j == slots.Length)
            {
                j = 0;
            }

            if (!slots[j].IsUsed)
            {
                break;
            }

            // Slot j may fill the hole at i unless its home lies cyclically in (i, j].
            var home = Home(slots[j].Low, slots.Length);
            var staysPut = i <= j ? i < home && home <= j : i < home || home <= j;
            if (!staysPut)
            {
                slots[i] = slots[j];
                i = j;
            }
        }

        slots[i] = default;
    }

    /// <summary>Makes room for <paramref name="count"/> keys at once (a bulk load knows its count; growing step by step leaves the outgrown tables as garbage).</summary>
    public void EnsureCapacity(int count)
    {
        var length = (int)Math.Min(Array.MaxLength, (count * 4L / 3) + 1);
        if (length > _slots.Length)
        {
            Rehash(length);
        }
    }

    private void Grow() => Rehash(_slots.Length + (_slots.Length / 2));

    /// <summary>Moves every key to a table of <paramref name="length"/> slots, published only once filled (see <see cref="TryGetUnsynchronized"/>).</summary>
    private void Rehash(int length)
    {
        // Past one chunk, rounded up to whole chunks: the spare slots of the last lower the load at no extra chunk.
        var chunk = ChunkedArray<Slot>.ChunkLength;
        var slots = new ChunkedArray<Slot>(length <= chunk ? length : (int)Math.Min(Array.MaxLength, (length + chunk - 1L) / chunk * chunk));
        var old = _slots;
        for (var i = 0; i < old.Length; i++)
        {
            ref var slot = ref old[i];
            if (slot.IsUsed)
            {
                slots[~Find(slots, slot.Hash)] = slot;
            }
        }

        Volatile.Write(ref _slots, slots);
    }

    /// <summary>The walk of <see cref="Walk"/>: the key hashing to zero first, then each used slot.</summary>
    public ref struct EntryWalk
    {
        private readonly ChunkedArray<Slot> _slots;
        private int _next;

        public EntryWalk(KeyIndex keys)
        {
            _slots = keys._slots;
            _next = keys._hasZeroKey ? -1 : 0;
            Current = (UInt128.Zero, keys._zeroKeyLocation);
        }

        public (UInt128 Hash, KeyLocation Location) Current { get; private set; }

        public readonly EntryWalk GetEnumerator() => this;

        [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the caller's loop (see Walk)
        public bool MoveNext()
        {
            if (_next < 0)
            {
                _next = 0;
                return true;
            }

            var slots = _slots;
            while (_next < slots.Length)
            {
                ref readonly var slot = ref slots[_next++];
                if (slot.IsUsed)
                {
                    Current = (slot.Hash, slot.Location);
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>One key's new latest location, as <see cref="SetMany"/> takes it.</summary>
    public readonly record struct Update(UInt128 Hash, KeyLocation Location);

    private struct Slot
    {
        public ulong Low;
        public ulong High;
        public KeyLocation Location;

        public readonly bool IsUsed => (Low | High) != 0;

        public readonly UInt128 Hash => new(High, Low);
    }
}
