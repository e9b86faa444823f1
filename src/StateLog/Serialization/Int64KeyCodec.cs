using System;
using System.Buffers.Binary;

namespace StateLog.Serialization;

/// <summary>Long keys as 8 big-endian bytes.</summary>
internal sealed class Int64KeyCodec : IKeyCodec<long>
{
    public int GetMaxByteCount(long key) => sizeof(long);

    public int Encode(long key, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt64BigEndian(destination, key);
        return sizeof(long);
    }

    public long Decode(ReadOnlySpan<byte> source) =>
        source.Length == sizeof(long) ? BinaryPrimitives.ReadInt64BigEndian(source) : throw FixedSize.WrongLength(source, sizeof(long), "a long");
}
