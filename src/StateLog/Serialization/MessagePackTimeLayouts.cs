using System;
using System.ComponentModel;
using MessagePack;

namespace StateLog.Serialization;

/// <summary>
/// Writes <see cref="DateTimeOffset"/> and <see cref="TimeSpan"/> members for the formatters StateLog generates, in the
/// layout of MessagePack's built-in formatters and without the resolver, as <see cref="DateTime"/> members are written:
/// <see cref="MessagePackSpanReader"/> reads them back the same way whatever resolver the options carry. Not meant for
/// application code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class MessagePackTimeLayouts
{
    /// <summary>Writes <paramref name="value"/> as a two-element array: its clock ticks as a UTC timestamp, then its offset in minutes.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    public static void WriteDateTimeOffset(ref MessagePackWriter writer, DateTimeOffset value)
    {
        writer.WriteArrayHeader(2);
        writer.Write(new DateTime(value.Ticks, DateTimeKind.Utc));
        writer.Write((short)value.Offset.TotalMinutes);
    }

    /// <summary>Writes <paramref name="value"/> as its ticks.</summary>
    /// <param name="writer">The writer.</param>
    /// <param name="value">The value.</param>
    public static void WriteTimeSpan(ref MessagePackWriter writer, TimeSpan value) => writer.Write(value.Ticks);
}
