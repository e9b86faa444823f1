namespace StateLog.Generators.Parsing;

/// <summary>The ids of the problems <see cref="EntityParser"/> finds; the analyzers own the messages.</summary>
internal static class ProblemIds
{
    /// <summary>No <c>[Key]</c> member. Location: type identifier. Args: type.</summary>
    public const string NoKey = "SLOG001";

    /// <summary>More than one <c>[Key]</c>. Location: the extra member's identifier. Args: type, member, first key member.</summary>
    public const string MultipleKeys = "SLOG002";

    /// <summary>Key type other than string, int, long, Guid. Location: key member identifier. Args: type, member, key type.</summary>
    public const string UnsupportedKeyType = "SLOG003";

    /// <summary>Invalid topic name. Location: the name argument. Args: type, name, reason.</summary>
    public const string InvalidTopicName = "SLOG004";

    /// <summary>Topic name used twice in the compilation (reported by the analyzer, never by the parser).</summary>
    public const string DuplicateTopicName = "SLOG005";

    /// <summary>Entity not accessible to generated code. Location: type identifier. Args: type.</summary>
    public const string InaccessibleEntity = "SLOG006";

    /// <summary>Generic entity, or nested in a generic type. Location: type identifier. Args: type.</summary>
    public const string GenericEntity = "SLOG007";

    /// <summary><c>Partitions</c> below 1. Location: the <c>Partitions = n</c> argument. Args: type, value.</summary>
    public const string InvalidPartitions = "SLOG008";

    /// <summary>Two topic names that differ only in letter case (reported by the analyzer, never by the parser).</summary>
    public const string TopicNameCaseCollision = "SLOG009";

    /// <summary>Member type not serializable. Location: member identifier. Args: type, member, member type.</summary>
    public const string UnserializableMember = "SLOG020";

    /// <summary>Two members with one wire name. Location: the second member. Args: type, member, other member, wire name.</summary>
    public const string DuplicateWireName = "SLOG021";

    /// <summary>Key member with no setter, init or constructor parameter: it cannot be set when a value is read back. Location: key member identifier. Args: type, member.</summary>
    public const string UnrestorableKey = "SLOG022";

    /// <summary>MessagePack's <c>[Key(n)]</c> where StateLog's <c>[Key]</c> was meant. Location: that attribute. Args: type, member.</summary>
    public const string MessagePackKey = "SLOG040";

    /// <summary>Key member settable after construction. Location: key member identifier. Args: type, member.</summary>
    public const string MutableKey = "SLOG041";
}
