using System;

namespace StateLog;

/// <summary>
/// Gives a member another name on the wire, so it can be renamed in code without breaking records already in the log.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter, Inherited = false, AllowMultiple = false)]
public sealed class FieldAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The name written in the MessagePack map for this member.</param>
    public FieldAttribute(string name) => Name = name;

    /// <summary>The name written in the MessagePack map for this member.</summary>
    public string Name { get; }
}
