using System;
using System.Numerics;

namespace StateLog.Serialization;

/// <summary>Integer keys as their fixed-size big-endian bytes (Kafka's <c>IntegerSerializer</c> and <c>LongSerializer</c>).</summary>
internal sealed class BigEndianKeyCodec<T> : IKeyCodec<T>
    where T : IBinaryInteger<T>
{
    private static readonly int Size = T.Zero.GetByteCount();

    public int GetMaxByteCount(T key) => Size;

    public int Encode(T key, Span<byte> destination) => key.WriteBigEndian(destination);

    public T Decode(ReadOnlySpan<byte> source) =>
        source.Length == Size ? T.ReadBigEndian(source, isUnsigned: false) : throw FixedSize.WrongLength(source, Size, typeof(T).Name);
}
