using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using StateLog.Generators.Parsing;

namespace StateLog.Analyzers;

/// <summary>
/// One descriptor per SLOG id. Ranges: 001–019 entity definition, 020–039 serialization, 040–059 usage.
/// Every message names the type (and member) and says what to do; every id has a page under docs/diagnostics.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string DesignCategory = "StateLog.Design";
    public const string SerializationCategory = "StateLog.Serialization";
    public const string UsageCategory = "StateLog.Usage";

    private const string UnserializableTitle = "Entity or member type is not serializable";

    private const string HelpLinkBase = "https://github.com/statelog/statelog/blob/main/docs/diagnostics/";

    public static readonly DiagnosticDescriptor MissingKey = Create(
        ProblemIds.NoKey,
        "Compacted topic type has no key member",
        "Type '{0}' is marked [CompactedTopic] but has no member marked [Key]; add [Key] to the property that identifies a record",
        DesignCategory,
        DiagnosticSeverity.Error,
        "A compacted topic keeps the latest record per key, so the generator needs to know which member is the key.");

    public static readonly DiagnosticDescriptor MultipleKeys = Create(
        ProblemIds.MultipleKeys,
        "Compacted topic type has more than one key",
        "Type '{0}' marks '{1}' as [Key], but '{2}' is already its key; keep [Key] on one member only",
        DesignCategory,
        DiagnosticSeverity.Error,
        "A record has exactly one key; composite keys are not supported, so combine the parts into one member.");

    public static readonly DiagnosticDescriptor UnsupportedKeyType = Create(
        ProblemIds.UnsupportedKeyType,
        "Key member has an unsupported type",
        "Key member '{0}.{1}' has type '{2}'; change it to string, int, long or Guid",
        DesignCategory,
        DiagnosticSeverity.Error,
        "Keys are encoded with a fixed, stable codec that exists for string, int, long and Guid only.");

    public static readonly DiagnosticDescriptor InvalidTopicName = Create(
        ProblemIds.InvalidTopicName,
        "Invalid topic name",
        "Type '{0}' uses the topic name '{1}', which is invalid: {2} Use 1 to 249 characters of [a-zA-Z0-9._-], not '.' or '..'",
        DesignCategory,
        DiagnosticSeverity.Error,
        "Topic names follow Kafka's rule, which also keeps every partition folder inside the data directory.");

    public static readonly DiagnosticDescriptor DuplicateTopicName = Create(
        ProblemIds.DuplicateTopicName,
        "Topic name used by two types",
        "Type '{0}' uses the topic name '{1}', which '{2}' already uses; give each [CompactedTopic] type its own topic name",
        DesignCategory,
        DiagnosticSeverity.Error,
        "Two types writing one topic would read each other's records with the wrong formatter.",
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor InaccessibleEntity = Create(
        ProblemIds.InaccessibleEntity,
        "Entity type is not accessible to generated code",
        "Type '{0}' is not accessible to generated code; make it and every type containing it public or internal",
        DesignCategory,
        DiagnosticSeverity.Error,
        "The generated formatter and client are new top-level types in the entity's namespace, so they can only use types visible in the whole assembly.");

    public static readonly DiagnosticDescriptor GenericEntity = Create(
        ProblemIds.GenericEntity,
        "Generic entity types are not supported",
        "Type '{0}' is generic or nested in a generic type; use a non-generic type declared outside generic types",
        DesignCategory,
        DiagnosticSeverity.Error,
        "One topic holds records of one closed type; a generic definition does not name that type.");

    public static readonly DiagnosticDescriptor InvalidPartitionCount = Create(
        ProblemIds.InvalidPartitions,
        "Partition count must be at least 1",
        "Type '{0}' declares Partitions = {1}; set Partitions to 1 or more",
        DesignCategory,
        DiagnosticSeverity.Error,
        "Every topic has at least one partition; keys are spread over the partitions with Kafka's default partitioner.");

    public static readonly DiagnosticDescriptor TopicNameCaseCollision = Create(
        ProblemIds.TopicNameCaseCollision,
        "Topic names differ only in letter case",
        "Type '{0}' uses the topic name '{1}', which differs only in letter case from '{2}' of type '{3}'; give the topics names that differ in more than case",
        DesignCategory,
        DiagnosticSeverity.Error,
        "On a case-insensitive file system (the default on Windows and macOS) the two topics' partition folders would be one folder, and the engine refuses the second name at run time.",
        WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor UnserializableMember = Create(
        ProblemIds.UnserializableMember,
        UnserializableTitle,
        "Member '{0}.{1}' has type '{2}', which StateLog cannot serialize; change it to a serializable type or remove the member",
        SerializationCategory,
        DiagnosticSeverity.Error,
        "Every member of an entity is written to the log, so its type needs a MessagePack formatter.");

    /// <summary>SLOG020 as the parser reports it on the entity itself: no constructor can rebuild it from its members.</summary>
    public static readonly DiagnosticDescriptor UnconstructibleEntity = Create(
        ProblemIds.UnserializableMember,
        UnserializableTitle,
        "Type '{0}' has no accessible constructor whose parameters all match members by name and type, so StateLog cannot read it back; add such a constructor or make the members init-settable",
        SerializationCategory,
        DiagnosticSeverity.Error,
        "Every member of an entity is written to the log, so its type needs a MessagePack formatter.");

    public static readonly DiagnosticDescriptor DuplicateWireName = Create(
        ProblemIds.DuplicateWireName,
        "Two members share one wire name",
        "Member '{0}.{1}' has the wire name '{3}', which '{2}' already uses; give one of them another name with [Field(\"...\")]",
        SerializationCategory,
        DiagnosticSeverity.Error,
        "Members are written as a map keyed by wire name, so two members with one name would overwrite each other.");

    public static readonly DiagnosticDescriptor UnrestorableKey = Create(
        ProblemIds.UnrestorableKey,
        "Key member cannot be read back",
        "Key member '{0}.{1}' has no setter, init accessor or constructor parameter, so values read back would lose their key; add 'init', or a constructor parameter named like it",
        SerializationCategory,
        DiagnosticSeverity.Error,
        "A value read from the log is rebuilt from its members; a key that cannot be assigned would come back as its default.");

    public static readonly DiagnosticDescriptor MessagePackKeyInsteadOfKey = Create(
        ProblemIds.MessagePackKey,
        "MessagePack [Key] used instead of StateLog [Key]",
        "Member '{0}.{1}' has MessagePack's [Key(n)], which StateLog ignores; use StateLog's [Key] to mark the record key",
        UsageCategory,
        DiagnosticSeverity.Warning,
        "StateLog writes its own formatter; MessagePack's ordinal keys do not mark the record key and do not change the wire format.");

    public static readonly DiagnosticDescriptor SettableKey = Create(
        ProblemIds.MutableKey,
        "Key member is settable after construction",
        "Key member '{0}.{1}' can be set after construction; make it get-only or init-only so a record cannot change its key",
        UsageCategory,
        DiagnosticSeverity.Info,
        "Changing the key of a value already written makes the next put write a different record instead of updating the first.");

    /// <summary>One descriptor per id, in id order.</summary>
    public static readonly ImmutableArray<DiagnosticDescriptor> All = ImmutableArray.Create(
        MissingKey,
        MultipleKeys,
        UnsupportedKeyType,
        InvalidTopicName,
        DuplicateTopicName,
        InaccessibleEntity,
        GenericEntity,
        InvalidPartitionCount,
        TopicNameCaseCollision,
        UnserializableMember,
        DuplicateWireName,
        UnrestorableKey,
        MessagePackKeyInsteadOfKey,
        SettableKey);

    /// <summary>Every descriptor the analyzer reports: <see cref="All"/> plus the second message of SLOG020.</summary>
    public static readonly ImmutableArray<DiagnosticDescriptor> Supported = All.Add(UnconstructibleEntity);

    private static readonly Dictionary<string, DiagnosticDescriptor> ById = CreateIndex();

    /// <summary>The descriptor for a parser problem id, or <see langword="null"/> for an id this analyzer does not know.</summary>
    public static DiagnosticDescriptor? ForId(string id) => ById.TryGetValue(id, out var descriptor) ? descriptor : null;

    /// <summary>
    /// The descriptor for <paramref name="problem"/> found in <paramref name="type"/>. The parser reports SLOG020 on the
    /// entity itself, with the type's own name in the member's place, when no constructor can rebuild it; a member
    /// cannot be named like its type in C#, so that case is told apart without doubt and gets a message that fits.
    /// </summary>
    public static DiagnosticDescriptor? For(ParseProblem problem, INamedTypeSymbol type) =>
        problem.Id == ProblemIds.UnserializableMember && problem.Args.Length > 1 && problem.Args[1] == type.Name
            ? UnconstructibleEntity
            : ForId(problem.Id);

    private static Dictionary<string, DiagnosticDescriptor> CreateIndex()
    {
        var index = new Dictionary<string, DiagnosticDescriptor>();
        foreach (var descriptor in All)
        {
            index.Add(descriptor.Id, descriptor);
        }

        return index;
    }

    private static DiagnosticDescriptor Create(
        string id,
        string title,
        string messageFormat,
        string category,
        DiagnosticSeverity severity,
        string description,
        params string[] customTags) =>
        new(id, title, messageFormat, category, severity, isEnabledByDefault: true, description, HelpLinkBase + id + ".md", customTags);
}
