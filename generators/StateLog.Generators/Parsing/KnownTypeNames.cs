namespace StateLog.Generators.Parsing;

/// <summary>Metadata names the parser and the generator look for.</summary>
internal static class KnownTypeNames
{
    public const string CompactedTopicAttribute = "StateLog.CompactedTopicAttribute";
    public const string KeyAttribute = "StateLog.KeyAttribute";
    public const string DataAnnotationsKeyAttribute = "System.ComponentModel.DataAnnotations.KeyAttribute";
    public const string FieldAttribute = "StateLog.FieldAttribute";
    public const string MessagePackKeyAttribute = "MessagePack.KeyAttribute";
    public const string StateLogTopicsAssemblyAttribute = "StateLog.StateLogTopicsAssemblyAttribute";
    public const string List = "System.Collections.Generic.List`1";
    public const string ReadOnlyList = "System.Collections.Generic.IReadOnlyList`1";
    public const string Dictionary = "System.Collections.Generic.Dictionary`2";
    public const string DateTimeOffset = "System.DateTimeOffset";
    public const string TimeSpan = "System.TimeSpan";
    public const string Guid = "System.Guid";
}
