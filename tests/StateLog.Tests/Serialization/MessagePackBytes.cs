using System.Buffers;
using MessagePack;

namespace StateLog.Tests.Serialization;

/// <summary>Writes a value with <see cref="MessagePackWriter"/> to a byte array; the MessagePack tests' one way to make input.</summary>
internal static class MessagePackBytes
{
    /// <summary>Writes one or more values.</summary>
    public delegate void WriteValue(ref MessagePackWriter writer);

    /// <summary>The bytes <paramref name="write"/> writes, under MessagePack's old spec (no str8, no bin) when <paramref name="oldSpec"/>.</summary>
    public static byte[] Write(WriteValue write, bool oldSpec = false)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer) { OldSpec = oldSpec };
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }
}
