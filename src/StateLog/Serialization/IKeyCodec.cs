using System;

namespace StateLog;

/// <summary>Turns keys into the bytes a topic stores and back. <see cref="KeyCodecs"/> has Kafka's layouts.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
public interface IKeyCodec<TKey>
{
    /// <summary>An upper bound of the bytes <see cref="Encode"/> writes for <paramref name="key"/>.</summary>
    int GetMaxByteCount(TKey key);

    /// <summary>Writes <paramref name="key"/> into <paramref name="destination"/> and returns the byte count.</summary>
    int Encode(TKey key, Span<byte> destination);

    /// <summary>Reads a key written by <see cref="Encode"/>.</summary>
    /// <exception cref="FormatException"><paramref name="source"/> is not a key of this type.</exception>
    TKey Decode(ReadOnlySpan<byte> source);
}
