namespace StateLog.Generators.Parsing.Model;

/// <summary>A member written to the wire.</summary>
/// <param name="Name">The C# member name (unescaped).</param>
/// <param name="WireName">The map key: the name, or the one given by <c>[Field("name")]</c>.</param>
/// <param name="TypeName">The fully qualified type, with nullable annotations.</param>
/// <param name="Kind">How the value is written and read.</param>
/// <param name="Assignment">How a read value reaches the member.</param>
/// <param name="DefaultValue">The C# expression a missing constructor argument gets.</param>
/// <param name="EnumUnderlyingType">For an enum member, its underlying integer type (<c>byte</c>, <c>int</c>...), which it
/// is written and read as (<paramref name="Kind"/>); otherwise null.</param>
internal sealed record MemberModel(
    string Name, string WireName, string TypeName, WireKind Kind, MemberAssignment Assignment, string DefaultValue, string? EnumUnderlyingType);
