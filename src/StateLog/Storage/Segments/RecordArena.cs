using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace StateLog.Storage.Segments;

/// <summary>
/// Gives the keys and values a read returns their own memory, packed into shared blocks instead of two arrays per
/// record. A block is never reused, so each <see cref="ReadOnlyMemory{T}"/> stays valid for as long as it is held
/// (<see cref="LogRecord"/>'s contract); holding one keeps at most its block (<see cref="BlockBytes"/>, or one large
/// record) alive.
/// </summary>
internal struct RecordArena
{
    /// <summary>A block's size: under the large-object threshold, so blocks are cheap gen-0 allocations.</summary>
    public const int BlockBytes = 32 * 1024;

    private byte[]? _block;
    private int _used;

    /// <summary>Makes the next <paramref name="bytes"/> bytes of copies land in one block.</summary>
    [MemberNotNull(nameof(_block))]
    public void Reserve(int bytes)
    {
        if (_block is null || _block.Length - _used < bytes)
        {
            _block = GC.AllocateUninitializedArray<byte>(Math.Max(bytes, BlockBytes));
            _used = 0;
        }
    }

    /// <summary>A copy of <paramref name="bytes"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into the scan's optimized per-record step (PartitionLog.TakeRecords)
    public ReadOnlyMemory<byte> Copy(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return ReadOnlyMemory<byte>.Empty;
        }

        Reserve(bytes.Length);
        var copy = _block.AsMemory(_used, bytes.Length);
        bytes.CopyTo(copy.Span);
        _used += bytes.Length;
        return copy;
    }
}
