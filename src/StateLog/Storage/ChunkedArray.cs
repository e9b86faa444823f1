using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace StateLog.Storage;

/// <summary>
/// An array of <typeparamref name="T"/> kept in chunks of at most 80 KiB, under the large-object threshold (85,000
/// bytes): once it dies it is ordinary garbage the GC compacts away, where one array of megabytes would sit in the
/// large-object heap, which is never compacted, and keep its memory committed and resident after it died. Every chunk
/// holds <see cref="ChunkLength"/> elements but the last, which holds the rest.
/// </summary>
internal sealed class ChunkedArray<T>
    where T : struct
{
    private const int MaxChunkBytes = 80 * 1024;

    /// <summary>Log2 of <see cref="ChunkLength"/>: a power of two, so an index splits into chunk and place by a shift and a mask.</summary>
    private static readonly int Shift = BitOperations.Log2((uint)Math.Max(1, MaxChunkBytes / Unsafe.SizeOf<T>()));

    private T[][] _chunks;

    /// <summary>An array of <paramref name="length"/> zeroed elements.</summary>
    public ChunkedArray(int length)
    {
        _chunks = [];
        Resize(length);
    }

    /// <summary>The elements a chunk holds (the last may hold fewer).</summary>
    public static int ChunkLength => 1 << Shift;

    public int Length { get; private set; }

    public int ChunkCount => _chunks.Length;

    public ref T this[int i] => ref _chunks[i >> Shift][i & (ChunkLength - 1)];

    /// <summary>Chunk <paramref name="c"/>, elements <c>c * ChunkLength</c> on.</summary>
    public Span<T> Chunk(int c) => _chunks[c];

    /// <summary>The chunk holding element <paramref name="i"/>, and the element's place in it: a caller walking on from <paramref name="i"/> walks a plain array.</summary>
    public T[] ChunkOf(int i, out int inChunk)
    {
        inChunk = i & (ChunkLength - 1);
        return _chunks[i >> Shift];
    }

    /// <summary>Makes the array <paramref name="length"/> long, keeping what it holds: only the last chunk is copied, the full ones stay.</summary>
    public void Resize(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var chunks = (int)(((long)length + ChunkLength - 1) >> Shift);
        var from = Math.Max(0, Math.Min(_chunks.Length, chunks) - 1);
        Array.Resize(ref _chunks, chunks);
        for (var c = from; c < chunks; c++)
        {
            Array.Resize(ref _chunks[c], Math.Min(ChunkLength, length - (c << Shift)));
        }

        Length = length;
    }

    public void Clear()
    {
        foreach (var chunk in _chunks)
        {
            Array.Clear(chunk);
        }
    }
}
