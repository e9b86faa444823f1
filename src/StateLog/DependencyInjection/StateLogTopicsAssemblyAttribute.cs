using System;
using System.ComponentModel;

namespace StateLog;

/// <summary>
/// Marks an assembly that declares compacted topics and names its generated registrar: a static class with a public
/// static <c>Register()</c> method. The generator of a referencing assembly finds this attribute at compile time and
/// calls the registrar from its own module initializer, so <c>AddStateLog</c> sees every topic without reflection.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class StateLogTopicsAssemblyAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    public StateLogTopicsAssemblyAttribute(Type registrarType) => RegistrarType = registrarType;

    /// <summary>The generated registrar.</summary>
    public Type RegistrarType { get; }
}
