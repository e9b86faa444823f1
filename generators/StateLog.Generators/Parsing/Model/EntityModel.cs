namespace StateLog.Generators.Parsing.Model;

/// <summary>Everything the generator needs about one <c>[CompactedTopic]</c> type; strings, bools and enums only.</summary>
/// <param name="Namespace">The entity's namespace, empty for the global namespace.</param>
/// <param name="Name">The entity's simple name; generated types are named after it (<c>{Name}Topic</c>).</param>
/// <param name="HintName">The generated file name: <c>{Namespace}.{Containing.}{Name}.StateLog.g.cs</c>.</param>
/// <param name="TypeName">The fully qualified entity type (<c>global::...</c>).</param>
/// <param name="IsPublic">Whether the entity is public (and so the generated types are); otherwise they are internal.</param>
/// <param name="TopicName">The topic name.</param>
/// <param name="Partitions">The partition count.</param>
/// <param name="KeyMember">The <c>[Key]</c> member's name.</param>
/// <param name="KeyKind">The key type.</param>
/// <param name="Objects">The entity's object model first, then every user type its members reach.</param>
/// <param name="Formatters">The types the resolver maps explicitly, in discovery order.</param>
internal sealed record EntityModel(
    string Namespace,
    string Name,
    string HintName,
    string TypeName,
    bool IsPublic,
    string TopicName,
    string Partitions,
    string KeyMember,
    KeyKind KeyKind,
    EquatableArray<ObjectModel> Objects,
    EquatableArray<FormatterEntry> Formatters);
