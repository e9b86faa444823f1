using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace StateLog.Tests.Reliability.Infrastructure;

/// <summary>One file's contents in <see cref="MemStorage"/>: what the page cache holds, what is on disk, and the writes in between.</summary>
internal sealed class MemFileNode
{
    public MemFileNode(byte[] durable)
    {
        Durable = durable;
        Volatile = [.. durable];
    }

    /// <summary>The contents as the process sees them.</summary>
    public List<byte> Volatile { get; }

    /// <summary>The contents a power loss keeps for sure.</summary>
    public byte[] Durable { get; private set; }

    /// <summary>The writes and truncations since the last sync, oldest first (a null Data is a SetLength to Position).</summary>
    public List<(long Position, byte[]? Data)> Unsynced { get; } = new();

    public void Write(long position, ReadOnlySpan<byte> data)
    {
        if (Volatile.Count < position + data.Length)
        {
            Grow((int)(position + data.Length));
        }

        data.CopyTo(CollectionsMarshal.AsSpan(Volatile)[(int)position..]);
        Unsynced.Add((position, data.ToArray()));
    }

    public void SetLength(long length)
    {
        if (length < Volatile.Count)
        {
            Volatile.RemoveRange((int)length, Volatile.Count - (int)length);
        }

        Grow((int)length);

        Unsynced.Add((length, null));
    }

    public void Sync()
    {
        Durable = Volatile.ToArray();
        Unsynced.Clear();
    }

    private void Grow(int length)
    {
        var old = Volatile.Count;
        if (length > old)
        {
            CollectionsMarshal.SetCount(Volatile, length);
            CollectionsMarshal.AsSpan(Volatile)[old..].Clear();
        }
    }

    /// <summary>The durable contents with the first <paramref name="count"/> unsynced operations applied, the last of them cut to <paramref name="lastBytes"/> bytes when given.</summary>
    public byte[] DurablePlus(int count, int? lastBytes = null)
    {
        var image = new MemFileNode(Durable);
        for (var i = 0; i < count; i++)
        {
            var (position, data) = Unsynced[i];
            if (data is null)
            {
                image.SetLength(position);
            }
            else
            {
                image.Write(position, i == count - 1 && lastBytes is { } cut ? data.AsSpan(0, cut) : data);
            }
        }

        return image.Volatile.ToArray();
    }
}
