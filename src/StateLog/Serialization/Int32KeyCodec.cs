using System;
using System.Buffers.Binary;

namespace StateLog.Serialization;

/// <summary>Int keys as 4 big-endian bytes.</summary>
internal sealed class Int32KeyCodec : IKeyCodec<int>
{
    public int GetMaxByteCount(int key) => sizeof(int);

    public int Encode(int key, Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, key);
        return sizeof(int);
    }

    public int Decode(ReadOnlySpan<byte> source) =>
        source.Length == sizeof(int) ? BinaryPrimitives.ReadInt32BigEndian(source) : throw FixedSize.WrongLength(source, sizeof(int), "an int");
}
