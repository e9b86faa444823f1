namespace StateLog.Generators.Parsing.Model;

/// <summary>
/// How a member is written: with a <c>MessagePackWriter.Write</c>/<c>MessagePackSpanReader.Read*</c> pair, or through the
/// formatter its type resolves to (<see cref="Formatter"/>).
/// </summary>
internal enum WireKind
{
    Formatter,
    Boolean,
    Byte,
    SByte,
    Int16,
    UInt16,
    Int32,
    UInt32,
    Int64,
    UInt64,
    Single,
    Double,
    Char,
    String,
    DateTime,

    /// <summary><c>byte[]</c>, as MessagePack bin (<c>Write(byte[])</c>, <c>ReadBytes()</c>).</summary>
    Binary,

    /// <summary>In the layout of MessagePack's built-in formatter (<c>MessagePackTimeLayouts.WriteDateTimeOffset</c>, <c>ReadDateTimeOffset()</c>).</summary>
    DateTimeOffset,

    /// <summary>As its ticks, the layout of MessagePack's built-in formatter (<c>MessagePackTimeLayouts.WriteTimeSpan</c>, <c>ReadTimeSpan()</c>).</summary>
    TimeSpan,
}
