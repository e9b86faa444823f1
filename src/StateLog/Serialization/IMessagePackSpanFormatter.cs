using System.ComponentModel;
using MessagePack;
using MessagePack.Formatters;

namespace StateLog.Serialization;

/// <summary>
/// A MessagePack formatter that also reads from one contiguous buffer (<see cref="MessagePackSpanReader"/>): what StateLog
/// generates for each entity, so stored values are read without <see cref="MessagePackReader"/>; not meant for application code.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IMessagePackSpanFormatter<T> : IMessagePackFormatter<T>
{
    /// <summary>Reads one value.</summary>
    /// <param name="reader">The reader, moved past the value.</param>
    /// <param name="options">The serializer options; their resolver serves members of other types.</param>
    /// <returns>The value.</returns>
    T Deserialize(ref MessagePackSpanReader reader, MessagePackSerializerOptions options);
}
