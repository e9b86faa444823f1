namespace StateLog.Generators.Parsing.Model;

/// <summary>How a deserialized value reaches its member.</summary>
internal enum MemberAssignment
{
    /// <summary>Passed to the chosen constructor.</summary>
    Constructor,

    /// <summary>Set in the object initializer (settable, init-only, or a writable field).</summary>
    Initializer,

    /// <summary>A <c>required</c> member, set in the object initializer; it has no initializer value to keep.</summary>
    RequiredInitializer,
}
