namespace StateLog.Generators.Parsing.Model;

/// <summary>A type serialized as a string-keyed map: the entity itself or a user type one of its members uses.</summary>
/// <param name="TypeName">The fully qualified type name (no nullable annotation).</param>
/// <param name="FormatterName">The generated formatter's class name, unique within the entity's file.</param>
/// <param name="IsValueType">Whether the type is a struct (no null to write or read).</param>
/// <param name="Members">The members on the wire, in declaration order (base type first).</param>
/// <param name="ConstructorArguments">The names of the members passed to the constructor, in parameter order.</param>
internal sealed record ObjectModel(
    string TypeName,
    string FormatterName,
    bool IsValueType,
    EquatableArray<MemberModel> Members,
    EquatableArray<string> ConstructorArguments);
