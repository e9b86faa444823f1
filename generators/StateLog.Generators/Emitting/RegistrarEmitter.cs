using StateLog.Generators.Model;

namespace StateLog.Generators.Emitting;

/// <summary>
/// Writes <c>StateLog.Generated.StateLogTopics_&lt;Assembly&gt;</c>: registers this assembly's topic clients and calls the
/// registrars of referenced assemblies, from a module initializer, so <c>AddStateLog</c> finds them all without reflection.
/// </summary>
internal static class RegistrarEmitter
{
    public const string HintName = "StateLog.Generated.StateLogTopics.g.cs";

    public static string Emit(RegistrarModel model)
    {
        var name = model.Assembly.RegistrarName;
        var writer = GeneratedCode.StartFile();
        if (model.Topics.Count > 0)
        {
            // Lets assemblies that reference this one find the registrar at compile time.
            writer.Line($"[assembly: global::StateLog.StateLogTopicsAssembly(typeof(global::StateLog.Generated.{name}))]").Line();
        }

        writer
            .Open("namespace StateLog.Generated")
            .Line("/// <summary>Registers the StateLog topic clients of this assembly and of the assemblies it references.</summary>")
            .Line(GeneratedCode.Attribute)
            .Line("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]")
            .Open($"public static class {name}")
            .Line("/// <summary>Adds every topic client to <see cref=\"global::StateLog.StateLogTopicRegistry\"/>; repeated calls are harmless.</summary>")
            .Open("public static void Register()");
        foreach (var topic in model.Topics)
        {
            writer
                .Line("global::StateLog.StateLogTopicRegistry.Register(new global::StateLog.TopicRegistration(")
                .Line($"    typeof({topic.ClientTypeName}),")
                .Line($"    typeof({topic.ServiceTypeName}),")
                .Line($"    {GeneratedCode.Literal(topic.TopicName)},")
                .Line($"    {topic.Partitions},")
                .Line($"    static engine => new {topic.ClientTypeName}(engine)));");
        }

        foreach (var registrar in model.Assembly.ReferencedRegistrars)
        {
            writer.Line($"{registrar}.Register();");
        }

        return writer
            .Close()
            .Line()
            .Line("[global::System.Runtime.CompilerServices.ModuleInitializer]")
            .Line("internal static void Initialize() => Register();")
            .Close()
            .Close()
            .ToString();
    }
}
