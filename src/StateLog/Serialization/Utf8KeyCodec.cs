using System;
using System.Text;

namespace StateLog.Serialization;

/// <summary>String keys as UTF-8; invalid UTF-8 is refused on decode rather than replaced.</summary>
internal sealed class Utf8KeyCodec : IKeyCodec<string>
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public int GetMaxByteCount(string key) => Strict.GetMaxByteCount(key.Length);

    public int Encode(string key, Span<byte> destination) => Strict.GetBytes(key, destination);

    public string Decode(ReadOnlySpan<byte> source)
    {
        try
        {
            return Strict.GetString(source);
        }
        catch (DecoderFallbackException ex)
        {
            throw new FormatException("The key is not valid UTF-8.", ex);
        }
    }
}
