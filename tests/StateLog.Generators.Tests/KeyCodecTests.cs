using System;

namespace StateLog.Generators.Tests;

/// <summary>Key bytes match Kafka's serializers, so keys land on the same partitions as in a Kafka topic.</summary>
public sealed class KeyCodecTests
{
    [Fact]
    public void String_IsUtf8() =>
        Assert.Equal(new byte[] { 0x69, 0x64, 0x2D, 0xCE, 0xBB }, Encode(KeyCodecs.String, "id-λ"));

    [Fact]
    public void Int32_IsBigEndian() =>
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF, 0xFE }, Encode(KeyCodecs.Int32, -2));

    [Fact]
    public void Int64_IsBigEndian() =>
        Assert.Equal(new byte[] { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 }, Encode(KeyCodecs.Int64, 0x0102030405060708));

    [Fact]
    public void Guid_IsRfc4122Order() =>
        Assert.Equal(Convert.FromHexString("00112233445566778899AABBCCDDEEFF"), Encode(KeyCodecs.Guid, new Guid("00112233-4455-6677-8899-aabbccddeeff")));

    [Fact]
    public void Decode_RoundTripsEachCodec()
    {
        Assert.Equal("id-λ", KeyCodecs.String.Decode(Encode(KeyCodecs.String, "id-λ")));
        Assert.Equal(int.MinValue, KeyCodecs.Int32.Decode(Encode(KeyCodecs.Int32, int.MinValue)));
        Assert.Equal(long.MaxValue, KeyCodecs.Int64.Decode(Encode(KeyCodecs.Int64, long.MaxValue)));
        var guid = Guid.NewGuid();
        Assert.Equal(guid, KeyCodecs.Guid.Decode(Encode(KeyCodecs.Guid, guid)));
    }

    [Fact]
    public void Decode_WrongLengthOrInvalidUtf8_Throws()
    {
        Assert.Throws<FormatException>(() => KeyCodecs.Int32.Decode(new byte[3]));
        Assert.Throws<FormatException>(() => KeyCodecs.Int64.Decode(new byte[4]));
        Assert.Throws<FormatException>(() => KeyCodecs.Guid.Decode(new byte[15]));
        Assert.Throws<FormatException>(() => KeyCodecs.String.Decode(new byte[] { 0xC3, 0x28 }));
    }

    private static byte[] Encode<TKey>(IKeyCodec<TKey> codec, TKey key)
    {
        var buffer = new byte[codec.GetMaxByteCount(key)];
        return buffer.AsSpan(0, codec.Encode(key, buffer)).ToArray();
    }
}
