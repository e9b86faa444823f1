using StateLog.Generators.Model;
using StateLog.Generators.Parsing.Model;

namespace StateLog.Generators.Emitting;

/// <summary>Writes an entity's file: the typed client <c>{Name}Topic</c> and the formatter <c>{Name}Formatter</c>.</summary>
internal static class EntityEmitter
{
    public static string Emit(EntityModel model)
    {
        var writer = GeneratedCode.StartFile();
        if (model.Namespace.Length > 0)
        {
            writer.Open("namespace " + model.Namespace);
        }

        WriteClient(writer, model);
        writer.Line();
        FormatterEmitter.WriteEntityFormatter(writer, model);
        if (model.Namespace.Length > 0)
        {
            writer.Close();
        }

        return writer.ToString();
    }

    /// <summary>The registrar's view of the entity.</summary>
    public static TopicRegistrationModel Registration(EntityModel model) => new(
        ClientTypeName(model),
        $"global::StateLog.ICompactedTopic<{KeyTypes.TypeName(model.KeyKind)}, {model.TypeName}>",
        model.TopicName,
        model.Partitions);

    private static string ClientTypeName(EntityModel model) =>
        "global::" + (model.Namespace.Length > 0 ? model.Namespace + "." : "") + model.Name + "Topic";

    private static void WriteClient(SourceWriter writer, EntityModel model)
    {
        var visibility = model.IsPublic ? "public" : "internal";
        var keyType = KeyTypes.TypeName(model.KeyKind);
        var formatter = model.Name + "Formatter";
        var key = "value." + GeneratedCode.Identifier(model.KeyMember) + (model.KeyKind == KeyKind.String ? "!" : "");
        writer
            .Line($"/// <summary>The typed client of the compacted topic <c>{model.TopicName}</c>, keyed by <c>{model.KeyMember}</c>.</summary>")
            .Line(GeneratedCode.Attribute)
            .Open($"{visibility} sealed class {model.Name}Topic : global::StateLog.CompactedTopic<{keyType}, {model.TypeName}>")
            .Line("/// <summary>The topic name.</summary>")
            .Line($"public const string TopicName = {GeneratedCode.Literal(model.TopicName)};")
            .Line()
            .Line("/// <summary>The partition count.</summary>")
            .Line($"public const int PartitionCount = {model.Partitions};")
            .Line()
            .Line("/// <summary>Opens (creating if needed) the topic on <paramref name=\"engine\"/>.</summary>")
            .Line($"public {model.Name}Topic(global::StateLog.StateLogEngine engine)")
            .Line($"    : base(engine, TopicName, PartitionCount, {KeyTypes.Codec(model.KeyKind)}, {formatter}.Instance, {formatter}.Options)")
            .Line("{")
            .Line("}")
            .Line()
            .Line("/// <inheritdoc/>")
            .Line($"protected override {keyType} GetKey({model.TypeName} value) => {key};")
            .Close();
    }
}
