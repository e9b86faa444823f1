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

    /// <summary>Written by MessagePack's built-in formatter, read by <c>ReadDateTimeOffset()</c>.</summary>
    DateTimeOffset,

    /// <summary>Written by MessagePack's built-in formatter, read by <c>ReadTimeSpan()</c>.</summary>
    TimeSpan,
}
