using System;
using StateLog.Generators.Parsing.Model;

namespace StateLog.Generators.Emitting;

/// <summary>The C# type and runtime codec of each key kind.</summary>
internal static class KeyTypes
{
    public static string TypeName(KeyKind kind) => kind switch
    {
        KeyKind.String => "string",
        KeyKind.Int32 => "int",
        KeyKind.Int64 => "long",
        KeyKind.Guid => "global::System.Guid",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The <c>StateLog.KeyCodecs</c> member for the kind (Kafka's serializers' byte layout).</summary>
    public static string Codec(KeyKind kind) => "global::StateLog.KeyCodecs." + kind;
}
