using StateLog.Generators.Parsing.Model;

namespace StateLog.Generators.Model;

/// <summary>The input of the registrar file: this assembly's topics and the referenced assemblies' registrars.</summary>
internal sealed record RegistrarModel(AssemblyModel Assembly, EquatableArray<TopicRegistrationModel> Topics)
{
    /// <summary>Whether there is anything to register (otherwise no registrar is emitted).</summary>
    public bool IsNeeded => Topics.Count > 0 || Assembly.ReferencedRegistrars.Count > 0;
}
