using System;
using StateLog.Serialization;

namespace StateLog;

/// <summary>
/// The key codecs of the supported key types, with the byte layouts of Kafka's serializers, so a key lands on the same
/// partition as in a Kafka topic: string as UTF-8, int and long big-endian, Guid as 16 bytes in RFC 4122 order.
/// </summary>
public static class KeyCodecs
{
    /// <summary>UTF-8 (Kafka's <c>StringSerializer</c>).</summary>
    public static IKeyCodec<string> String { get; } = new Utf8KeyCodec();

    /// <summary>4 bytes, big-endian (Kafka's <c>IntegerSerializer</c>).</summary>
    public static IKeyCodec<int> Int32 { get; } = new BigEndianKeyCodec<int>();

    /// <summary>8 bytes, big-endian (Kafka's <c>LongSerializer</c>).</summary>
    public static IKeyCodec<long> Int64 { get; } = new BigEndianKeyCodec<long>();

    /// <summary>16 bytes in RFC 4122 (big-endian) order, as Java's <c>UUID</c> most/least significant longs.</summary>
    public static IKeyCodec<Guid> Guid { get; } = new GuidKeyCodec();
}
