using System;

namespace StateLog.Serialization;

/// <summary>Guid keys as 16 bytes in RFC 4122 order (big-endian fields), not .NET's mixed-endian <c>ToByteArray</c>.</summary>
internal sealed class GuidKeyCodec : IKeyCodec<Guid>
{
    private const int Size = 16;

    public int GetMaxByteCount(Guid key) => Size;

    public int Encode(Guid key, Span<byte> destination)
    {
        _ = key.TryWriteBytes(destination, bigEndian: true, out var written);
        return written;
    }

    public Guid Decode(ReadOnlySpan<byte> source) =>
        source.Length == Size ? new Guid(source, bigEndian: true) : throw FixedSize.WrongLength(source, Size, nameof(Guid));
}
